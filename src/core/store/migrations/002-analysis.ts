import type Database from 'better-sqlite3';
import type { Migration } from './types';

/** The structure-map cache: one row per file of an analysed workspace, keyed by root + path, valid while size and mtime match. */
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
      PRIMARY KEY (root, path)
    ) WITHOUT ROWID;
  `);
}

export const analysisTables: Migration = {
  version: 2,
  name: 'analysis cache',
  up(db) {
    createAnalysisTables(db);
  },
};
