import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function git(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: env ? { ...process.env, ...env } : process.env, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * Records what the sandbox holds now (tracked files and untracked ones git does not ignore)
 * as a git tree object, without touching the sandbox's own index: a copy of the index takes
 * the `git add -A`. The tree lives in the repository's object store, so it outlasts the process.
 */
export async function snapshotSandboxTree(worktree: string): Promise<string> {
  const indexPath = path.resolve(worktree, await git(worktree, ['rev-parse', '--git-path', 'index']));
  const scratch = `${indexPath}.deploy-agent-snapshot-${process.pid}`;
  try {
    if (existsSync(indexPath)) copyFileSync(indexPath, scratch);
    const env = { GIT_INDEX_FILE: scratch };
    await git(worktree, ['add', '-A', '--', '.'], env);
    return await git(worktree, ['write-tree'], env);
  } finally {
    rmSync(scratch, { force: true });
  }
}

/**
 * Puts the sandbox back to a tree recorded by `snapshotSandboxTree`: files the tree has are
 * restored, files it does not have (half-written by a killed process) are removed. Ignored
 * files (installed dependencies) are left alone.
 */
export async function restoreSandboxTree(worktree: string, tree: string): Promise<void> {
  await git(worktree, ['read-tree', '--reset', '-u', tree]);
  await git(worktree, ['clean', '-fdq']);
}

/** The commit the sandbox's HEAD points at. */
export async function sandboxHead(worktree: string): Promise<string> {
  return git(worktree, ['rev-parse', 'HEAD']);
}

/**
 * Removes the worktree and branch a sandbox step killed half-way may have left for deployment
 * `deploymentId` (branches are named `deploy-agent/<slug>-<id>`). Nothing else is touched.
 */
export async function discardPartialSandbox(repoRoot: string, deploymentId: string): Promise<void> {
  const suffix = `-${deploymentId}`;
  const porcelain = await git(repoRoot, ['worktree', 'list', '--porcelain']);
  for (const block of porcelain.split('\n\n')) {
    const worktree = /^worktree (.+)$/m.exec(block)?.[1];
    const branch = /^branch refs\/heads\/(.+)$/m.exec(block)?.[1];
    if (worktree && branch?.startsWith('deploy-agent/') && branch.endsWith(suffix)) {
      await git(repoRoot, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    }
  }
  await git(repoRoot, ['worktree', 'prune']);
  const branches = await git(repoRoot, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/deploy-agent/']);
  for (const branch of branches.split('\n').filter((b) => b.endsWith(suffix))) {
    await git(repoRoot, ['branch', '-D', branch]);
  }
}
