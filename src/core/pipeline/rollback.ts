import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { DeployAgentError } from '../errors';
import { DeploymentsRepository } from '../store/deployments';
import { EventsRepository } from '../store/steps';
import { git } from '../git/run';
import { createPullRequest } from '../git/pull-request';
import { slugOf } from '../sandbox/worktree';
import { recordOutcome } from '../learning';

export interface RollbackResult {
  deploymentId: string;
  revertedCommit: string;
  branch: string;
  revertCommit: string;
  /** Set when the revert branch was pushed (full-pr deployments). */
  pushedTo: string | null;
  /** The pull request of the revert (full-pr deployments). */
  prUrl: string | null;
  durationMs: number;
}

/**
 * Undoes a shipped deployment: a revert of its commit on a new branch
 * `deploy-agent/revert-<slug>-<id>`, made in a temporary worktree so the user's working tree
 * is never touched, pushed when the deployment had been pushed; recorded as a rollback.
 */
export async function rollbackDeployment(input: { db: Database.Database; deploymentId: string; env?: NodeJS.ProcessEnv; now?: () => number }): Promise<RollbackResult> {
  const now = input.now ?? Date.now;
  const started = now();
  const deployments = new DeploymentsRepository(input.db);
  const row = deployments.get(input.deploymentId);
  if (!row) throw new DeployAgentError('DEPLOYMENT_NOT_FOUND', `There is no deployment ${input.deploymentId}.`, 'List deployments with `deploy-agent list` (and pass the same --db).');
  if (row.status === 'rolled_back') throw new DeployAgentError('ALREADY_ROLLED_BACK', `Deployment ${row.id} was already rolled back.`, 'Nothing to do; `deploy-agent report ID` shows what happened.');
  if (!row.commitSha) {
    throw new DeployAgentError('NOT_SHIPPED', `Deployment ${row.id} was never committed (status ${row.status}), so there is nothing to roll back.`, 'Only local-commit and full-pr deployments that committed can be rolled back.');
  }
  const env = input.env ?? process.env;
  const repo = row.repoPath;
  const sha = row.commitSha;
  try {
    await git(repo, ['cat-file', '-e', `${sha}^{commit}`], { env });
  } catch (error) {
    throw new DeployAgentError('COMMIT_MISSING', `The commit ${sha.slice(0, 12)} of deployment ${row.id} is not in ${repo} any more.`, 'Fetch it (git fetch) or restore the branch, then run rollback again.', { cause: error });
  }

  // Revert where the change lives: the user's HEAD when it contains the commit (merged), else the deployment's branch.
  const base = (await contains(repo, sha, 'HEAD', env)) ? 'HEAD' : row.branch && (await contains(repo, sha, row.branch, env)) ? row.branch : undefined;
  if (!base) throw new DeployAgentError('COMMIT_NOT_ON_A_BRANCH', `Neither HEAD nor the branch ${row.branch ?? '(deleted)'} contains commit ${sha.slice(0, 12)}.`, 'Check out a branch that contains it and run rollback again.');

  const branch = `deploy-agent/revert-${slugOf(row.title)}-${row.id.slice(0, 8)}`;
  const worktree = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-revert-'));
  rmSync(worktree, { recursive: true, force: true });
  try {
    await git(repo, ['worktree', 'add', '-b', branch, worktree, base], { env });
  } catch (error) {
    throw new DeployAgentError('REVERT_BRANCH_EXISTS', `Could not create the branch ${branch}: ${(error as Error).message}.`, `Delete or rename the branch ${branch}, then run rollback again.`, { cause: error });
  }
  let revertCommit: string;
  let pushedTo: string | null = null;
  try {
    await git(worktree, ['revert', '--no-edit', sha], { env });
    revertCommit = await git(worktree, ['rev-parse', 'HEAD'], { env });
    if (row.mode === 'full-pr') {
      await git(worktree, ['push', '--set-upstream', 'origin', branch], { env });
      pushedTo = `origin/${branch}`;
    }
  } catch (error) {
    await git(repo, ['worktree', 'remove', '--force', worktree], { env }).catch(() => undefined);
    await git(repo, ['branch', '-D', branch], { env }).catch(() => undefined);
    throw new DeployAgentError('REVERT_FAILED', `Reverting ${sha.slice(0, 12)} failed: ${(error as Error).message}.`, 'Later commits probably touch the same lines: revert by hand (git revert) and resolve the conflict.', { cause: error });
  }
  await git(repo, ['worktree', 'remove', '--force', worktree], { env });

  let prUrl: string | null = null;
  if (pushedTo) {
    const body = [
      `Reverts ${sha} of Deploy Agent deployment \`${row.id}\` ("${row.title}")${row.prUrl ? `, shipped in ${row.prUrl}` : ''}.`,
      '',
      `Created by \`deploy-agent rollback ${row.id}\`.`,
    ].join('\n');
    const pr = await createPullRequest(repo, { branch, title: `Revert: ${row.title}`, body, draft: false, deploymentId: row.id, resumeHint: `open a pull request for ${branch} by hand` }, env);
    prUrl = pr.url;
  }

  const finished = now();
  const result: RollbackResult = { deploymentId: row.id, revertedCommit: sha, branch, revertCommit, pushedTo, prUrl, durationMs: finished - started };
  input.db.transaction(() => {
    deployments.update(row.id, { status: 'rolled_back' });
    input.db
      .prepare(`INSERT INTO decisions (deployment_id, kind, chosen, inputs, reason, created_at) VALUES (?, 'rollback', 'revert', ?, ?, ?)`)
      .run(row.id, JSON.stringify({ base, branch }), `revert of ${sha.slice(0, 12)} on ${branch}`, finished);
    new EventsRepository(input.db).insert(row.id, finished, 'rollback', result);
  })();
  // The pattern learner counts a rolled-back deployment as a failure, and the rollback as a recovery.
  recordOutcome({ db: input.db }, row.id);
  return result;
}

async function contains(repo: string, sha: string, ref: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await git(repo, ['merge-base', '--is-ancestor', sha, ref], { env });
    return true;
  } catch {
    return false;
  }
}
