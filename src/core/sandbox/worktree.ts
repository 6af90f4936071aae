import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DeployAgentError } from '../errors';
import { abortError } from '../recovery/retry';
import type { SandboxInfo } from '../deployment/types';
import { git } from '../git/run';
import { sandboxesDir } from './location';
import { cutSlug } from '../slug';

/**
 * The sandbox: `git worktree add` on a new branch
 * `deploy-agent/<slug>-<id>` from HEAD, in a folder outside the user's working tree.
 */
export function slugOf(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cutSlug(slug, 40) || 'change';
}

export function sandboxRoot(repoRoot: string): string {
  const key = createHash('sha256').update(path.resolve(repoRoot)).digest('hex').slice(0, 12);
  return path.join(sandboxesDir(), `${path.basename(repoRoot)}-${key}`);
}

export async function createSandbox(repoRoot: string, input: { deploymentId: string; title: string; signal?: AbortSignal }): Promise<SandboxInfo> {
  let baseSha: string;
  try {
    baseSha = await git(repoRoot, ['rev-parse', '--verify', 'HEAD^{commit}']);
  } catch (error) {
    throw new DeployAgentError('NO_COMMITS', `The repository at ${repoRoot} has no commit yet.`, 'Commit your files first (`git add -A && git commit -m "initial"`): the sandbox branches from HEAD.', { cause: error });
  }
  const branch = `deploy-agent/${slugOf(input.title)}-${input.deploymentId}`;
  const dir = path.join(sandboxRoot(repoRoot), input.deploymentId);
  mkdirSync(path.dirname(dir), { recursive: true });
  try {
    // Parallel checkout (git ≥ 2.32; older versions ignore the keys): writing the files is
    // system-call bound, so a few workers per core cut a 2,000-file worktree from ~0.9 s to ~0.35 s.
    const workers = Math.min(8, Math.max(2, os.availableParallelism() * 2));
    await git(repoRoot, ['-c', `checkout.workers=${workers}`, '-c', 'checkout.thresholdForParallelism=100', 'worktree', 'add', '--quiet', '-b', branch, dir, baseSha], { signal: input.signal });
  } catch (error) {
    // Stopped half-way (a cancel kills git; or it failed): the branch, the registration and the folder it made go again.
    await removeSandbox(repoRoot, { path: dir, branch, baseSha }, { deleteBranch: true, onlyAt: baseSha }).catch(() => undefined);
    if (input.signal?.aborted) throw abortError(input.signal);
    throw new DeployAgentError('SANDBOX_FAILED', `Could not create the sandbox worktree ${dir} on ${branch}: ${(error as Error).message}`, 'Run `deploy-agent clean` to remove stale worktrees, then try again.', { cause: error });
  }
  return { path: dir, branch, baseSha };
}

export async function sandboxExists(repoRoot: string, sandbox: SandboxInfo): Promise<boolean> {
  if (!existsSync(sandbox.path)) return false;
  const list = await git(repoRoot, ['worktree', 'list', '--porcelain']);
  return list.split('\n\n').some((block) => block.includes(`branch refs/heads/${sandbox.branch}`));
}

/**
 * Removes the worktree (tolerates one already gone, or a folder git never registered) and, when
 * asked, its branch — with `onlyAt`, only while the branch still points there (carries no commit).
 */
export async function removeSandbox(repoRoot: string, sandbox: SandboxInfo, options: { deleteBranch: boolean; onlyAt?: string }): Promise<void> {
  if (existsSync(sandbox.path)) {
    // Twice --force: also a worktree git still marks as being made (locked 'initializing' while `worktree add` runs).
    await git(repoRoot, ['worktree', 'remove', '--force', '--force', sandbox.path]).catch(async (error: unknown) => {
      // Not (or no longer) a registered worktree: a folder a stopped `git worktree add` left.
      if ((await registeredWorktrees(repoRoot)).includes(path.resolve(sandbox.path))) throw error;
      await rm(sandbox.path, { recursive: true, force: true });
    });
  }
  await git(repoRoot, ['worktree', 'prune']);
  await rmdir(path.dirname(sandbox.path)).catch(() => undefined); // the per-repository folder, once its last sandbox is gone
  if (options.deleteBranch) {
    const tip = await git(repoRoot, ['rev-parse', '--verify', '--quiet', `refs/heads/${sandbox.branch}`]).catch(() => '');
    if (tip && (!options.onlyAt || tip === options.onlyAt)) await git(repoRoot, ['branch', '-D', sandbox.branch]);
  }
}

/** The folders of the repository's registered worktrees. */
export async function registeredWorktrees(repoRoot: string): Promise<string[]> {
  const porcelain = await git(repoRoot, ['worktree', 'list', '--porcelain']);
  return [...porcelain.matchAll(/^worktree (.+)$/gm)].map((m) => path.resolve(m[1]!));
}
