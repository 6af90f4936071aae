/**
 * Where the daily figures of an analytics scope come from: learning_daily for every repository,
 * learning_daily_repo (the same columns per repository, migration 008) for one. Either way the
 * queries that read it are the same, so a repository's analytics are computed exactly as
 * everyone's, from a few rows whatever the history's size.
 *
 * The expression reads the named parameter @repoPath; callers filter by day and environment on
 * top as they do for learning_daily.
 */
export function dailySource(repoPath: string | undefined): string {
  return repoPath === undefined ? 'learning_daily' : '(SELECT * FROM learning_daily_repo WHERE repo_path = @repoPath)';
}

/** The named parameters of `dailySource` and the filters on top of it. */
export function scopeParams(scope: { repoPath?: string; environment?: string }, fromDay: number, toDay: number): Record<string, string | number> {
  return { fromDay, toDay, ...(scope.repoPath !== undefined ? { repoPath: scope.repoPath } : {}), ...(scope.environment !== undefined ? { environment: scope.environment } : {}) };
}

/** Days far enough apart to hold any history (for "the first day" of a scope). */
export const ALL_DAYS = { fromDay: 0, toDay: 1e9 } as const;
