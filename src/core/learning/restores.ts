import type Database from 'better-sqlite3';
import { sql } from './statements';

/** Deployments of one repository and environment whose change may have opened or closed a failure episode. */
export interface Neighbourhood {
  repoPath: string;
  environment: string;
  /** The releases' stream (1) or the code deployments' (0): see `RELEASE_STREAM`. */
  releases: 0 | 1;
  from: number;
  to: number;
  ids: Set<string>;
}

interface Row {
  id: string;
  status: string;
  success: number | null;
  strategy: string;
  createdAt: number;
  finishedAt: number | null;
  failingStep: string | null;
  errorCode: string | null;
  errorPattern: string | null;
}

interface Episode {
  first: Row;
  rollback?: { at: number; by: string };
}

/**
 * Releases (and rollbacks of a target) and code deployments are two streams of one repository and
 * environment: a code deployment that succeeds does not restore a release that failed on a target
 * (nor a good release a failed code deployment). `(…) = @releases` picks one stream.
 */
export const RELEASE_STREAM = `category IN ('release', 'rollback')`;
export const isReleaseCategory = (category: string): boolean => category === 'release' || category === 'rollback';

/** Reads of one repository × environment × stream in time; INDEXED BY: see `refreshRestores`. */
export const LAST_SUCCESS_BEFORE_SQL = `SELECT created_at FROM learning_deployments INDEXED BY learning_deployments_repo_env WHERE repo_path = @repoPath AND environment = @environment AND created_at < @at AND success = 1 AND (${RELEASE_STREAM}) = @releases ORDER BY created_at DESC LIMIT 1`;
export const FIRST_SUCCESS_AFTER_SQL = `SELECT created_at FROM learning_deployments INDEXED BY learning_deployments_repo_env WHERE repo_path = @repoPath AND environment = @environment AND created_at > @at AND success = 1 AND (${RELEASE_STREAM}) = @releases ORDER BY created_at ASC LIMIT 1`;
export const EPISODE_ROWS_SQL = `SELECT deployment_id AS id, status, success, strategy, created_at AS createdAt, finished_at AS finishedAt, failing_step AS failingStep, error_code AS errorCode, error_pattern AS errorPattern
       FROM learning_deployments INDEXED BY learning_deployments_repo_env
      WHERE repo_path = @repoPath AND environment = @environment AND created_at >= @from AND created_at <= @to AND (${RELEASE_STREAM}) = @releases
      ORDER BY created_at, deployment_id`;

/**
 * Recomputes the failure episodes around changed deployments. An episode starts with a failure
 * that follows a success (or nothing) in the same repository, environment and stream (releases or
 * code deployments), and ends at the
 * first of: the finish of the next successful deployment there, or the rollback of one of its
 * deployments. Only the stretch between the success before the change and the success after it
 * can be affected, so only that stretch is read again. Each episode closed by a later success is
 * also a recovery that worked: a redeploy (learning_recoveries, action `redeploy`).
 */
export function refreshRestores(db: Database.Database, area: Neighbourhood, now: number): void {
  // INDEXED BY: among several usable indexes SQLite's planner breaks ties by the order the indexes
  // were created, and a backfill recreates them (bulk.ts); an environment × time index instead of
  // this one measured 4× slower. Pinned, the plan no longer depends on that order.
  const base = { repoPath: area.repoPath, environment: area.environment };
  const stream = { ...base, releases: area.releases };
  const before = sql(db, LAST_SUCCESS_BEFORE_SQL)
    .pluck()
    .get({ ...stream, at: area.from }) as number | undefined;
  const after = sql(db, FIRST_SUCCESS_AFTER_SQL)
    .pluck()
    .get({ ...stream, at: area.to }) as number | undefined;
  const rows = sql(db, EPISODE_ROWS_SQL).all({ ...stream, from: before ?? Number.MIN_SAFE_INTEGER, to: after ?? Number.MAX_SAFE_INTEGER }) as Row[];

  const touched = [...new Set([...area.ids, ...rows.map((r) => r.id)])];
  const deleteEpisode = sql(db, `DELETE FROM learning_restores WHERE failure_id = ?`);
  const deleteRedeploy = sql(db, `DELETE FROM learning_recoveries WHERE deployment_id = ? AND source = 'history' AND action = 'redeploy'`);
  for (const id of touched) {
    deleteEpisode.run(id);
    deleteRedeploy.run(id);
  }

  const insertEpisode = sql(
    db,
    `INSERT INTO learning_restores (failure_id, repo_path, environment, failed_at, restored_at, restored_by, via, restore_ms)
     VALUES (@failureId, @repoPath, @environment, @failedAt, @restoredAt, @restoredBy, @via, @restoreMs)`,
  );
  const insertRedeploy = sql(
    db,
    `INSERT INTO learning_recoveries (deployment_id, error_pattern_id, error_code, failing_step, action, automatic, recovered_ms, worked, source, detail, created_at)
     VALUES (@deploymentId, @errorPattern, @errorCode, @failingStep, 'redeploy', 0, @recoveredMs, 1, 'history', @detail, @now)`,
  );
  const rollbackAt = sql(db, `SELECT created_at FROM decisions WHERE deployment_id = ? AND kind = 'rollback' ORDER BY id DESC LIMIT 1`).pluck();

  const close = (episode: Episode, success: Row | undefined) => {
    const failedAt = episode.first.finishedAt ?? episode.first.createdAt;
    const bySuccess = success ? (success.finishedAt ?? success.createdAt) : undefined;
    const useRollback = episode.rollback && (bySuccess === undefined || episode.rollback.at <= bySuccess);
    const restoredAt = useRollback ? episode.rollback!.at : bySuccess;
    const restoreMs = restoredAt === undefined ? null : Math.max(0, restoredAt - failedAt);
    insertEpisode.run({
      failureId: episode.first.id,
      ...base,
      failedAt,
      restoredAt: restoredAt ?? null,
      restoredBy: useRollback ? episode.rollback!.by : success?.id ?? null,
      via: restoredAt === undefined ? null : useRollback ? 'rollback' : 'success',
      restoreMs,
    });
    if (success && !useRollback) {
      insertRedeploy.run({
        deploymentId: episode.first.id,
        errorPattern: episode.first.errorPattern,
        errorCode: episode.first.errorCode,
        failingStep: episode.first.failingStep,
        recoveredMs: restoreMs,
        detail: JSON.stringify({ by: success.id, strategy: success.strategy }),
        now,
      });
    }
  };

  let open: Episode | undefined;
  for (const row of rows) {
    if (row.success === 1) {
      if (open) close(open, row);
      open = undefined;
    } else if (row.success === 0) {
      open ??= { first: row };
      if (row.status === 'rolled_back') {
        const at = rollbackAt.get(row.id) as number | undefined;
        if (at !== undefined && (!open.rollback || at < open.rollback.at)) open.rollback = { at, by: row.id };
      }
    }
  }
  if (open) close(open, undefined);
}
