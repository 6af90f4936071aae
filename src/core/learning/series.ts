import type Database from 'better-sqlite3';
import { DURATIONS, exactPercentiles } from './percentiles';
import { DAY_MS } from './rollup';
import { dailySource, scopeParams } from './scope';
import { sql } from './statements';

/** Which deployments a series covers: every repository or one, every environment or one. */
export interface SeriesScope {
  repoPath?: string;
  environment?: string;
}

/**
 * The figures behind the analytics charts (the sidebar draws them; `deploy-agent analytics --json`
 * prints the same). Day series are dense — every UTC day of the window, oldest first, zeros on
 * days without deployments — so that a chart's x axis is the calendar.
 */
export interface AnalyticsSeries {
  /** YYYY-MM-DD of each day of the window. */
  days: string[];
  /** Deployments started that day by how they ended, split as `deployments` is (their sum is `deployments.total`). */
  outcomes: { succeeded: number[]; failed: number[]; rolledBack: number[]; cancelled: number[]; interrupted: number[] };
  /** Model tokens (input + output) of the deployments started that day. */
  tokens: number[];
  /** Their cost in USD. */
  costUsd: number[];
  /** Exact (nearest-rank) p50 and p90 of finished deployments' durations per trend bucket, oldest first; n = 0 buckets have null. */
  durations: { bucket: 'day' | 'week' | 'month'; points: { start: string; n: number; p50Ms: number | null; p90Ms: number | null }[] };
  /** Finished deployments by the repair rounds they took (0, 1, 2, 3, 4+). */
  repairRounds: { rounds: string; deployments: number }[];
}

/** The largest bar of the repair-round histogram (4 or more rounds). */
const REPAIR_BINS = 4;

/**
 * The chart series of a window of whole UTC days [fromDay, toDay). Counts, tokens and cost come
 * from the daily figures (learning_daily, or learning_daily_repo for one repository); the
 * per-bucket percentiles and the repair histogram from the learnt deployments' indexes.
 */
export function computeSeries(db: Database.Database, scope: SeriesScope, fromDay: number, toDay: number, bucketDays: number): AnalyticsSeries {
  const params = scopeParams(scope, fromDay, toDay);
  const envWhere = scope.environment !== undefined ? ' AND environment = @environment' : '';
  const when = (condition: string) => `sum(CASE WHEN ${condition} THEN deployments ELSE 0 END)`;
  const rows = sql(
    db,
    `SELECT day, ${when('outcome = 1')} AS ok, ${when("outcome = 0 AND status != 'rolled_back'")} AS failed, ${when("status = 'rolled_back'")} AS rolledBack,
            ${when("status = 'cancelled'")} AS cancelled, ${when("status = 'interrupted'")} AS interrupted, sum(tokens_sum) AS tokens, sum(cost_micros_sum) AS costMicros
       FROM ${dailySource(scope.repoPath)} WHERE day >= @fromDay AND day < @toDay${envWhere}
      GROUP BY day`,
  ).all(params) as { day: number; ok: number; failed: number; rolledBack: number; cancelled: number; interrupted: number; tokens: number; costMicros: number }[];

  const length = Math.max(0, toDay - fromDay);
  const zeros = () => new Array<number>(length).fill(0);
  const series: AnalyticsSeries = {
    days: Array.from({ length }, (_, i) => isoDay(fromDay + i)),
    outcomes: { succeeded: zeros(), failed: zeros(), rolledBack: zeros(), cancelled: zeros(), interrupted: zeros() },
    tokens: zeros(),
    costUsd: zeros(),
    durations: { bucket: bucketDays === 1 ? 'day' : bucketDays === 7 ? 'week' : 'month', points: [] },
    repairRounds: [],
  };
  for (const r of rows) {
    const i = r.day - fromDay;
    series.outcomes.succeeded[i] = r.ok;
    series.outcomes.failed[i] = r.failed;
    series.outcomes.rolledBack[i] = r.rolledBack;
    series.outcomes.cancelled[i] = r.cancelled;
    series.outcomes.interrupted[i] = r.interrupted;
    series.tokens[i] = r.tokens;
    series.costUsd[i] = r.costMicros / 1e6;
  }

  // Each bucket's durations read and sorted (its exact nearest-rank percentiles); a bucket holds a
  // fraction of the window, so its values are read through the time-ordered index, never all at once.
  const buckets = Math.ceil(length / bucketDays);
  const filter = { ...(scope.environment !== undefined ? { environment: scope.environment } : {}), ...(scope.repoPath !== undefined ? { repoPath: scope.repoPath } : {}) };
  series.durations.points = Array.from({ length: buckets }, (_, i) => {
    const start = toDay - (buckets - i) * bucketDays;
    const { n, values } = exactPercentiles(db, DURATIONS, { from: Math.max(start, fromDay) * DAY_MS, to: (start + bucketDays) * DAY_MS, ...filter }, [50, 90], undefined, Infinity);
    return { start: isoDay(start), n, p50Ms: values[0]!, p90Ms: values[1]! };
  });
  series.repairRounds = repairHistogram(db, scope, fromDay, toDay);
  return series;
}

/** Finished deployments (those with an outcome) of the window by repair rounds: 0, 1, 2, 3, 4+. */
function repairHistogram(db: Database.Database, scope: SeriesScope, fromDay: number, toDay: number): AnalyticsSeries['repairRounds'] {
  const index = scope.repoPath !== undefined ? 'learning_deployments_repo_window' : scope.environment !== undefined ? 'learning_deployments_env_window' : 'learning_deployments_repairs';
  const counts = sql(
    db,
    `SELECT min(repairs, ${REPAIR_BINS}) AS rounds, count(*) AS n FROM learning_deployments INDEXED BY ${index}
      WHERE created_at >= @from AND created_at < @to AND success IS NOT NULL${scope.repoPath !== undefined ? ' AND repo_path = @repoPath' : ''}${scope.environment !== undefined ? ' AND environment = @environment' : ''}
      GROUP BY 1`,
  ).all({ from: fromDay * DAY_MS, to: toDay * DAY_MS, ...(scope.repoPath !== undefined ? { repoPath: scope.repoPath } : {}), ...(scope.environment !== undefined ? { environment: scope.environment } : {}) }) as {
    rounds: number;
    n: number;
  }[];
  return Array.from({ length: REPAIR_BINS + 1 }, (_, rounds) => ({ rounds: rounds === REPAIR_BINS ? `${REPAIR_BINS}+` : String(rounds), deployments: counts.find((c) => c.rounds === rounds)?.n ?? 0 }));
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
