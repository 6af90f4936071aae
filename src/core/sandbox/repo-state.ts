import { createHash } from 'node:crypto';
import { lstat, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { RepoSnapshot } from '../deployment/types';
import { git } from '../git/run';

/** git must never refresh (rewrite) the user's index while we look at it. */
const READ_ONLY_GIT = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };

/**
 * Repository snapshot: HEAD, the
 * index (bytes), the stash, and the content of every file git reports as changed or untracked
 * (unchanged tracked files are what HEAD and the index say). Never writes to the repository.
 */
export async function snapshotRepoState(repoRoot: string): Promise<RepoSnapshot & { detail: { files: Record<string, string> } }> {
  const run = (args: string[]) => git(repoRoot, args, { env: READ_ONLY_GIT }).catch(() => '');
  const [status, gitDir, head, symbolic, stash] = await Promise.all([
    // raw: the first entry's status may start with a space (" M file"), which trimming would eat into the path.
    git(repoRoot, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], { env: READ_ONLY_GIT, raw: true }),
    run(['rev-parse', '--absolute-git-dir']),
    run(['rev-parse', 'HEAD']),
    run(['symbolic-ref', '-q', 'HEAD']),
    run(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/stash']),
  ]);
  const files: Record<string, string> = {};
  const entries = status.split('\0').filter(Boolean);
  await Promise.all(
    entries.map(async (entry) => {
      const rel = entry.slice(3);
      const full = path.join(repoRoot, rel);
      try {
        const st = await lstat(full);
        files[rel] = createHash('sha1').update(`${entry.slice(0, 2)}\0${st.mode}\0`).update(st.isSymbolicLink() ? await readlink(full) : st.isFile() ? await readFile(full) : '').digest('hex');
      } catch {
        files[rel] = `${entry.slice(0, 2)} (missing)`;
      }
    }),
  );
  const index = await readFile(path.join(gitDir, 'index')).catch(() => Buffer.alloc(0));
  files['.git/index'] = createHash('sha1').update(index).digest('hex');
  files['.git/HEAD'] = `${symbolic} ${head}`;
  files['.git/refs/stash'] = stash;
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  return { digest: createHash('sha256').update(JSON.stringify(sorted)).digest('hex'), detail: { files: sorted } };
}

/** Paths whose state differs between two snapshots. */
export function changedPaths(before: RepoSnapshot, after: RepoSnapshot): string[] {
  const a = ((before.detail as { files?: Record<string, string> })?.files ?? {}) as Record<string, string>;
  const b = ((after.detail as { files?: Record<string, string> })?.files ?? {}) as Record<string, string>;
  const out: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) if (a[key] !== b[key]) out.push(key);
  return out.sort();
}
