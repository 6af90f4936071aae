import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, type Dirent } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { SkippedFile } from './types';

export interface ListedFiles {
  source: 'git' | 'walker';
  paths: string[];
  skipped: SkippedFile[];
  /** Files whose size and mtime are already known (tracked files git found unchanged); the rest need a stat. */
  known: Map<string, KnownStat>;
}

/** Folders never worth walking outside git (inside git, .gitignore decides). */
const WALKER_ALWAYS_SKIP = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.deploy-agent', '.hg', '.svn']);

/** Size and mtime of a file, as `fs.statSync` would give them. */
export interface KnownStat {
  size: number;
  mtimeMs: number;
}

const GIT_ENV = { GIT_OPTIONAL_LOCKS: '0' };

/**
 * Runs git with its output going to a temporary file rather than a pipe: a pipe holds 64 KB, so
 * git would stall on a large listing while this thread is busy (loading the cache) instead of
 * finishing in parallel. Without a usable temporary folder, through a pipe after all.
 */
function runGit(root: string, args: string[], signal?: AbortSignal): Promise<string | undefined> {
  const argv = ['-c', 'core.quotepath=off', ...args];
  let dir: string;
  let fd: number;
  try {
    dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-git-'));
    fd = openSync(path.join(dir, 'out'), 'w+');
  } catch {
    return new Promise((resolve) => {
      execFile('git', argv, { cwd: root, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8', signal, env: { ...process.env, ...GIT_ENV } }, (error, stdout) => resolve(error ? undefined : stdout));
    });
  }
  return new Promise((resolve) => {
    let done = false;
    const finish = (code: number | null) => {
      if (done) return;
      done = true;
      let out: string | undefined;
      try {
        out = code === 0 ? readFileSync(path.join(dir, 'out'), 'utf8') : undefined; // by name: git moved the shared offset
      } catch {
        out = undefined;
      }
      try {
        closeSync(fd);
        rmSync(dir, { recursive: true, force: true });
      } catch {
        /* a temporary file left behind is not worth failing the analysis */
      }
      resolve(out);
    };
    const child = spawn('git', argv, { cwd: root, stdio: ['ignore', fd, 'ignore'], signal, env: { ...process.env, ...GIT_ENV } });
    child.on('error', () => finish(null));
    child.on('close', (code) => finish(code));
  });
}

/** Index flags after which the index's stat data says nothing about the worktree file: stage bits (a conflict), assume-unchanged, intent-to-add, skip-worktree. */
const UNTRUSTED_FLAGS = 0x3000 | 0x8000 | (1 << 29) | (1 << 30);

/**
 * Parses `git ls-files -z -t --stage --others --debug`: an untracked file is `? <path>\0`; an
 * index entry is `<tag> <mode> <oid> <stage>\t<path>\0` followed by five lines of stat data
 * (ctime, mtime, dev/ino, uid/gid, size/flags). Returns every path and, for regular files with
 * no special flag, the size and mtime the index recorded.
 */
export function parseIndexListing(out: string): { paths: string[]; indexStat: Map<string, KnownStat> } {
  const paths: string[] = [];
  const indexStat = new Map<string, KnownStat>();
  let i = 0;
  while (i < out.length) {
    const nul = out.indexOf('\0', i);
    if (nul < 0) break;
    if (out.startsWith('? ', i)) {
      paths.push(out.slice(i + 2, nul));
      i = nul + 1;
      continue;
    }
    const tab = out.indexOf('\t', i);
    const ctimeEnd = out.indexOf('\n', nul + 1);
    const mtimeEnd = out.indexOf('\n', ctimeEnd + 1);
    const devEnd = out.indexOf('\n', mtimeEnd + 1);
    const uidEnd = out.indexOf('\n', devEnd + 1);
    const sizeEnd = out.indexOf('\n', uidEnd + 1);
    if (tab < 0 || tab > nul || sizeEnd < 0) break;
    const rel = out.slice(tab + 1, nul);
    if (paths[paths.length - 1] !== rel) paths.push(rel); // a conflict lists one path per stage, one after another
    const mode = out.slice(i + 2, out.indexOf(' ', i + 2));
    const sizeLine = out.slice(uidEnd + 1, sizeEnd);
    const flags = parseInt(sizeLine.slice(sizeLine.indexOf('flags: ') + 7), 16);
    if ((mode === '100644' || mode === '100755') && (flags & UNTRUSTED_FLAGS) === 0) {
      const mtime = out.slice(ctimeEnd + 1 + '  mtime: '.length, mtimeEnd);
      const colon = mtime.indexOf(':');
      // The same arithmetic as Node's Stats#mtimeMs, so the numbers match a stat of the file exactly.
      const mtimeMs = Number(mtime.slice(0, colon)) * 1000 + Number(mtime.slice(colon + 1)) / 1e6;
      indexStat.set(rel, { size: Number(sizeLine.slice('  size: '.length, sizeLine.indexOf('\t'))), mtimeMs });
    }
    i = sizeEnd + 1;
  }
  return { paths, indexStat };
}

/**
 * The index with its stat data and the untracked-not-ignored files (one process), and the
 * tracked files whose worktree copy differs from what the index recorded (a second one, at the
 * same time). A tracked file git found unchanged keeps the index's size and mtime, so it need not
 * be stat'ed again.
 */
async function gitListingWithStat(root: string, signal?: AbortSignal): Promise<{ paths: string[]; known: Map<string, KnownStat> } | undefined> {
  const [index, changed] = await Promise.all([
    runGit(root, ['ls-files', '-z', '-t', '--stage', '--others', '--exclude-standard', '--debug'], signal),
    // Stat-only changes are listed too (no refresh), so the index's stat data of the rest is exact.
    runGit(root, ['diff-files', '-z', '--name-only', '--relative', '--ignore-submodules'], signal),
  ]);
  if (index === undefined) return undefined;
  const { paths, indexStat } = parseIndexListing(index);
  if (changed === undefined) indexStat.clear();
  else for (const rel of changed.split('\0')) if (rel) indexStat.delete(rel);
  return { paths, known: indexStat };
}

/** The index and the untracked-not-ignored files, paths only (every file will be stat'ed and read anyway). */
async function gitListing(root: string, signal?: AbortSignal): Promise<{ paths: string[]; known: Map<string, KnownStat> } | undefined> {
  const out = await runGit(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], signal);
  return out === undefined ? undefined : { paths: out.split('\0').filter(Boolean), known: new Map() };
}

function isInsideGit(root: string): boolean {
  let dir = root;
  for (;;) {
    try {
      statSync(path.join(dir, '.git'));
      return true;
    } catch {
      /* keep looking upwards */
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

function errorReason(error: unknown): SkippedFile['reason'] {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ELOOP') return 'symlink-loop';
  if (code === 'EACCES' || code === 'EPERM') return 'permission-denied';
  return 'unreadable';
}

/** Walks `root` with .gitignore rules (root and nested), following directory symlinks once. */
function walk(root: string): { paths: string[]; skipped: SkippedFile[] } {
  const paths: string[] = [];
  const skipped: SkippedFile[] = [];
  const visited = new Set<string>();
  const rules: { base: string; ig: Ignore }[] = [];
  const ignored = (rel: string, isDir: boolean): boolean => {
    for (const rule of rules) {
      if (rule.base && !rel.startsWith(rule.base + '/')) continue;
      const sub = rule.base ? rel.slice(rule.base.length + 1) : rel;
      if (rule.ig.ignores(isDir ? sub + '/' : sub)) return true;
    }
    return false;
  };
  const visit = (abs: string, rel: string) => {
    let real: string;
    try {
      real = realpathSync(abs);
    } catch (error) {
      if (rel) skipped.push({ path: rel, reason: errorReason(error) });
      return;
    }
    if (visited.has(real)) {
      if (rel) skipped.push({ path: rel, reason: 'symlink-loop', detail: 'directory already visited through another path' });
      return;
    }
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (error) {
      skipped.push({ path: rel || '.', reason: errorReason(error) });
      return;
    }
    const gitignore = entries.find((e) => e.name === '.gitignore' && e.isFile());
    let pushed = false;
    if (gitignore) {
      try {
        rules.push({ base: rel, ig: ignore().add(readFileSync(path.join(abs, '.gitignore'), 'utf8')) });
        pushed = true;
      } catch {
        /* an unreadable .gitignore ignores nothing */
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const childAbs = path.join(abs, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const st = statSync(childAbs);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (error) {
          skipped.push({ path: childRel, reason: errorReason(error) });
          continue;
        }
      }
      if (isDir) {
        if (WALKER_ALWAYS_SKIP.has(entry.name) || ignored(childRel, true)) continue;
        visit(childAbs, childRel);
      } else if (isFile) {
        if (!ignored(childRel, false)) paths.push(childRel);
      } else if (!ignored(childRel, false)) {
        skipped.push({ path: childRel, reason: 'not-a-file' });
      }
    }
    if (pushed) rules.pop();
  };
  visit(root, '');
  return { paths, skipped };
}

/**
 * Every file of the workspace that is not ignored: in a git repository git's index plus the
 * untracked files .gitignore does not exclude; elsewhere a walk with the same rules. With
 * `indexStat` (a warm run, which reads few files), tracked files git finds unchanged come with
 * the size and mtime the index recorded.
 */
export async function listWorkspaceFiles(root: string, signal?: AbortSignal, indexStat = false): Promise<ListedFiles> {
  if (isInsideGit(root)) {
    const listing = await (indexStat ? gitListingWithStat : gitListing)(root, signal);
    if (listing) return { source: 'git', paths: listing.paths.sort().filter((p, i, all) => p !== all[i - 1]), skipped: [], known: listing.known };
  }
  const { paths, skipped } = walk(root);
  return { source: 'walker', paths, skipped, known: new Map() };
}
