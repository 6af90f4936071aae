import type Database from 'better-sqlite3';
import type { Migration } from './types';

/**
 * The structure-map cache: one row per file of an analysed workspace, keyed by root + path, valid
 * while size and mtime match (`profile_facts`: the part of the facts a profile uses, as JSON); and
 * one stored profile per workspace with the fingerprint of its inputs.
 */
export function createAnalysisTables(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS analysis_files (
      root TEXT NOT NULL,
      path TEXT NOT NULL,
      size INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      kind TEXT NOT NULL,
      language TEXT,
      skip_reason TEXT,
      facts TEXT,
      profile_facts TEXT,
      PRIMARY KEY (root, path)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS analysis_profiles (
      root TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      reads TEXT NOT NULL,
      profile TEXT NOT NULL
    );
  `);
  // Tables created before the profile cache: rows without it are re-read once.
  const columns = db.prepare('PRAGMA table_info(analysis_files)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'profile_facts')) db.exec('ALTER TABLE analysis_files ADD COLUMN profile_facts TEXT');
}

export const analysisTables: Migration = {
  version: 2,
  name: 'analysis cache',
  up(db) {
    createAnalysisTables(db);
  },
};
