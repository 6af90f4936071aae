import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { SkippedFile } from './types';

export interface ListedFiles {
  source: 'git' | 'walker';
  paths: string[];
  skipped: SkippedFile[];
}

/** Folders never worth walking outside git (inside git, .gitignore decides). */
const WALKER_ALWAYS_SKIP = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.deploy-agent', '.hg', '.svn']);

function gitLsFiles(root: string, signal?: AbortSignal): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-c', 'core.quotepath=off', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      { cwd: root, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8', signal, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
      (error, stdout) => {
        if (error) return resolve(undefined);
        const seen = new Set<string>();
        for (const entry of stdout.split('\0')) if (entry) seen.add(entry);
        resolve([...seen]);
      },
    );
  });
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
 * untracked files .gitignore does not exclude; elsewhere a walk with the same rules.
 */
export async function listWorkspaceFiles(root: string, signal?: AbortSignal): Promise<ListedFiles> {
  if (isInsideGit(root)) {
    const paths = await gitLsFiles(root, signal);
    if (paths) return { source: 'git', paths: paths.sort(), skipped: [] };
  }
  const { paths, skipped } = walk(root);
  return { source: 'walker', paths, skipped };
}
