import type Database from 'better-sqlite3';
import { createAnalysisTables } from '../store/migrations/002-analysis';
import type { FileEntry, FileKind, SkipReason } from './types';

/** One cached file; `facts` stays JSON text until someone needs it (most warm runs never do). */
export interface CachedFile {
  size: number;
  mtimeMs: number;
  kind: FileKind;
  language: string | null;
  skipReason: SkipReason | null;
  facts: string | null;
  /** The facts a profile is derived from, as JSON (`''`: none; null: a row written before the profile cache). */
  profileFacts: string | null;
}

/** A file to (re)write: its entry and the part of its facts a profile uses, as JSON. */
export type ChangedFile = FileEntry & { skipReason?: SkipReason; profileFacts: string };

/** The profile stored with the fingerprint of what it was derived from (see profile-cache.ts). */
export interface StoredProfile {
  fingerprint: string;
  /** JSON: `[path, size, mtimeMs][]` of the files the detectors read. */
  reads: string;
  /** JSON of the profile. */
  profile: string;
}

type Row = [path: string, size: number, mtimeMs: number, kind: FileKind, language: string | null, skipReason: SkipReason | null, facts: string | null, profileFacts: string | null];

/**
 * The structure-map cache in the history database: what was read from each file, valid while
 * its size and mtime are unchanged, and the last profile of each workspace with the fingerprint
 * of its inputs. `invalidate` is what the editor's file watcher calls.
 */
export class AnalysisCache {
  constructor(private readonly db: Database.Database) {
    // Databases migrated past version 2 before this table existed still get it.
    createAnalysisTables(db);
  }

  load(root: string): Map<string, CachedFile> {
    // Raw rows (arrays) and unparsed facts: a 10,000-file workspace loads in a few milliseconds.
    const rows = this.db.prepare('SELECT path, size, mtime_ms, kind, language, skip_reason, facts, profile_facts FROM analysis_files WHERE root = ?').raw().all(root) as Row[];
    const map = new Map<string, CachedFile>();
    for (const row of rows) map.set(row[0], { size: row[1], mtimeMs: row[2], kind: row[3], language: row[4], skipReason: row[5], facts: row[6], profileFacts: row[7] });
    return map;
  }

  /** Writes the changed entries and forgets the paths that are gone, in one transaction. */
  save(root: string, changed: ChangedFile[], removed: string[]): void {
    if (changed.length === 0 && removed.length === 0) return;
    const upsert = this.db.prepare(
      'INSERT OR REPLACE INTO analysis_files (root, path, size, mtime_ms, kind, language, skip_reason, facts, profile_facts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const remove = this.db.prepare('DELETE FROM analysis_files WHERE root = ? AND path = ?');
    this.db.transaction(() => {
      for (const f of changed) upsert.run(root, f.path, f.size, f.mtimeMs, f.kind, f.language ?? null, f.skipReason ?? null, f.facts ? JSON.stringify(f.facts) : null, f.profileFacts);
      for (const p of removed) remove.run(root, p);
    })();
  }

  /**
   * Forgets paths (workspace-relative) so the next analysis re-reads them, and the stored
   * profile when its detectors read one of them (an edit that kept size and mtime).
   */
  invalidate(root: string, paths: readonly string[]): void {
    const remove = this.db.prepare('DELETE FROM analysis_files WHERE root = ? AND (path = ? OR path LIKE ? ESCAPE \'\\\')');
    this.db.transaction(() => {
      for (const p of paths) remove.run(root, p, p.replace(/[\\%_]/g, (c) => '\\' + c) + '/%');
      const stored = this.loadProfile(root);
      if (!stored) return;
      const reads = (JSON.parse(stored.reads) as [string, number, number][]).map((r) => r[0]);
      if (paths.some((p) => reads.some((r) => r === p || r.startsWith(p + '/')))) this.db.prepare('DELETE FROM analysis_profiles WHERE root = ?').run(root);
    })();
  }

  loadProfile(root: string): StoredProfile | undefined {
    return this.db.prepare('SELECT fingerprint, reads, profile FROM analysis_profiles WHERE root = ?').get(root) as StoredProfile | undefined;
  }

  saveProfile(root: string, stored: StoredProfile): void {
    this.db.prepare('INSERT OR REPLACE INTO analysis_profiles (root, fingerprint, reads, profile) VALUES (?, ?, ?, ?)').run(root, stored.fingerprint, stored.reads, stored.profile);
  }

  clear(root: string): void {
    this.db.prepare('DELETE FROM analysis_files WHERE root = ?').run(root);
    this.db.prepare('DELETE FROM analysis_profiles WHERE root = ?').run(root);
  }
}
