import { DAY_MS } from './rollup';

/**
 * Where the daily figures of an analytics scope come from. Every repository: learning_daily, the
 * rows kept in step with the learning (a few thousand, whatever the history's size). One
 * repository: the same columns grouped from that repository's learnt deployments over the window
 * (learning_daily has no repository; one repository's deployments are few enough to group on the
 * fly through the repository × time index of migration 008). Either way the queries that read it
 * are the same, so a repository's analytics are computed exactly as everyone's.
 *
 * The expression reads the named parameters @repoPath, @fromDay and @toDay (UTC days, the end
 * exclusive); the caller filters by day and environment on top as it does for learning_daily.
 */
export function dailySource(repoPath: string | undefined): string {
  if (repoPath === undefined) return 'learning_daily';
  return `(SELECT created_at / ${DAY_MS} AS day, environment, strategy, status, coalesce(success, -1) AS outcome, shipped,
                  count(*) AS deployments, sum(coalesce(duration_ms, 0)) AS duration_sum, count(duration_ms) AS duration_count,
                  sum(coalesce(lead_ms, 0)) AS lead_sum, count(lead_ms) AS lead_count, sum(repairs) AS repairs_sum,
                  sum(tokens) AS tokens_sum, sum(cost_micros) AS cost_micros_sum
             FROM learning_deployments INDEXED BY learning_deployments_repo_window
            WHERE repo_path = @repoPath AND created_at >= @fromDay * ${DAY_MS} AND created_at < @toDay * ${DAY_MS}
            GROUP BY 1, 2, 3, 4, 5, 6)`;
}

/** The named parameters of `dailySource` and the filters on top of it. */
export function scopeParams(scope: { repoPath?: string; environment?: string }, fromDay: number, toDay: number): Record<string, string | number> {
  return { fromDay, toDay, ...(scope.repoPath !== undefined ? { repoPath: scope.repoPath } : {}), ...(scope.environment !== undefined ? { environment: scope.environment } : {}) };
}

/** Days far enough apart to hold any history (for "the first day" of a scope). */
export const ALL_DAYS = { fromDay: 0, toDay: 1e9 } as const;
