import type Database from 'better-sqlite3';
import type { Migration } from './types';

const FILE_COLUMNS = ['root', 'path', 'size', 'mtime_ms', 'kind', 'language', 'skip_reason', 'facts', 'profile_facts'];

/**
 * The structure-map cache: one row per file of an analysed workspace, keyed by root + path, valid
 * while size and mtime match (`facts`: what was read from the file, `profile_facts`: the part of
 * them a profile uses, both JSON); and one stored profile per workspace with the fingerprint of
 * its inputs.
 */
export function createAnalysisTables(db: Database.Database): void {
  // A cache table of another shape (from an older version) is dropped: the next run reads again.
  const columns = (db.prepare('PRAGMA table_info(analysis_files)').all() as { name: string }[]).map((c) => c.name);
  if (columns.length && columns.join() !== FILE_COLUMNS.join()) db.exec('DROP TABLE analysis_files');
  db.exec(`
    DROP TABLE IF EXISTS analysis_facts; -- facts had a table of their own for a while
    CREATE TABLE IF NOT EXISTS analysis_files (
      root TEXT NOT NULL,
      path TEXT NOT NULL,
      size INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      kind TEXT NOT NULL,
      language TEXT,
      skip_reason TEXT,
      facts TEXT,
      profile_facts TEXT NOT NULL,
      PRIMARY KEY (root, path)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS analysis_profiles (
      root TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      reads TEXT NOT NULL,
      profile TEXT NOT NULL
    );
  `);
}

export const analysisTables: Migration = {
  version: 2,
  name: 'analysis cache',
  up(db) {
    createAnalysisTables(db);
  },
};
