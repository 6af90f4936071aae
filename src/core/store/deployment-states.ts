import type Database from 'better-sqlite3';
import type { DeploymentRow } from './deployments';

/**
 * Where a deployment stands, as a person reads a history (the sidebar's Deployments tree): from
 * its status, whether a commit was made for it, and whether it ran as a dry run.
 */
export type DeploymentState = 'running' | 'awaiting-review' | 'interrupted' | 'shipped' | 'tested' | 'failed' | 'stopped' | 'cancelled' | 'rolled-back';

/** The order the states are shown in: what needs attention first. */
export const DEPLOYMENT_STATES: readonly DeploymentState[] = ['running', 'awaiting-review', 'interrupted', 'shipped', 'tested', 'failed', 'stopped', 'cancelled', 'rolled-back'];

/** How each state is derived in SQL (the same rule as `stateOf`). */
const CONDITIONS: Record<DeploymentState, string> = {
  running: "status IN ('running', 'pending')",
  'awaiting-review': "status IN ('awaiting_review', 'awaiting-review')",
  interrupted: "status = 'interrupted'",
  shipped: "status = 'succeeded' AND commit_sha IS NOT NULL AND coalesce(mode, '') != 'dry-run'",
  tested: "status = 'succeeded' AND (commit_sha IS NULL OR coalesce(mode, '') = 'dry-run')",
  failed: "status = 'failed'",
  // Refused by the safety step, or stopped at setup: no model or test ran (migration 11); not failures.
  stopped: "status IN ('refused', 'setup-failed')",
  cancelled: "status = 'cancelled'",
  'rolled-back': "status = 'rolled_back'",
};

export function stateOf(row: Pick<DeploymentRow, 'status' | 'commitSha' | 'mode'>): DeploymentState {
  const status = row.status as string;
  if (status === 'running' || status === 'pending') return 'running';
  if (status === 'awaiting_review' || status === 'awaiting-review') return 'awaiting-review';
  if (status === 'succeeded') return row.commitSha && row.mode !== 'dry-run' ? 'shipped' : 'tested';
  if (status === 'rolled_back') return 'rolled-back';
  if (status === 'refused' || status === 'setup-failed') return 'stopped';
  return status as DeploymentState;
}

/** One deployment as a history list shows it: the row, its tests and its model usage. */
export interface DeploymentSummary {
  id: string;
  repoPath: string;
  title: string;
  state: DeploymentState;
  status: string;
  mode: string | null;
  strategy: string | null;
  environment: string | null;
  branch: string | null;
  commitSha: string | null;
  prUrl: string | null;
  createdAt: number;
  durationMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** The last test run: null when none ran. */
  tests: { passed: number; failed: number; skipped: number } | null;
  /** Repair rounds: as learnt (the repair step's count), else test runs after the first. */
  repairs: number;
}

/** How many deployments of a repository (or of all) are in each state. */
export function countByState(db: Database.Database, options: { repoPath?: string } = {}): Record<DeploymentState, number> {
  const counts = Object.fromEntries(DEPLOYMENT_STATES.map((s) => [s, 0])) as Record<DeploymentState, number>;
  const rows = db
    .prepare(
      `SELECT status, commit_sha IS NOT NULL AND coalesce(mode, '') != 'dry-run' AS shipped, count(*) AS n FROM deployments ${options.repoPath !== undefined ? 'WHERE repo_path = ?' : ''} GROUP BY 1, 2`,
    )
    .all(...(options.repoPath !== undefined ? [options.repoPath] : [])) as { status: string; shipped: number; n: number }[];
  for (const r of rows) {
    const state = stateOf({ status: r.status as DeploymentRow['status'], commitSha: r.shipped ? 'x' : null, mode: null });
    if (state in counts) counts[state] += r.n;
  }
  return counts;
}

/** A page of the deployments in `state`, newest first, with their last test run. */
export function listByState(db: Database.Database, state: DeploymentState, options: { repoPath?: string; limit: number; offset?: number }): DeploymentSummary[] {
  const rows = db
    .prepare(
      `SELECT d.id, d.repo_path AS repoPath, d.title, d.status, d.mode, d.strategy, d.environment, d.branch, d.commit_sha AS commitSha, d.pr_url AS prUrl, d.created_at AS createdAt,
              d.duration_ms AS durationMs, d.error_code AS errorCode, d.error_message AS errorMessage,
              (SELECT json_array(passed, failed, skipped) FROM test_runs t WHERE t.deployment_id = d.id ORDER BY t.id DESC LIMIT 1) AS lastRun,
              coalesce((SELECT repairs FROM learning_deployments l WHERE l.deployment_id = d.id), max(0, (SELECT count(*) FROM test_runs t WHERE t.deployment_id = d.id) - 1)) AS repairs
         FROM deployments d
        WHERE ${CONDITIONS[state]}${options.repoPath !== undefined ? ' AND repo_path = @repoPath' : ''}
        ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ limit: options.limit, offset: options.offset ?? 0, ...(options.repoPath !== undefined ? { repoPath: options.repoPath } : {}) }) as (Omit<DeploymentSummary, 'state' | 'tests'> & {
    lastRun: string | null;
  })[];
  return rows.map(({ lastRun, ...row }) => {
    const counts = lastRun ? (JSON.parse(lastRun) as [number, number, number]) : null;
    return { ...row, state, tests: counts ? { passed: counts[0], failed: counts[1], skipped: counts[2] } : null };
  });
}

/** The newest deployment of a repository (the status bar's "last outcome"), with its state. */
export function latestDeployment(db: Database.Database, repoPath: string): DeploymentSummary | undefined {
  const row = db.prepare(`SELECT status, commit_sha AS commitSha, mode FROM deployments WHERE repo_path = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`).get(repoPath) as
    | Pick<DeploymentRow, 'status' | 'commitSha' | 'mode'>
    | undefined;
  if (!row) return undefined;
  return listByState(db, stateOf(row), { repoPath, limit: 1 })[0];
}

/** How much history there is: deployments of the repository (or of all), of all, and imported CI builds. */
export function historyCounts(db: Database.Database, repoPath?: string, windowFrom = 0): { scope: number; all: number; window: number; ciBuilds: number } {
  const all = db.prepare(`SELECT count(*) FROM deployments`).pluck().get() as number;
  const scope = repoPath === undefined ? all : (db.prepare(`SELECT count(*) FROM deployments WHERE repo_path = ?`).pluck().get(repoPath) as number);
  const window =
    windowFrom <= 0
      ? scope
      : (db.prepare(`SELECT count(*) FROM deployments WHERE created_at >= @from${repoPath === undefined ? '' : ' AND repo_path = @repoPath'}`).pluck().get({ from: windowFrom, ...(repoPath === undefined ? {} : { repoPath }) }) as number);
  const ciBuilds = db.prepare(`SELECT count(*) FROM history_builds`).pluck().get() as number;
  return { scope, all, window, ciBuilds };
}
