import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type Database from 'better-sqlite3';
import { DeploymentsRepository } from '../store/deployments';
import { cleanLeftovers, type CleanedLeftovers } from './clean-leftovers';
import { stopLeftoverProcesses } from './leftover-processes';
import { detectInterrupted } from './owner';

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

export interface CleanedWorktree {
  repo: string;
  path: string;
  branch: string;
  deploymentId: string | null;
  status: string | null;
  branchDeleted: boolean;
}

export interface CleanResult extends CleanedLeftovers {
  removed: CleanedWorktree[];
  /** Interrupted deployments (owner process gone) rolled back because `rollBackInterrupted` was set. */
  rolledBack: string[];
  /** Interrupted deployments left alone: they can still be resumed. */
  resumable: string[];
  /** Running deployments whose worktrees were left alone. */
  running: string[];
  /** Deployments waiting for review: their sandbox is the change under review, never removed here (`discard` removes it). */
  awaitingReview: string[];
  /** Process groups a killed run had left running in a sandbox, stopped before it was removed. */
  stopped: { deploymentId: string; pid: number; what: string; processes: number }[];
  errors: { path: string; message: string }[];
}

const BRANCH = /^deploy-agent\/.+-([0-9a-f]{8})$/;

/**
 * Removes stale sandboxes: worktrees on `deploy-agent/*` branches whose deployment ended
 * (including ones kept for inspection) or is unknown to the history. Their branch goes too
 * unless it carries the deployment's commit. Worktrees of running deployments and of deployments
 * waiting for review are never touched; interrupted ones are left for `resume` unless
 * `rollBackInterrupted` is set.
 */
export async function cleanStaleSandboxes(db: Database.Database, repos: string[], options: { rollBackInterrupted?: boolean; now?: () => number } = {}): Promise<CleanResult> {
  const deployments = new DeploymentsRepository(db);
  const now = options.now ?? Date.now;
  detectInterrupted(db);
  const result: CleanResult = { removed: [], rolledBack: [], resumable: [], running: [], awaitingReview: [], stopped: [], errors: [], branchesDeleted: [], foldersRemoved: [], locksRemoved: [] };
  for (const repo of new Set(repos)) {
    if (!existsSync(repo)) continue;
    let porcelain: string;
    try {
      porcelain = await git(repo, ['worktree', 'list', '--porcelain']);
    } catch {
      continue; // not a repository (any more)
    }
    for (const block of porcelain.split('\n\n')) {
      const worktree = /^worktree (.+)$/m.exec(block)?.[1];
      const branch = /^branch refs\/heads\/(.+)$/m.exec(block)?.[1];
      const match = branch ? BRANCH.exec(branch) : null;
      if (!worktree || !branch || !match) continue;
      const id = match[1]!;
      const row = deployments.get(id);
      if (row?.status === 'running' || row?.status === 'pending') {
        result.running.push(id);
        continue;
      }
      if (row?.status === 'awaiting-review') {
        result.awaitingReview.push(id);
        continue;
      }
      if (row?.status === 'interrupted' && !options.rollBackInterrupted) {
        result.resumable.push(id);
        continue;
      }
      try {
        // A test the killed run left running there would go on in a deleted folder: stopped first.
        if (row) for (const group of await stopLeftoverProcesses(db, id)) result.stopped.push({ deploymentId: id, ...group });
        await git(repo, ['worktree', 'remove', '--force', '--force', worktree]);
        const keepBranch = Boolean(row?.commitSha) && row?.mode !== 'dry-run' && row?.status !== 'interrupted';
        if (!keepBranch) await git(repo, ['branch', '-D', branch]);
        if (row?.status === 'interrupted') {
          deployments.update(id, { status: 'rolled_back', branch: null, finishedAt: now(), errorCode: 'CLEANED', errorMessage: 'Rolled back by `deploy-agent clean` after its process had died.' });
          result.rolledBack.push(id);
        } else if (row && !keepBranch) {
          deployments.update(id, { branch: null });
        }
        result.removed.push({ repo, path: worktree, branch, deploymentId: row ? id : null, status: row?.status ?? null, branchDeleted: !keepBranch });
      } catch (error) {
        result.errors.push({ path: worktree, message: (error as Error).message });
      }
    }
    await git(repo, ['worktree', 'prune']).catch(() => undefined);
    try {
      await cleanLeftovers(repo, deployments, result, now());
    } catch (error) {
      result.errors.push({ path: repo, message: (error as Error).message });
    }
  }
  return result;
}

/** The repositories the history knows about (for `clean` without --workspace). */
export function knownRepositories(db: Database.Database): string[] {
  return (db.prepare('SELECT DISTINCT repo_path AS repo FROM deployments').all() as { repo: string }[]).map((r) => r.repo);
}
