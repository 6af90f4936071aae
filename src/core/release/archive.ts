import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { DeployAgentError } from '../errors';
import { git } from '../git/run';

/**
 * The release's content: `git archive` of one commit — tracked files only, never untracked or
 * ignored ones (a local .env, node_modules, build output) — streamed as tar to the target.
 */
export async function resolveCommit(repoPath: string, ref: string): Promise<string> {
  try {
    await git(repoPath, ['rev-parse', '--git-dir']);
  } catch (error) {
    throw new DeployAgentError('NOT_A_GIT_REPOSITORY', `${repoPath} is not a git repository, so there is no commit to release.`, 'Run the release from your repository (or pass --workspace).', { cause: error });
  }
  try {
    return await git(repoPath, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]);
  } catch (error) {
    throw new DeployAgentError('RELEASE_REF_UNKNOWN', `fatal: not a valid object name: ${ref} — there is no commit ${ref} in ${repoPath}.`, 'Release a branch, tag or commit that exists here (git fetch first for a remote branch).', { cause: error });
  }
}

/** When `commit` was committed (ms since epoch; its committer time): a release's lead time runs from it. */
export async function commitTime(repoPath: string, commit: string): Promise<number | undefined> {
  const seconds = Number(await git(repoPath, ['show', '-s', '--format=%ct', commit]).catch(() => ''));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/** Files and bytes in the commit (what the upload carries). */
export async function archiveSize(repoPath: string, commit: string): Promise<{ files: number; bytes: number }> {
  const listing = await git(repoPath, ['ls-tree', '-r', '-l', '--full-tree', commit]);
  let files = 0;
  let bytes = 0;
  for (const line of listing.split('\n')) {
    const size = /^\S+ blob \S+\s+(\d+)\t/.exec(line);
    if (!size) continue;
    files++;
    bytes += Number(size[1]);
  }
  return { files, bytes };
}

/** Files and lines changed from `from` to `to` (null when `from` is unknown or not in this repository). */
export async function changeSince(repoPath: string, from: string | null, to: string): Promise<{ files: number | null; lines: number | null }> {
  if (!from) return { files: null, lines: null };
  try {
    const stat = await git(repoPath, ['diff', '--shortstat', from, to]);
    const files = Number(/(\d+) files? changed/.exec(stat)?.[1] ?? 0);
    const lines = Number(/(\d+) insertions?/.exec(stat)?.[1] ?? 0) + Number(/(\d+) deletions?/.exec(stat)?.[1] ?? 0);
    return { files, lines };
  } catch {
    return { files: null, lines: null };
  }
}

/** A tar stream of `commit` (a new one per call: each host, each retry). `done` rejects when git fails. */
export function archiveStream(repoPath: string, commit: string): { stream: Readable; done: Promise<void> } {
  const child = spawn('git', ['archive', '--format=tar', commit], { cwd: repoPath, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new DeployAgentError('ARCHIVE_FAILED', `git archive ${commit.slice(0, 12)} failed: ${stderr.trim() || `exit ${code}`}.`, 'Check that the commit exists in the repository (git cat-file -t COMMIT).'))));
  });
  done.catch(() => undefined);
  // Consumed at once: a child that exits before its stdout is read has it flushed (thrown away) by Node,
  // which a small archive does while the SSH channel is still opening.
  return { stream: child.stdout.pipe(new PassThrough({ highWaterMark: 1 << 20 })), done };
}
