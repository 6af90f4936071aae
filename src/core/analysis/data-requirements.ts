import type { Recommendation } from '../recommendation/types';
import type { DataGap, DataInventory, DependencyInfo, ProjectProfile } from './types';

/** Lowercase, no separators, naive singular: `order_items`, `OrderItem`, `order-items` → `orderitem`. */
export function normalizeTableName(name: string): string {
  let n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (n.endsWith('ies') && n.length > 4) n = n.slice(0, -3) + 'y';
  else if (/(ses|xes|ches|shes)$/.test(n)) n = n.slice(0, -2);
  else if (n.endsWith('s') && !n.endsWith('ss') && n.length > 3) n = n.slice(0, -1);
  return n;
}

/** Features a recommendation may ask for, and the dependencies or databases that provide them. */
const FEATURES: { words: RegExp; provides: RegExp; label: string }[] = [
  { words: /\b(database|persistence|sql|relational|storage of records)\b/, provides: /^(postgresql|mysql|sqlite|mongodb|prisma|typeorm|sequelize|sql-builder|sqlalchemy|django-orm|activerecord|php-orm|ecto|gorm|jpa-orm)$/, label: 'a database' },
  { words: /\b(cach(e|ing)|session store)\b/, provides: /^(redis|ioredis|memcached|node-cache|lru-cache|django-redis|flask-caching|dalli)$/, label: 'a cache' },
  { words: /\b(full[- ]?text|search index|search)\b/, provides: /^(elasticsearch|@elastic\/elasticsearch|meilisearch|typesense|algoliasearch|opensearch-py|elasticsearch-dsl|pg_search|searchkick|postgresql)$/, label: 'a search engine' },
  { words: /\b(queue|background jobs?|job queue|worker)\b/, provides: /^(bull|bullmq|bee-queue|celery|rq|dramatiq|sidekiq|resque|good_job|oban|amqplib|kafkajs|redis)$/, label: 'a job queue' },
  { words: /\b(transactions?|acid)\b/, provides: /^(postgresql|mysql|sqlite|prisma|typeorm|sequelize|sqlalchemy|django-orm|activerecord|php-orm|ecto|gorm|jpa-orm)$/, label: 'a transactional database' },
  { words: /\b(migrations?|schema changes?)\b/, provides: /^(prisma|typeorm|sequelize|knex|alembic|django-orm|activerecord|php-orm|ecto|flyway|liquibase|golang-migrate|drizzle-kit)$/, label: 'a migration tool' },
  { words: /\b(file (upload|storage)|uploads?|object storage|s3|blob)\b/, provides: /^(multer|@aws-sdk\/client-s3|aws-sdk|boto3|django-storages|activestorage|shrine|carrierwave|@google-cloud\/storage|minio)$/, label: 'file storage' },
  { words: /\b(time[- ]?series|metrics store)\b/, provides: /^(influx|@influxdata\/influxdb-client|timescale|prom-client|prometheus-client)$/, label: 'a time-series store' },
];

function providers(deps: readonly DependencyInfo[], databases: readonly string[]): Set<string> {
  return new Set([...deps.map((d) => d.name.toLowerCase()), ...databases]);
}

/**
 * What a recommendation's `dataRequirements` asks for that the repository does not have:
 * tables no declared model matches (with close candidates when one looks similar) and
 * features no dependency provides. Features the analysis cannot judge are reported as `unknown`.
 */
export function checkDataRequirements(source: ProjectProfile | DataInventory, recommendation: Pick<Recommendation, 'dataRequirements'>): DataGap[] {
  const inventory: DataInventory = 'dataInventory' in source ? source.dataInventory : source;
  const deps: DependencyInfo[] = 'dependencies' in source ? [...source.dependencies, ...source.projects.flatMap((p) => p.dependencies)] : [];
  const databases = 'dataInventory' in source ? [...inventory.databases, ...source.projects.flatMap((p) => p.dataInventory.databases)] : inventory.databases;
  const gaps: DataGap[] = [];
  const byName = new Map<string, string[]>();
  for (const m of inventory.models) byName.set(normalizeTableName(m.name), [...(byName.get(normalizeTableName(m.name)) ?? []), m.name]);
  for (const table of recommendation.dataRequirements?.tables ?? []) {
    const key = normalizeTableName(table);
    if (byName.has(key)) continue;
    const candidates = [...new Set([...byName.entries()].filter(([k]) => k.length > 2 && key.length > 2 && (k.includes(key) || key.includes(k))).flatMap(([, v]) => v))];
    gaps.push(
      candidates.length
        ? { kind: 'table', name: table, status: 'partial', message: `No table or model named "${table}"; similar: ${candidates.join(', ')}.`, candidates }
        : { kind: 'table', name: table, status: 'missing', message: `No table or model named "${table}" is declared; it must be created (with a migration if the project uses them).`, candidates: [] },
    );
  }
  const have = providers(deps, databases);
  for (const feature of recommendation.dataRequirements?.features ?? []) {
    const text = feature.toLowerCase();
    const known = FEATURES.filter((f) => f.words.test(text));
    if (known.length === 0) {
      gaps.push({ kind: 'feature', name: feature, status: 'unknown', message: `"${feature}" could not be checked against the code; verify it by hand.`, candidates: [] });
      continue;
    }
    const missing = known.filter((f) => ![...have].some((h) => f.provides.test(h)));
    if (missing.length) gaps.push({ kind: 'feature', name: feature, status: 'missing', message: `"${feature}" needs ${missing.map((m) => m.label).join(' and ')}; none is among the dependencies.`, candidates: [] });
  }
  return gaps;
}
