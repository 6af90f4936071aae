import type Database from 'better-sqlite3';
import { createAnalysisTables } from '../store/migrations/002-analysis';
import type { FileEntry, FileFacts, FileKind, SkipReason } from './types';

export interface CachedFile {
  size: number;
  mtimeMs: number;
  kind: FileKind;
  language?: string;
  skipReason?: SkipReason;
  facts?: FileFacts;
}

interface Row {
  path: string;
  size: number;
  mtime_ms: number;
  kind: string;
  language: string | null;
  skip_reason: string | null;
  facts: string | null;
}

/**
 * The structure-map cache in the history database: what was read from each file, valid while
 * its size and mtime are unchanged. `invalidate` is what the editor's file watcher calls.
 */
export class AnalysisCache {
  constructor(private readonly db: Database.Database) {
    // Databases migrated past version 2 before this table existed still get it.
    createAnalysisTables(db);
  }

  load(root: string): Map<string, CachedFile> {
    const rows = this.db.prepare('SELECT path, size, mtime_ms, kind, language, skip_reason, facts FROM analysis_files WHERE root = ?').all(root) as Row[];
    const map = new Map<string, CachedFile>();
    for (const row of rows) {
      const entry: CachedFile = { size: row.size, mtimeMs: row.mtime_ms, kind: row.kind as FileKind };
      if (row.language) entry.language = row.language;
      if (row.skip_reason) entry.skipReason = row.skip_reason as SkipReason;
      if (row.facts) entry.facts = JSON.parse(row.facts) as FileFacts;
      map.set(row.path, entry);
    }
    return map;
  }

  /** Writes the changed entries and forgets the paths that are gone, in one transaction. */
  save(root: string, changed: (FileEntry & { skipReason?: SkipReason })[], removed: string[]): void {
    if (changed.length === 0 && removed.length === 0) return;
    const upsert = this.db.prepare(
      'INSERT OR REPLACE INTO analysis_files (root, path, size, mtime_ms, kind, language, skip_reason, facts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const remove = this.db.prepare('DELETE FROM analysis_files WHERE root = ? AND path = ?');
    this.db.transaction(() => {
      for (const f of changed) upsert.run(root, f.path, f.size, f.mtimeMs, f.kind, f.language ?? null, f.skipReason ?? null, f.facts ? JSON.stringify(f.facts) : null);
      for (const p of removed) remove.run(root, p);
    })();
  }

  /** Forgets paths (workspace-relative) so the next analysis re-reads them. */
  invalidate(root: string, paths: readonly string[]): void {
    const remove = this.db.prepare('DELETE FROM analysis_files WHERE root = ? AND (path = ? OR path LIKE ? ESCAPE \'\\\')');
    this.db.transaction(() => {
      for (const p of paths) remove.run(root, p, p.replace(/[\\%_]/g, (c) => '\\' + c) + '/%');
    })();
  }

  clear(root: string): void {
    this.db.prepare('DELETE FROM analysis_files WHERE root = ?').run(root);
  }
}
