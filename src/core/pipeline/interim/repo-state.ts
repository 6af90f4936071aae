import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { RepoSnapshot } from '../ports';
import { git } from './git';

/**
 * Interim repository snapshot (until src/core/sandbox's snapshotRepoState lands): a digest of
 * every file of the working tree (bytes and mode; .git excluded), the index, HEAD and the stash,
 * plus per-file digests so that a difference can be named.
 */
export async function snapshotRepoState(repoRoot: string): Promise<RepoSnapshot & { detail: { files: Record<string, string> } }> {
  const files: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    const entries = (await readdir(path.join(repoRoot, rel))).sort();
    for (const name of entries) {
      if (rel === '' && name === '.git') continue;
      const relPath = rel ? `${rel}/${name}` : name;
      const full = path.join(repoRoot, relPath);
      const st = await lstat(full);
      if (st.isDirectory()) await walk(relPath);
      else files[relPath] = createHash('sha1').update(`${st.mode}\0`).update(st.isSymbolicLink() ? await readlink(full) : await readFile(full)).digest('hex');
    }
  };
  await walk('');
  const gitDir = await git(repoRoot, ['rev-parse', '--absolute-git-dir']);
  const index = await readFile(path.join(gitDir, 'index')).catch(() => Buffer.alloc(0));
  const refs = await git(repoRoot, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/stash']);
  const head = await git(repoRoot, ['rev-parse', 'HEAD']).catch(() => '');
  const symbolic = await git(repoRoot, ['symbolic-ref', '-q', 'HEAD']).catch(() => '');
  const hash = createHash('sha256').update(JSON.stringify(files)).update(index).update(refs).update(head).update(symbolic);
  files['.git/index'] = createHash('sha1').update(index).digest('hex');
  files['.git/HEAD'] = `${symbolic} ${head}`;
  files['.git/refs/stash'] = refs;
  return { digest: hash.digest('hex'), detail: { files } };
}

/** Paths whose content differs between two snapshots. */
export function changedPaths(before: RepoSnapshot, after: RepoSnapshot): string[] {
  const a = ((before.detail as { files?: Record<string, string> })?.files ?? {}) as Record<string, string>;
  const b = ((after.detail as { files?: Record<string, string> })?.files ?? {}) as Record<string, string>;
  const out: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) if (a[key] !== b[key]) out.push(key);
  return out.sort();
}
