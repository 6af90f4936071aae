import type Database from 'better-sqlite3';
import type { Migration } from './types';

/**
 * The structure-map cache: one row per file of an analysed workspace, keyed by root + path, valid
 * while size and mtime match (`profile_facts`: the part of the file's facts a profile uses, as
 * JSON); the facts themselves in their own table, so a warm run that needs none reads a table a
 * third the size; and one stored profile per workspace with the fingerprint of its inputs.
 */
export function createAnalysisTables(db: Database.Database): void {
  // A cache from before the facts moved to their own table is dropped: the next run reads again.
  const columns = db.prepare('PRAGMA table_info(analysis_files)').all() as { name: string }[];
  if (columns.some((c) => c.name === 'facts')) db.exec('DROP TABLE analysis_files');
  db.exec(`
    CREATE TABLE IF NOT EXISTS analysis_files (
      root TEXT NOT NULL,
      path TEXT NOT NULL,
      size INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      kind TEXT NOT NULL,
      language TEXT,
      skip_reason TEXT,
      has_facts INTEGER NOT NULL,
      profile_facts TEXT NOT NULL,
      PRIMARY KEY (root, path)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS analysis_facts (
      root TEXT NOT NULL,
      path TEXT NOT NULL,
      facts TEXT NOT NULL,
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
