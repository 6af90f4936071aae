import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { DEPLOY_AGENT_VERSION } from '../version';
import type { AnalysisCache } from './cache';
import type { Scan } from './structure';
import type { FileEntry, ProjectProfile } from './types';

/**
 * Bump when the code that derives a profile from its inputs changes (profile.ts, detect/,
 * data-inventory.ts): a stored profile is only reused by the same detection code.
 * test/unit/analysis/profile-cache.test.ts fails until this is bumped after such a change.
 */
export const PROFILE_CACHE_VERSION = 6;

/** How often this process reused a stored profile or had to compute one (tests and the benchmark read it). */
export const profileCacheStats = { reused: 0, computed: 0 };

/**
 * The part of a file's facts that a profile is derived from, as JSON (`''`: none): environment
 * variables, ports and data models of every file, imports and exports of Python files (framework
 * detection). An edit that changes none of these (a function body, a comment, a doc string)
 * leaves the profile as it was. The unit test reads which facts the profile code uses, so one
 * used without being listed here fails it.
 */
export function profileFactsOf(file: Pick<FileEntry, 'language' | 'facts'>): string {
  const facts = file.facts;
  if (!facts) return '';
  const { envVars, ports, models } = facts;
  const python = file.language === 'python' ? { imports: facts.imports, exports: facts.exports } : {};
  // A JS/TS file's port literals count only when it imports a server module (detect/context.ts).
  const js = ports && (file.language === 'typescript' || file.language === 'javascript') ? { imports: facts.imports } : {};
  if (!envVars && !ports && !models && !python.imports && !python.exports) return '';
  return JSON.stringify({ envVars, ports, models, ...python, ...js });
}

/**
 * The per-file part of a profile's fingerprint, fed by the scan as it goes: every listed file's
 * path, kind, language and the facts a profile uses (from the cache, so unchanged files are never
 * parsed). Hashed ~64 KB at a time: far cheaper than once per file.
 */
export class FilesDigest {
  private readonly hash = createHash('sha1');
  private chunk = '';

  add(file: FileEntry, profileFacts: string): void {
    this.chunk += `${file.path}\0${file.kind}\0${file.language ?? ''}\0${profileFacts}\n`;
    if (this.chunk.length > 65536) {
      this.hash.update(this.chunk);
      this.chunk = '';
    }
  }

  digest(): string {
    this.hash.update(this.chunk);
    this.chunk = '';
    return this.hash.digest('hex');
  }
}

/**
 * What a profile is derived from, hashed: the files (`FilesDigest`), the skipped files, the
 * project layout, entry points, test folders and each project's primary language (the only input
 * that depends on file sizes). File sizes themselves are not in it: languages and the structure
 * summary are recomputed on every run. The contents the detectors read (manifests, lockfiles,
 * configs) are checked separately (`contentKey`), since which files those are is only known
 * after detection.
 */
export function profileFingerprint(scan: Scan, filesDigest: string, primaryLanguages: readonly (string | null)[]): string {
  const { map } = scan;
  const hash = createHash('sha1');
  hash.update(`${PROFILE_CACHE_VERSION}\0${DEPLOY_AGENT_VERSION}\0${map.root}\0${filesDigest}\n${map.projectRoots.join('\0')}\n${primaryLanguages.join('\0')}\n`);
  hash.update(`${map.entryPoints.join('\0')}\n${map.testDirs.join('\0')}\n`);
  hash.update(map.skipped.map((s) => `${s.path}\0${s.reason}\n`).join(''));
  return hash.digest('hex');
}

/**
 * What identifies the content of a file the detectors read: size, mtime and ctime from a stat
 * (every write moves the ctime, to the nanosecond, and nothing can set it back); `-` when it
 * cannot be stat'ed. A few dozen stats per run.
 */
function contentKey(root: string, rel: string): string {
  try {
    const st = statSync(path.join(root, rel));
    return `${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    return '-';
  }
}

/** Records the content key of each file the detectors read, taken before it is read. */
export function readRecorder(scan: Scan): { onRead: (rel: string) => void; reads: Map<string, string> } {
  const reads = new Map<string, string>();
  return { reads, onRead: (rel) => void (reads.has(rel) || reads.set(rel, contentKey(scan.map.root, rel))) };
}

/** The stored profile of this workspace when its fingerprint matches and the files its detectors read are unchanged. */
export function storedProfile(cache: AnalysisCache, scan: Scan, fingerprint: string): ProjectProfile | undefined {
  const stored = cache.loadProfile(scan.map.root);
  if (!stored || stored.fingerprint !== fingerprint) return undefined;
  for (const [rel, key] of JSON.parse(stored.reads) as [string, string][]) if (contentKey(scan.map.root, rel) !== key) return undefined;
  profileCacheStats.reused++;
  return JSON.parse(stored.profile) as ProjectProfile;
}

/** Stores the profile with its fingerprint and the content keys of the files its detectors read. */
export function storeProfile(cache: AnalysisCache, root: string, fingerprint: string, reads: ReadonlyMap<string, string>, profileJson: string): void {
  profileCacheStats.computed++;
  cache.saveProfile(root, { fingerprint, reads: JSON.stringify([...reads].sort((a, b) => (a[0] < b[0] ? -1 : 1))), profile: profileJson });
}
