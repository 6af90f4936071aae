import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { DeployAgentError } from '../errors';
import { latestSchemaVersion, migrations, type Migration } from './migrations';
import { databaseNotPermitted, databaseReadOnly, historyStoreError } from './store-errors';

export interface HistoryStore {
  readonly db: Database.Database;
  readonly path: string;
  readonly schemaVersion: number;
  readonly sqliteVersion: string;
  /** Set when a corrupt or unreadable file was found at `path` and moved here before a new one was created. */
  readonly movedAside: string | undefined;
  close(): void;
}

export interface OpenStoreOptions {
  /** How long to wait for another process's lock before giving up (default 30 s: `history.busyTimeoutSeconds`). */
  busyTimeoutMs?: number;
  /** Migrations to apply (tests pass a prefix to build old schemas). */
  migrations?: readonly Migration[];
  /** Clock for the moved-aside name; tests pin it. */
  now?: () => Date;
}

/** What only a damaged file answers. Not SQLITE_CANTOPEN: that is a permission or a path, and the file may be healthy. */
const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_IOERR_SHORT_READ']);

export const DEFAULT_BUSY_TIMEOUT_MS = 30_000;

/**
 * Opens (creating when absent) the deployment history at `file`: WAL, foreign keys, and the
 * schema migrated to the newest version. A file that is not a readable SQLite database is
 * moved aside with a timestamp and reported, never silently replaced; a database written by
 * a newer Deploy Agent is refused before anything is written to it.
 */
export function openHistoryStore(file: string, options: OpenStoreOptions = {}): HistoryStore {
  const list = options.migrations ?? migrations;
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const absolute = path.resolve(file);
  try {
    mkdirSync(path.dirname(absolute), { recursive: true });
  } catch (error) {
    throw databaseReadOnly(absolute, error, `its folder cannot be created (${(error as Error).message})`);
  }
  // Permissions first: a file this user may not read is not a damaged one, and must never be moved aside.
  checkAccess(absolute);

  let movedAside: string | undefined;
  let db: Database.Database;
  try {
    db = openAndCheck(absolute, busyTimeoutMs);
  } catch (error) {
    if (error instanceof DeployAgentError) throw error;
    const situation = historyStoreError(error, absolute);
    if (situation) throw situation;
    if (!isCorruption(error) || !existsSync(absolute)) throw wrapOpenError(absolute, error);
    movedAside = moveAside(absolute, (options.now ?? (() => new Date()))());
    db = openAndCheck(absolute, busyTimeoutMs);
  }

  try {
    const onDisk = readUserVersion(db);
    const known = list.length ? list[list.length - 1]!.version : 0;
    if (onDisk > known) {
      throw new DeployAgentError(
        'DB_NEWER_SCHEMA',
        `The history database at ${absolute} has schema version ${onDisk}, newer than this Deploy Agent knows (${known}).`,
        'Update Deploy Agent, or point it at another database with --db PATH / DEPLOY_AGENT_DB. The file was left untouched.',
        { details: { path: absolute, onDisk, known } },
      );
    }
    withBusyReport(absolute, () => {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
      migrate(db, list, onDisk);
    });
  } catch (error) {
    db.close();
    throw error;
  }

  const schemaVersion = readUserVersion(db);
  const sqliteVersion = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  return {
    db,
    path: absolute,
    schemaVersion,
    sqliteVersion,
    movedAside,
    close: () => db.close(),
  };
}

function openAndCheck(file: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(file, { timeout: busyTimeoutMs });
  try {
    // Reading the header and the schema is what exposes a file that is not a database.
    withBusyReport(file, () => {
      db.pragma('user_version');
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      const corrupt = new Error(`quick_check: ${String(check)}`) as Error & { code: string };
      corrupt.code = 'SQLITE_CORRUPT';
      throw corrupt;
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function readUserVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Applies the migrations after `from` (exported for the race test). */
export function migrate(db: Database.Database, list: readonly Migration[], from: number): void {
  for (const migration of list) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      // Another process may have opened the same new file at the same moment and applied this
      // version first: the version is read again under the write lock that IMMEDIATE takes.
      if (readUserVersion(db) >= migration.version) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && CORRUPT_CODES.has(code);
}

function moveAside(file: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  renameSync(file, target);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

/** Turns SQLITE_BUSY after the busy timeout into an error that names who holds the lock (and read-only, permission, full disk into theirs). */
function withBusyReport<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw historyStoreError(error, file) ?? error;
  }
}

/**
 * Whether this user may use the database file (and its folder, where SQLite keeps the write-ahead
 * log): refused with what to do, before SQLite reports the same as a file it "cannot open".
 */
function checkAccess(file: string): void {
  const denied = (mode: number, target: string) => {
    try {
      accessSync(target, mode);
      return false;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
    }
  };
  const folder = path.dirname(file);
  if (existsSync(file)) {
    if (denied(constants.R_OK, file)) throw databaseNotPermitted(file);
    if (denied(constants.W_OK, file)) throw databaseReadOnly(file, undefined, 'this user may read the file but not write it');
    for (const companion of [`${file}-wal`, `${file}-shm`]) {
      if (existsSync(companion) && denied(constants.W_OK, companion)) throw databaseReadOnly(file, undefined, `this user may not write ${companion} beside it`);
    }
    // The -wal and -shm files beside it are created in the folder when they are missing.
    if (!existsSync(`${file}-wal`) && denied(constants.W_OK, folder)) throw databaseReadOnly(file, undefined, `this user may not write in its folder ${folder}`);
  } else if (denied(constants.W_OK, folder)) {
    throw databaseReadOnly(file, undefined, `this user may not create files in ${folder}`);
  }
}

function wrapOpenError(file: string, error: unknown): DeployAgentError {
  return new DeployAgentError(
    'DB_OPEN_FAILED',
    `Could not open the history database at ${file}: ${(error as Error)?.message ?? String(error)}.`,
    'Check that the folder exists and is writable, or choose another location with --db PATH / DEPLOY_AGENT_DB.',
    { cause: error },
  );
}

export { latestSchemaVersion };
