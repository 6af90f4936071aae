import { stringify } from 'yaml';
import type { ProjectProfile } from '../analysis/types';
import { ProjectFiles } from './project-files';
import type { Choice, GenerationResult, Unknown } from './types';

/** A backing service for local development: a pinned image, its data folder and how it says it is ready. */
interface ServiceSpec {
  name: string;
  image: string;
  port: number;
  volume?: string;
  environment?: Record<string, string>;
  healthcheck: string[];
  /** Dependency names (any ecosystem) that use it. */
  deps: RegExp;
  /** Environment variable names that point at it. */
  env: RegExp;
  /** How the application reaches it from the host (shown, never written into a file). */
  url: string;
}

/** Local development only: the passwords are the service's name, the ports bound to 127.0.0.1. */
const SERVICES: ServiceSpec[] = [
  {
    name: 'postgres',
    image: 'postgres:17.2-alpine',
    port: 5432,
    volume: '/var/lib/postgresql/data',
    environment: { POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'app', POSTGRES_DB: 'app' },
    healthcheck: ['CMD-SHELL', 'pg_isready -U app -d app'],
    deps: /^(pg|postgres|pg-promise|psycopg2(-binary)?|psycopg(\[.*\])?|asyncpg|postgrex|github\.com\/jackc\/pgx(\/v\d)?|github\.com\/lib\/pq|org\.postgresql:postgresql|Npgsql.*|io\.quarkus:quarkus-jdbc-postgresql)$/,
    env: /^(POSTGRES|PG)(_|HOST|USER|DATABASE|PASSWORD)/,
    url: 'postgres://app:app@127.0.0.1:5432/app',
  },
  {
    name: 'mysql',
    image: 'mysql:8.4.3',
    port: 3306,
    volume: '/var/lib/mysql',
    environment: { MYSQL_DATABASE: 'app', MYSQL_USER: 'app', MYSQL_PASSWORD: 'app', MYSQL_ROOT_PASSWORD: 'root' },
    healthcheck: ['CMD', 'mysqladmin', 'ping', '-h', '127.0.0.1', '-uapp', '-papp'],
    deps: /^(mysql2?|mysqlclient|pymysql|aiomysql|github\.com\/go-sql-driver\/mysql|com\.mysql:mysql-connector-j|mysql:mysql-connector-java|myxql|MySqlConnector|Pomelo\.EntityFrameworkCore\.MySql)$/,
    env: /^MYSQL_/,
    url: 'mysql://app:app@127.0.0.1:3306/app',
  },
  {
    name: 'mongodb',
    image: 'mongo:8.0.3',
    port: 27017,
    volume: '/data/db',
    healthcheck: ['CMD', 'mongosh', '--quiet', '--eval', "db.adminCommand('ping').ok"],
    deps: /^(mongodb|mongoose|pymongo|motor|mongoengine|mongoid|go\.mongodb\.org\/mongo-driver|org\.springframework\.boot:spring-boot-starter-data-mongodb|mongodb\/mongodb|MongoDB\.Driver|mongodb_driver)$/,
    env: /^MONGO(DB)?_/,
    url: 'mongodb://127.0.0.1:27017/app',
  },
  {
    name: 'redis',
    image: 'redis:7.4.1-alpine',
    port: 6379,
    volume: '/data',
    healthcheck: ['CMD', 'redis-cli', 'ping'],
    deps: /^(redis|ioredis|@redis\/client|redis-py|aioredis|github\.com\/redis\/go-redis(\/v\d)?|github\.com\/go-redis\/redis(\/v\d)?|redis\.clients:jedis|io\.lettuce:lettuce-core|org\.springframework\.boot:spring-boot-starter-data-redis|redix|predis\/predis|StackExchange\.Redis|bullmq|bull|celery\[redis\]|rq|sidekiq)$/,
    env: /^REDIS_/,
    url: 'redis://127.0.0.1:6379',
  },
  {
    name: 'rabbitmq',
    image: 'rabbitmq:4.0.4-management-alpine',
    port: 5672,
    volume: '/var/lib/rabbitmq',
    healthcheck: ['CMD', 'rabbitmq-diagnostics', '-q', 'ping'],
    deps: /^(amqplib|amqp-connection-manager|pika|aio-pika|kombu|github\.com\/rabbitmq\/amqp091-go|github\.com\/streadway\/amqp|org\.springframework\.boot:spring-boot-starter-amqp|com\.rabbitmq:amqp-client|bunny|php-amqplib\/php-amqplib|RabbitMQ\.Client|amqp)$/,
    env: /^(RABBITMQ|AMQP)_/,
    url: 'amqp://guest:guest@127.0.0.1:5672',
  },
];

/** A database named by configuration rather than a dependency: Prisma's provider, Rails's adapter, Django's ENGINE. */
function configuredDatabases(files: ProjectFiles): { name: string; evidence: string }[] {
  const out: { name: string; evidence: string }[] = [];
  const prisma = files.first('prisma/schema.prisma', 'schema.prisma');
  const provider = prisma ? /datasource\s+\w+\s*\{[^}]*provider\s*=\s*"(\w+)"/.exec(files.read(prisma) ?? '')?.[1] : undefined;
  if (provider) out.push({ name: provider === 'postgresql' ? 'postgres' : provider === 'mongodb' ? 'mongodb' : provider, evidence: files.rel(prisma!) });
  const adapter = /^\s*adapter:\s*(\w+)/m.exec(files.read('config/database.yml') ?? '')?.[1];
  if (adapter) out.push({ name: /postg/.test(adapter) ? 'postgres' : /mysql|trilogy/.test(adapter) ? 'mysql' : adapter, evidence: files.rel('config/database.yml') });
  return out;
}

/**
 * A compose file with the services the code needs to run locally — PostgreSQL, MySQL, MongoDB,
 * Redis, RabbitMQ — each found in the dependencies, the configuration (Prisma, Rails) or the
 * environment variables the code reads; pinned images, named volumes, health checks, ports on
 * 127.0.0.1 only. Nothing when the code needs none.
 */
export function generateCompose(profile: ProjectProfile): GenerationResult {
  const choices: Choice[] = [];
  const unknowns: Unknown[] = [];
  const files = new ProjectFiles(profile);
  const manifest = profile.detections.packageManager?.evidence[0] ?? profile.path;
  const configured = configuredDatabases(files);
  const wanted = new Map<ServiceSpec, { evidence: string[]; reason: string; confidence: number }>();
  for (const spec of SERVICES) {
    const deps = profile.dependencies.filter((d) => !d.dev && spec.deps.test(d.name)).map((d) => d.name);
    const config = configured.filter((c) => c.name === spec.name);
    const env = profile.envVars.filter((v) => spec.env.test(v));
    if (deps.length) wanted.set(spec, { evidence: [manifest], reason: `the dependency ${deps.join(', ')}`, confidence: 0.9 });
    else if (config.length) wanted.set(spec, { evidence: config.map((c) => c.evidence), reason: `the configured ${spec.name} database`, confidence: 0.9 });
    else if (env.length) wanted.set(spec, { evidence: [], reason: `the code reads ${env.join(', ')}`, confidence: 0.6 });
  }
  if (profile.envVars.includes('DATABASE_URL') && ![...wanted.keys()].some((s) => ['postgres', 'mysql', 'mongodb'].includes(s.name)) && !profile.dataInventory.databases.includes('sqlite')) {
    unknowns.push({ what: 'database', why: 'the code reads DATABASE_URL, but nothing says which database it is', hint: 'Add the database driver to the dependencies (pg, psycopg, mysql2 …), then generate again.' });
  }
  if (!wanted.size) {
    return { kind: 'compose', files: [], choices, unknowns: [...unknowns, { what: 'services', why: 'the code needs no backing service the template knows (PostgreSQL, MySQL, MongoDB, Redis, RabbitMQ)', hint: 'Nothing to run beside the application.' }], skipped: 'the code needs no backing service (PostgreSQL, MySQL, MongoDB, Redis, RabbitMQ)' };
  }
  const services: Record<string, unknown> = {};
  const volumes: Record<string, null> = {};
  for (const [spec, why] of wanted) {
    const volume = spec.volume ? `${spec.name}-data` : undefined;
    services[spec.name] = {
      image: spec.image,
      restart: 'unless-stopped',
      ...(spec.environment ? { environment: spec.environment } : {}),
      ports: [`127.0.0.1:${spec.port}:${spec.port}`],
      ...(volume ? { volumes: [`${volume}:${spec.volume}`] } : {}),
      healthcheck: { test: spec.healthcheck, interval: '5s', timeout: '5s', retries: 10, start_period: '10s' },
    };
    if (volume) volumes[volume] = null;
    choices.push({ what: `service ${spec.name}`, value: spec.image, evidence: why.evidence, reason: `${why.reason}; reach it at ${spec.url}`, confidence: why.confidence });
  }
  const name = (profile.name ?? 'app').toLowerCase().replace(/^@[^/]+\//, '').replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '') || 'app';
  const body = stringify({ name, services, volumes }, { lineWidth: 0, nullStr: '' }).replace(/: $/gm, ':');
  const header = [
    '# Generated by Deploy Agent from the project profile (deploy-agent generate-config compose).',
    '# The services the code needs for local development: docker compose up -d --wait',
    '# Passwords here are for this machine only (ports bound to 127.0.0.1); production credentials never go in this file.',
  ];
  if (profile.commands.dev) choices.push({ what: 'application', value: profile.commands.dev, evidence: profile.detections['commands.dev']?.evidence ?? [], reason: 'runs on the host against the services (the development server), not in the compose file', confidence: 0.8 });
  return { kind: 'compose', files: [{ path: 'compose.yaml', content: `${header.join('\n')}\n${body}` }], choices, unknowns };
}
