import type { DataInventory, DependencyInfo, StructureMap } from './types';

/** Dependencies that mean a database or an ORM is in use, by canonical name. */
const DATABASE_DEPS: [RegExp, string][] = [
  [/^(pg|postgres|pg-promise|psycopg2(-binary)?|psycopg|asyncpg|postgrex|github\.com\/jackc\/pgx(\/v\d)?|github\.com\/lib\/pq|org\.postgresql:postgresql|Npgsql.*)$/, 'postgresql'],
  [/^(mysql2?|mysqlclient|pymysql|github\.com\/go-sql-driver\/mysql|com\.mysql:mysql-connector-j|myxql)$/, 'mysql'],
  [/^(sqlite3|better-sqlite3|aiosqlite|github\.com\/mattn\/go-sqlite3|Microsoft\.Data\.Sqlite)$/, 'sqlite'],
  [/^(mongodb|mongoose|pymongo|motor|mongoid|go\.mongodb\.org\/mongo-driver)$/, 'mongodb'],
  [/^(redis|ioredis|redis-py|github\.com\/redis\/go-redis(\/v\d)?)$/, 'redis'],
  [/^(prisma|@prisma\/client)$/, 'prisma'],
  [/^typeorm$/, 'typeorm'],
  [/^sequelize$/, 'sequelize'],
  [/^(knex|drizzle-orm|kysely)$/, 'sql-builder'],
  [/^(sqlalchemy|flask-sqlalchemy|sqlmodel)$/, 'sqlalchemy'],
  [/^django$/, 'django-orm'],
  [/^(activerecord|rails)$/, 'activerecord'],
  [/^(doctrine\/orm|laravel\/framework)$/, 'php-orm'],
  [/^(ecto_sql|ecto)$/, 'ecto'],
  [/^(gorm\.io\/gorm)$/, 'gorm'],
  [/^(org\.springframework\.boot:spring-boot-starter-data-jpa|org\.hibernate.*|io\.quarkus:quarkus-hibernate-orm.*|Microsoft\.EntityFrameworkCore.*)$/, 'jpa-orm'],
];

export function databasesOf(dependencies: readonly DependencyInfo[]): string[] {
  const found = new Set<string>();
  for (const d of dependencies) for (const [re, name] of DATABASE_DEPS) if (re.test(d.name)) found.add(name);
  return [...found].sort();
}

/** Every table and model the workspace declares (read from the cached per-file facts). */
export function buildDataInventory(map: StructureMap, dependencies: readonly DependencyInfo[] = []): DataInventory {
  const models = map.files.filter((f) => f.kind === 'source' && f.facts?.models).flatMap((f) => f.facts!.models!.map((m) => ({ ...m, path: f.path })));
  return { models, databases: databasesOf(dependencies) };
}
