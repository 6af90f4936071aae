import type Database from 'better-sqlite3';
import { sql } from './statements';

/** Where the values of one percentile family live, and the indexes that serve them (migration 007). */
export interface PercentileSource {
  table: string;
  value: string;
  time: string;
  /** (value, time, environment): walked in value order. */
  valueIndex: string;
  /** (environment, value, time) */
  envValueIndex: string;
  /** (time, environment, value …): a window read by time. */
  windowIndex: string;
  /** (environment, time, value …) */
  envWindowIndex: string;
  /** (repository, value, time): one repository walked in value order (migration 008). */
  repoValueIndex: string;
  /** (repository, …, time): one repository's window. */
  repoWindowIndex: string;
}

export interface PercentileFilter {
  /** ms, inclusive */
  from: number;
  /** ms, exclusive */
  to: number;
  environment?: string;
  /** One repository's values only. */
  repoPath?: string;
}

/** Below this many values the window is read and sorted; above, the value index is walked to each rank. */
const READ_AND_SORT_MAX = 4000;

/**
 * Exact nearest-rank percentiles (the p-th percentile of n values is the value at rank ⌈p/100·n⌉
 * in ascending order) of `source.value` over a time window, without loading the values when there
 * are many: each rank is reached by walking the value-ordered index from its nearer end
 * (LIMIT 1 OFFSET k), so p99 of 100,000 values reads about 1,000 index entries. `count` is the
 * number of values in the window when the caller knows it (analytics has it from learning_daily).
 */
export function exactPercentiles(
  db: Database.Database,
  source: PercentileSource,
  filter: PercentileFilter,
  percentiles: readonly number[],
  count?: number,
  readAndSortMax = READ_AND_SORT_MAX,
): { n: number; values: (number | null)[] } {
  const env = filter.environment !== undefined;
  const repo = filter.repoPath !== undefined;
  const where = `${source.value} IS NOT NULL AND ${source.time} >= @from AND ${source.time} < @to${env ? ' AND environment = @environment' : ''}${repo ? ' AND repo_path = @repoPath' : ''}`;
  const params = { from: filter.from, to: filter.to, ...(env ? { environment: filter.environment } : {}), ...(repo ? { repoPath: filter.repoPath } : {}) };
  const windowIndex = repo ? source.repoWindowIndex : env ? source.envWindowIndex : source.windowIndex;
  const n = count ?? (sql(db, `SELECT count(*) FROM ${source.table} INDEXED BY ${windowIndex} WHERE ${where}`).pluck().get(params) as number);
  if (n === 0) return { n, values: percentiles.map(() => null) };
  const ranks = percentiles.map((p) => Math.min(n, Math.max(1, Math.ceil((p / 100) * n))));

  if (n <= readAndSortMax) {
    const values = Float64Array.from(sql(db, `SELECT ${source.value} FROM ${source.table} INDEXED BY ${windowIndex} WHERE ${where}`).pluck().all(params) as number[]).sort();
    return { n: values.length, values: ranks.map((r) => values[Math.min(values.length, r) - 1] ?? null) };
  }
  const valueIndex = repo ? source.repoValueIndex : env ? source.envValueIndex : source.valueIndex;
  const ascending = sql(db, `SELECT ${source.value} FROM ${source.table} INDEXED BY ${valueIndex} WHERE ${where} ORDER BY ${source.value} ASC LIMIT 1 OFFSET @offset`).pluck();
  const descending = sql(db, `SELECT ${source.value} FROM ${source.table} INDEXED BY ${valueIndex} WHERE ${where} ORDER BY ${source.value} DESC LIMIT 1 OFFSET @offset`).pluck();
  return {
    n,
    values: ranks.map((r) => ((r <= n - r + 1 ? ascending.get({ ...params, offset: r - 1 }) : descending.get({ ...params, offset: n - r })) as number | undefined) ?? null),
  };
}

export const DURATIONS: PercentileSource = {
  table: 'learning_deployments',
  value: 'duration_ms',
  time: 'created_at',
  valueIndex: 'learning_deployments_duration',
  envValueIndex: 'learning_deployments_env_duration',
  windowIndex: 'learning_deployments_window',
  envWindowIndex: 'learning_deployments_env_window',
  repoValueIndex: 'learning_deployments_repo_duration',
  repoWindowIndex: 'learning_deployments_repo_window',
};

export const LEAD_TIMES: PercentileSource = {
  table: 'learning_deployments',
  value: 'lead_ms',
  time: 'created_at',
  valueIndex: 'learning_deployments_lead',
  envValueIndex: 'learning_deployments_env_lead',
  windowIndex: 'learning_deployments_window',
  envWindowIndex: 'learning_deployments_env_window',
  repoValueIndex: 'learning_deployments_repo_lead',
  repoWindowIndex: 'learning_deployments_repo_window',
};

export const RESTORE_TIMES: PercentileSource = {
  table: 'learning_restores',
  value: 'restore_ms',
  time: 'failed_at',
  valueIndex: 'learning_restores_ms',
  envValueIndex: 'learning_restores_env_ms',
  windowIndex: 'learning_restores_window',
  envWindowIndex: 'learning_restores_env_window',
  repoValueIndex: 'learning_restores_repo_ms',
  repoWindowIndex: 'learning_restores_repo_env',
};
