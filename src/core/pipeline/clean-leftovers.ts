import { readdirSync, statSync } from 'node:fs';
import { readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../git/run';
import { processAlive } from '../process-identity';
import { registeredWorktrees, sandboxRoot } from '../sandbox/worktree';
import type { DeploymentsRepository } from '../store/deployments';

/** What `clean` removes besides the worktrees themselves: what a stopped or killed deployment leaves behind. */
export interface CleanedLeftovers {
  /** `deploy-agent/*` branches without a worktree, of ended deployments that recorded no commit, that carry no commit of their own. */
  branchesDeleted: { repo: string; branch: string; deploymentId: string }[];
  /** Folders under the repository's sandbox folder that git does not know as worktrees (a `git worktree add` stopped half-way). */
  foldersRemoved: string[];
  /** The repository lock file of a process that is gone. */
  locksRemoved: string[];
}

const BRANCH = /^deploy-agent\/.+-([0-9a-f]{8})$/;
/** A folder of a deployment the history does not know may belong to another history being made right now: only old ones go. */
const UNKNOWN_FOLDER_AGE_MS = 60 * 60_000;

/** Statuses of deployments that are over: nothing of them is in use any more. */
function ended(status: string | undefined): boolean {
  return status !== undefined && !['running', 'pending', 'interrupted', 'awaiting-review'].includes(status);
}

/**
 * Removes, in one repository, what deployments that ended left behind besides their worktrees
 * (which `cleanStaleSandboxes` removes first): branches that carry no commit of their own (a
 * cancel while the sandbox was made left one), folders in the sandbox folder that git never
 * registered, the per-repository sandbox folder once it is empty, and the lock file of a dead
 * process. A branch with a commit no other ref has is never deleted here.
 */
export async function cleanLeftovers(repo: string, deployments: DeploymentsRepository, result: CleanedLeftovers, now: number): Promise<void> {
  const branches = (await git(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/deploy-agent/'])).split('\n').filter(Boolean);
  const checkedOut = new Set(
    (await git(repo, ['worktree', 'list', '--porcelain'])).split('\n').flatMap((line) => (line.startsWith('branch refs/heads/') ? [line.slice('branch refs/heads/'.length)] : [])),
  );
  for (const branch of branches) {
    const id = BRANCH.exec(branch)?.[1];
    const row = id ? deployments.get(id) : undefined;
    // A deployment that recorded a commit made the branch its result (even once merged): not this one's to judge.
    if (!id || !row || checkedOut.has(branch) || !ended(row.status) || row.commitSha) continue;
    // Commits on the branch that no other branch, tag or remote-tracking ref has: its own work.
    // (An --exclude before --branches names the branch without refs/heads/, as git-rev-list documents.)
    const own = await git(repo, ['rev-list', '--count', `refs/heads/${branch}`, '--not', `--exclude=${branch}`, '--branches', '--tags', '--remotes']);
    if (own !== '0') continue;
    await git(repo, ['branch', '-D', branch]);
    deployments.update(id, { branch: null });
    result.branchesDeleted.push({ repo, branch, deploymentId: id });
  }

  const root = sandboxRoot(repo);
  let entries: string[] = [];
  try {
    entries = readdirSync(root);
  } catch {
    // no sandbox folder for this repository
  }
  if (entries.length) {
    const registered = new Set(await registeredWorktrees(repo));
    for (const name of entries) {
      const folder = path.join(root, name);
      if (registered.has(path.resolve(folder))) continue;
      const row = deployments.get(name);
      const old = (() => {
        try {
          return now - statSync(folder).mtimeMs > UNKNOWN_FOLDER_AGE_MS;
        } catch {
          return false;
        }
      })();
      if (row ? !ended(row.status) : !old) continue;
      await rm(folder, { recursive: true, force: true });
      result.foldersRemoved.push(folder);
    }
  }
  // The per-repository folder, once nothing is left in it (rmdir refuses a folder that is not empty).
  await rmdir(root).catch(() => undefined);

  const common = path.resolve(repo, await git(repo, ['rev-parse', '--git-common-dir']));
  const lock = path.join(common, 'deploy-agent.lock');
  let holder: { pid?: unknown; host?: string; bootId?: string; startTime?: string } | undefined;
  try {
    holder = JSON.parse(await readFile(lock, 'utf8')) as typeof holder;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    holder = undefined; // unreadable: no process can be holding it
  }
  if (holder && typeof holder.pid === 'number' && processAlive(holder as { pid: number })) return;
  await rm(lock, { force: true });
  result.locksRemoved.push(lock);
}
