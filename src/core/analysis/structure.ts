import { closeSync, openSync, readSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { DeployAgentError } from '../errors';
import { throwIfAborted } from '../recovery/retry';
import { AnalysisCache, type CachedFile, type ChangedFile } from './cache';
import { classifyPath, languageOfShebang, refineAmbiguousLanguage } from './classify';
import { extractFacts } from './extract';
import { listWorkspaceFiles } from './file-list';
import { FilesDigest, profileFactsOf } from './profile-cache';
import { FolderTally, type FolderTotals } from './summary';
import type { AnalyzeOptions, FileEntry, FileFacts, SkipReason, SkippedFile, StructureMap } from './types';

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** Files whose presence makes a folder a (sub-)project. */
export const MANIFEST_NAMES = new Set([
  'package.json', 'deno.json', 'deno.jsonc', 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', 'Pipfile', 'go.mod', 'Cargo.toml', 'pom.xml',
  'build.gradle', 'build.gradle.kts', 'Gemfile', 'composer.json', 'mix.exs', 'project.clj', 'deps.edn', 'build.sbt', 'stack.yaml', 'pubspec.yaml',
  'gleam.toml', 'shard.yml', 'build.zig', 'Package.swift',
]);
const NOT_A_PROJECT_DIR = /(^|\/)(fixtures?|__fixtures__|testdata|node_modules|vendor|third_party|\.venv|venv)(\/|$)/;

function errorReason(error: unknown): SkipReason | undefined {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  if (code === 'ELOOP') return 'symlink-loop';
  if (code === 'EACCES' || code === 'EPERM') return 'permission-denied';
  return 'unreadable';
}

function looksBinary(buffer: Buffer): boolean {
  const end = Math.min(buffer.length, 8000);
  for (let i = 0; i < end; i++) if (buffer[i] === 0) return true;
  return false;
}

function headIsBinary(abs: string): boolean {
  const fd = openSync(abs, 'r');
  try {
    const buffer = Buffer.alloc(512);
    const n = readSync(fd, buffer, 0, 512, 0);
    return looksBinary(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

type Entry = FileEntry & { skipReason?: SkipReason; detail?: string };

/** Reads one file that changed (or was never seen) and decides what it is. */
function readEntry(abs: string, rel: string, size: number, mtimeMs: number, maxBytes: number): Entry {
  const { kind, language } = classifyPath(rel);
  const entry: Entry = { path: rel, size, mtimeMs, kind };
  if (language) entry.language = language;
  if (kind === 'asset') {
    entry.skipReason = 'binary';
    return entry;
  }
  const wantsContent = kind === 'source' || kind === 'test' || kind === 'other';
  if (size > maxBytes) {
    entry.skipReason = 'too-large';
    entry.detail = `${size} bytes`;
    return entry;
  }
  if (!wantsContent) {
    // Not read for facts; still told apart from binary blobs checked in under a text-like name.
    if (kind === 'data' || kind === 'build') return entry;
    try {
      if (size > 0 && headIsBinary(abs)) entry.skipReason = 'binary';
    } catch (error) {
      entry.skipReason = errorReason(error) ?? 'unreadable';
    }
    return entry;
  }
  let buffer: Buffer;
  try {
    buffer = readFileSync(abs);
  } catch (error) {
    entry.skipReason = errorReason(error) ?? 'unreadable';
    return entry;
  }
  if (looksBinary(buffer)) {
    entry.skipReason = 'binary';
    return entry;
  }
  const text = buffer.toString('utf8');
  let lang = language;
  if (!lang && text.startsWith('#!')) {
    const facts = extractFacts(undefined, text.slice(0, 200));
    lang = facts.shebang ? languageOfShebang(facts.shebang) : undefined;
    if (lang) {
      entry.language = lang;
      entry.kind = 'source';
    }
  }
  lang = refineAmbiguousLanguage(rel, lang, text.slice(0, 4000));
  if (lang) entry.language = lang;
  if (entry.kind === 'source' || entry.kind === 'test') entry.facts = extractFacts(lang, text);
  return entry;
}

const TEST_DIR_NAMES = new Set(['test', 'tests', '__tests__', 'spec', 'specs', 'e2e', 'testing']);
const ENTRY_PATH = /(?:^|\/)(?:main|index|app|server|manage|wsgi|asgi|program|application)\.[a-z]+$/i;
/** A path whose file name is in MANIFEST_NAMES or ends in .csproj. */
const MANIFEST_PATH = new RegExp(`(?:^|/)(?:${[...MANIFEST_NAMES].map((n) => n.replace(/\./g, '\\.')).join('|')}|[^/]*\\.csproj)$`);

function testDirOf(file: string): string {
  const parts = file.split('/');
  for (let i = 0; i < parts.length - 1; i++) if (TEST_DIR_NAMES.has(parts[i]!.toLowerCase())) return parts.slice(0, i + 1).join('/');
  return parts.length > 1 ? parts.slice(0, -1).join('/') : '.';
}

/**
 * A structure map whose cached facts may still be JSON text (`withFacts` parses what is left),
 * with what the profile needs from the same pass over the files: totals per folder and, with a
 * cache, the digest of the files for the profile's fingerprint.
 */
export interface Scan {
  map: StructureMap;
  folders: Map<string, FolderTotals>;
  filesDigest?: string;
  /** The cache the scan used (absent without a store). */
  cache?: AnalysisCache;
}

/** Files of a warm scan whose facts are still in the cache, and how to get them. */
const withoutFacts = new WeakMap<StructureMap, { files: FileEntry[]; cache: AnalysisCache; maxBytes: number }>();

/**
 * Gives every file of the map its facts: those a warm scan left in the cache are loaded now (a
 * file whose row changed in the meantime, or a cache that cannot be read, is read again). Idempotent.
 */
export function withFacts(map: StructureMap): StructureMap {
  const pending = withoutFacts.get(map);
  if (!pending) return map;
  withoutFacts.delete(map);
  let rows: ReturnType<AnalysisCache['loadFacts']>;
  try {
    rows = pending.cache.loadFacts(map.root);
  } catch {
    rows = new Map(); // e.g. the store was closed: read the files instead
  }
  for (const f of pending.files) {
    const row = rows.get(f.path);
    if (row && row[0] === f.size && row[1] === f.mtimeMs) f.facts = JSON.parse(row[2]) as FileFacts;
    else {
      const entry = readEntry(path.join(map.root, f.path), f.path, f.size, f.mtimeMs, pending.maxBytes);
      if (entry.facts) f.facts = entry.facts;
    }
  }
  return map;
}

/**
 * Maps every file of the workspace (respecting .gitignore), classifies it and reads what
 * changed since the cached run. Never throws on a bad file: it is listed in `skipped` with a reason.
 */
export async function buildStructureMap(rootDir: string, options: AnalyzeOptions = {}): Promise<StructureMap> {
  return withFacts((await scanWorkspace(rootDir, options)).map);
}

/** `buildStructureMap` without parsing the cached facts (the profile may not need them). */
export async function scanWorkspace(rootDir: string, options: AnalyzeOptions = {}): Promise<Scan> {
  let root: string;
  try {
    root = realpathSync(path.resolve(rootDir));
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new DeployAgentError('ANALYSIS_NO_FOLDER', `The folder ${rootDir} does not exist or is not a folder.`, 'Pass the path of a project folder.', { cause: error });
  }
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  throwIfAborted(options.signal);
  // git lists the files in its own processes while this one loads the cache. Only a warm run
  // asks for the index's stat data: a cold one reads every file anyway.
  const cache = options.store ? new AnalysisCache(options.store.db) : undefined;
  const listing = listWorkspaceFiles(root, options.signal, cache?.hasRows(root) ?? false);
  const cached: Map<string, CachedFile> = cache ? cache.load(root) : new Map();
  const listed = await listing;
  throwIfAborted(options.signal);
  const files: FileEntry[] = [];
  const pendingFacts: FileEntry[] = [];
  const digest = cache ? new FilesDigest() : undefined;
  const folders = new FolderTally();
  const projectRoots = new Set<string>(['.']);
  const testDirs = new Set<string>();
  const entryPoints: string[] = [];
  const skipped: SkippedFile[] = [...listed.skipped];
  const changed: ChangedFile[] = [];
  let readCount = 0;
  let hits = 0;
  let i = 0;
  for (const rel of listed.paths) {
    if ((++i & 1023) === 0) {
      throwIfAborted(options.signal);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // A tracked file git found unchanged has the index's size and mtime; the rest are stat'ed.
    let size: number;
    let mtimeMs: number;
    const known = listed.known.get(rel);
    if (known) {
      size = known.size;
      mtimeMs = known.mtimeMs;
    } else {
      try {
        const st = statSync(path.join(root, rel));
        if (!st.isFile()) {
          skipped.push({ path: rel, reason: 'not-a-file', detail: st.isDirectory() ? 'a directory (submodule or symlink to a folder)' : 'a special file' });
          continue;
        }
        size = st.size;
        mtimeMs = st.mtimeMs;
      } catch (error) {
        const reason = errorReason(error);
        if (reason) skipped.push({ path: rel, reason });
        continue;
      }
    }
    const hit = cached.get(rel);
    if (hit) hits++;
    const file: FileEntry = { path: rel, size, mtimeMs, kind: 'other' };
    let skipReason: SkipReason | undefined;
    let detail: string | undefined;
    let forProfile: string;
    // A row stays valid while size and mtime match and the size limit would decide the same.
    if (hit && hit.size === size && hit.mtimeMs === mtimeMs && (hit.kind === 'asset' || (hit.skipReason === 'too-large') === size > maxBytes)) {
      file.kind = hit.kind;
      if (hit.language) file.language = hit.language;
      if (hit.skipReason) skipReason = hit.skipReason;
      if (skipReason === 'too-large') detail = `${size} bytes`;
      if (hit.hasFacts) pendingFacts.push(file);
      forProfile = hit.profileFacts;
    } else {
      const entry = readEntry(path.join(root, rel), rel, size, mtimeMs, maxBytes);
      readCount++;
      file.kind = entry.kind;
      if (entry.language) file.language = entry.language;
      if (entry.facts) file.facts = entry.facts;
      skipReason = entry.skipReason;
      detail = entry.detail;
      forProfile = profileFactsOf(file);
      changed.push({ ...file, ...(skipReason ? { skipReason } : {}), profileFacts: forProfile });
    }
    if (skipReason) skipped.push({ path: rel, reason: skipReason, ...(detail ? { detail } : {}) });
    files.push(file);
    digest?.add(file, forProfile);
    // In the same pass (on the path as it is: this runs for every file of every run): folder
    // totals, projects, test folders and entry points.
    const slash = rel.lastIndexOf('/');
    folders.add(file, rel, slash);
    if (MANIFEST_PATH.test(rel) && file.kind !== 'build') {
      const dir = slash < 0 ? '.' : rel.slice(0, slash);
      if (!NOT_A_PROJECT_DIR.test(dir)) projectRoots.add(dir);
    }
    if (file.kind === 'test') testDirs.add(testDirOf(rel));
    else if (file.kind !== 'source') continue;
    else if (ENTRY_PATH.test(rel) && rel.split('/').length <= 3 && !/(^|\/)(lib|utils?|components?)\//.test(rel)) entryPoints.push(rel);
    else if (/^(cmd\/[^/]+\/main\.go|src\/main\.rs|src\/bin\/[^/]+\.rs)$/.test(rel)) entryPoints.push(rel);
  }
  if (cache) {
    // Rows of paths no longer listed (only looked for when some are left over).
    const removed: string[] = [];
    if (hits < cached.size) {
      const present = new Set(listed.paths);
      for (const p of cached.keys()) if (!present.has(p)) removed.push(p);
    }
    cache.save(root, changed, removed);
  }
  const map: StructureMap = { root, source: listed.source, files, skipped, readCount, projectRoots: [...projectRoots].sort(), entryPoints, testDirs: [...testDirs].sort() };
  if (cache && pendingFacts.length) withoutFacts.set(map, { files: pendingFacts, cache, maxBytes });
  return { map, folders: folders.totals, ...(digest ? { filesDigest: digest.digest() } : {}), ...(cache ? { cache } : {}) };
}
