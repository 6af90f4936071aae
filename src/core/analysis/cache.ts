import type Database from 'better-sqlite3';
import { createAnalysisTables } from '../store/migrations/002-analysis';
import type { FileEntry, FileKind, SkipReason } from './types';

/** One cached file without its facts (`loadFacts` has them: most warm runs never need them). */
export interface CachedFile {
  size: number;
  mtimeMs: number;
  kind: FileKind;
  language: string | null;
  skipReason: SkipReason | null;
  hasFacts: boolean;
  /** The facts a profile is derived from, as JSON (`''`: none). */
  profileFacts: string;
}

/** A file to (re)write: its entry and the part of its facts a profile uses, as JSON. */
export type ChangedFile = FileEntry & { skipReason?: SkipReason; profileFacts: string };

/** The profile stored with the fingerprint of what it was derived from (see profile-cache.ts). */
export interface StoredProfile {
  fingerprint: string;
  /** JSON: `[path, content key][]` of the files the detectors read (see profile-cache.ts). */
  reads: string;
  /** JSON of the profile. */
  profile: string;
}

type Row = [path: string, size: number, mtimeMs: number, kind: FileKind, language: string | null, skipReason: SkipReason | null, hasFacts: 0 | 1, profileFacts: string];

const escapeLike = (p: string) => p.replace(/[\\%_]/g, (c) => '\\' + c);

/**
 * The structure-map cache in the history database: what was read from each file, valid while
 * its size and mtime are unchanged, and the last profile of each workspace with the fingerprint
 * of its inputs. `invalidate` is what the editor's file watcher calls.
 */
export class AnalysisCache {
  constructor(private readonly db: Database.Database) {
    // Databases migrated past version 2 before these tables changed still get them.
    createAnalysisTables(db);
  }

  hasRows(root: string): boolean {
    return this.db.prepare('SELECT 1 FROM analysis_files WHERE root = ? LIMIT 1').get(root) !== undefined;
  }

  load(root: string): Map<string, CachedFile> {
    // Raw rows (arrays) without the facts themselves: a 10,000-file workspace loads in a few milliseconds.
    const rows = this.db.prepare('SELECT path, size, mtime_ms, kind, language, skip_reason, facts IS NOT NULL, profile_facts FROM analysis_files WHERE root = ?').raw().all(root) as Row[];
    const map = new Map<string, CachedFile>();
    for (const row of rows) map.set(row[0], { size: row[1], mtimeMs: row[2], kind: row[3], language: row[4], skipReason: row[5], hasFacts: row[6] === 1, profileFacts: row[7] });
    return map;
  }

  /** The facts (JSON) of every cached file that has some, with the size and mtime they were read at. */
  loadFacts(root: string): Map<string, [size: number, mtimeMs: number, facts: string]> {
    const rows = this.db.prepare('SELECT path, size, mtime_ms, facts FROM analysis_files WHERE root = ? AND facts IS NOT NULL').raw().all(root) as [string, number, number, string][];
    return new Map(rows.map((r) => [r[0], [r[1], r[2], r[3]]]));
  }

  /** Writes the changed entries and forgets the paths that are gone, in one transaction. */
  save(root: string, changed: ChangedFile[], removed: string[]): void {
    if (changed.length === 0 && removed.length === 0) return;
    this.db.transaction(() => {
      this.insertRows('INSERT OR REPLACE INTO analysis_files (root, path, size, mtime_ms, kind, language, skip_reason, facts, profile_facts) VALUES', 9, changed, (f) => [
        root, f.path, f.size, f.mtimeMs, f.kind, f.language ?? null, f.skipReason ?? null, f.facts ? JSON.stringify(f.facts) : null, f.profileFacts,
      ]);
      const remove = this.db.prepare('DELETE FROM analysis_files WHERE root = ? AND path = ?');
      for (const p of removed) remove.run(root, p);
    })();
  }

  /** Many rows per statement: a cold run writes tens of thousands, and each statement costs a round trip. */
  private insertRows<T>(sql: string, columns: number, items: readonly T[], values: (item: T) => unknown[]): void {
    const batch = 100;
    const placeholders = (rows: number) => Array.from({ length: rows }, () => `(${new Array(columns).fill('?').join(', ')})`).join(', ');
    const full = items.length >= batch ? this.db.prepare(`${sql} ${placeholders(batch)}`) : undefined;
    let i = 0;
    for (; full && i + batch <= items.length; i += batch) full.run(items.slice(i, i + batch).flatMap(values));
    if (i < items.length) this.db.prepare(`${sql} ${placeholders(items.length - i)}`).run(items.slice(i).flatMap(values));
  }

  /**
   * Forgets paths (workspace-relative) so the next analysis re-reads them. (The stored profile
   * needs no help: it checks the files its detectors read by blob id or ctime.)
   */
  invalidate(root: string, paths: readonly string[]): void {
    const remove = this.db.prepare("DELETE FROM analysis_files WHERE root = ? AND (path = ? OR path LIKE ? ESCAPE '\\')");
    this.db.transaction(() => {
      for (const p of paths) remove.run(root, p, escapeLike(p) + '/%');
    })();
  }

  loadProfile(root: string): StoredProfile | undefined {
    return this.db.prepare('SELECT fingerprint, reads, profile FROM analysis_profiles WHERE root = ?').get(root) as StoredProfile | undefined;
  }

  saveProfile(root: string, stored: StoredProfile): void {
    this.db.prepare('INSERT OR REPLACE INTO analysis_profiles (root, fingerprint, reads, profile) VALUES (?, ?, ?, ?)').run(root, stored.fingerprint, stored.reads, stored.profile);
  }

  clear(root: string): void {
    for (const table of ['analysis_files', 'analysis_profiles']) this.db.prepare(`DELETE FROM ${table} WHERE root = ?`).run(root);
  }
}
