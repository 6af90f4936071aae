import type Database from 'better-sqlite3';
import { changeFailureRateTier, deploymentFrequencyTier, DORA_EVIDENCE, leadTimeTier, timeToRestoreTier, type DoraTier } from './dora';
import { hasShippingOutcomes } from './outcome';
import { DURATIONS, exactPercentiles, LEAD_TIMES, RESTORE_TIMES } from './percentiles';
import { catchUpFirst, type CatchUpOptions, type LearningStore } from './record';
import { DAY_MS, dayOf } from './rollup';
import { ALL_DAYS, dailySource, scopeParams } from './scope';
import { computeSeries, type AnalyticsSeries } from './series';
import { sql } from './statements';

export interface AnalyticsOptions extends CatchUpOptions {
  environment?: string;
  /** Only this repository's deployments (the path they were deployed from); undefined: every repository. */
  repoPath?: string;
  /** Add the chart series (the sidebar, `analytics --json`); about 30 ms more over a year of 100,000 deployments. */
  series?: boolean;
  /** The last N UTC days including today; undefined: all history. */
  days?: number;
}

/** What `deploy-agent analytics --json` prints and the sidebar's Analytics view draws. */
export type AnalyticsWithSeries = Analytics & { series: AnalyticsSeries };

export interface DoraKey<T extends object> {
  tier: DoraTier | null;
  /** Why there is no tier, when there is none. */
  note?: string;
  value: T;
}

export interface Analytics {
  window: { environment: string | null; repoPath: string | null; days: number | null; from: string | null; to: string; activeDays: number };
  /** Where outcomes come from: the local status, plus GitHub's labels once `deploy-agent sync` has run. */
  outcomeSource: 'local' | 'local+github';
  deployments: { total: number; finished: number; succeeded: number; failed: number; rolledBack: number; cancelled: number; interrupted: number; shipped: number };
  /**
   * Deployments that stopped before any model or test ran, counted apart and in nothing else here
   * (not in `deployments`, the rates, the strategy mix or the DORA keys): `refused` by the safety
   * step (repository busy, circuit breaker open), and the rest (no provider, an invalid
   * recommendation, not a git repository …). In the same window and scope.
   */
  setupFailures: { total: number; refused: number };
  /** Over finished deployments (those with an outcome). */
  rates: { success: number | null; failure: number | null; rollback: number | null };
  durationMs: { n: number; p50: number | null; p90: number | null; p99: number | null; mean: number | null };
  trend: {
    bucket: 'day' | 'week' | 'month';
    points: { start: string; deployments: number; finished: number; successRate: number | null; meanDurationMs: number | null }[];
    /** Second half of the window against the first: success-rate change in points (0.1 = +10 points), mean-duration change as a ratio (0.1 = 10% slower). */
    successRateChange: number | null;
    meanDurationChange: number | null;
    direction: 'improving' | 'worsening' | 'mixed' | 'steady' | 'not enough data';
  };
  strategyMix: { strategy: string; deployments: number; share: number; successRate: number | null }[];
  repairsPerDeployment: number | null;
  /**
   * Model input of the window's calls: all of it, the part read from the provider's prompt cache
   * (billed at a tenth), the part written to it (1.25×) and the rest, uncached (full price).
   */
  modelInput: { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; uncachedTokens: number };
  dora: {
    /** `days`: what `perDay` divides by — the window's days, or the days since the first deployment when the history began within the window. */
    deploymentFrequency: DoraKey<{ shipped: number; days: number; perDay: number; perWeek: number }>;
    leadTimeForChanges: DoraKey<{ n: number; medianMs: number | null; meanMs: number | null }>;
    changeFailureRate: DoraKey<{ shipped: number; failed: number; rate: number | null }>;
    timeToRestore: DoraKey<{ episodes: number; restored: number; open: number; medianMs: number | null }>;
  };
  /** What the charts draw (when asked for): per-day outcomes, tokens and cost, duration percentiles over time, repair rounds. */
  series?: AnalyticsSeries;
  learning: { caughtUp: number };
}

/**
 * Deployment analytics over a window, from the figures the learning keeps: learning_daily for
 * every count, rate, mean and the trend (a few thousand rows, whatever the history's size),
 * value-ordered indexes for the exact percentiles and medians, learning_restores for time to
 * restore. Definitions (docs/learning.md): finished = has an outcome (succeeded, failed, rolled
 * back); shipped = committed by a local-commit or full-pr deployment; lead time = request → commit
 * or pull request (→ merge once synced); time to restore = a failure episode's first failure →
 * the next success in the same repository and environment, or the rollback.
 */
export function computeAnalytics(store: LearningStore, options: AnalyticsOptions & { series: true }): AnalyticsWithSeries;
export function computeAnalytics(store: LearningStore, options?: AnalyticsOptions): Analytics;
export function computeAnalytics(store: LearningStore, options: AnalyticsOptions = {}): Analytics {
  const db = store.db;
  const now = options.now ?? Date.now();
  const caughtUp = catchUpFirst(store, { ...options, now });
  const env = options.environment;
  const repo = options.repoPath;
  const scope = { ...(env !== undefined ? { environment: env } : {}), ...(repo !== undefined ? { repoPath: repo } : {}) };
  const envWhere = env !== undefined ? ' AND environment = @environment' : '';
  const toDay = dayOf(now) + 1;
  const firstDay = sql(db, `SELECT min(day) FROM ${dailySource(repo)} WHERE 1${envWhere}`).pluck().get(scopeParams(scope, ALL_DAYS.fromDay, ALL_DAYS.toDay)) as number | null;
  const fromDay = options.days !== undefined ? toDay - options.days : firstDay ?? toDay - 1;
  const activeDays = Math.max(1, toDay - Math.max(fromDay, firstDay ?? fromDay));
  const window = { from: fromDay * DAY_MS, to: toDay * DAY_MS, ...scope };

  const buckets = readBuckets(db, fromDay, toDay, scope);
  const sum = (key: keyof Bucket) => buckets.reduce((total, b) => total + b[key], 0);
  const deployments = {
    total: sum('n'),
    finished: sum('finished'),
    succeeded: sum('ok'),
    failed: sum('failed'),
    rolledBack: sum('rolledBack'),
    cancelled: sum('cancelled'),
    interrupted: sum('interrupted'),
    shipped: sum('shipped'),
  };
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

  const durationCount = sum('durationCount');
  const durations = exactPercentiles(db, DURATIONS, window, [50, 90, 99], durationCount);
  const leadCount = sum('leadCount');
  const lead = exactPercentiles(db, LEAD_TIMES, window, [50], leadCount);

  const shippedFinished = sum('shippedFinished');
  const shippedFailed = sum('shippedFailed');
  const shippedOk = sum('shippedOk');
  const perDay = shippedOk / activeDays;

  const restores = sql(
    db,
    `SELECT count(*) AS episodes, count(restore_ms) AS restored FROM learning_restores INDEXED BY ${repo !== undefined ? 'learning_restores_repo_env' : env !== undefined ? 'learning_restores_env_window' : 'learning_restores_window'}
      WHERE failed_at >= @from AND failed_at < @to${envWhere}${repo !== undefined ? ' AND repo_path = @repoPath' : ''}`,
  ).get(window) as { episodes: number; restored: number };
  const restore = exactPercentiles(db, RESTORE_TIMES, window, [50], restores.restored);

  const cfr = ratio(shippedFailed, shippedFinished);
  const setup = sql(
    db,
    `SELECT count(*) AS total, coalesce(sum(status = 'refused'), 0) AS refused FROM deployments INDEXED BY deployments_setup_failures
      WHERE status IN ('refused', 'setup-failed') AND created_at >= @from AND created_at < @to${envWhere}${repo !== undefined ? ' AND repo_path = @repoPath' : ''}`,
  ).get({ ...window, from: options.days !== undefined ? window.from : 0 }) as { total: number; refused: number };
  return {
    window: {
      environment: env ?? null,
      repoPath: repo ?? null,
      days: options.days ?? null,
      from: firstDay === null && options.days === undefined ? null : new Date(fromDay * DAY_MS).toISOString(),
      to: new Date(toDay * DAY_MS).toISOString(),
      activeDays,
    },
    outcomeSource: hasShippingOutcomes(db) ? 'local+github' : 'local',
    deployments,
    setupFailures: setup,
    rates: {
      success: ratio(deployments.succeeded, deployments.finished),
      failure: ratio(deployments.finished - deployments.succeeded, deployments.finished),
      rollback: ratio(deployments.rolledBack, deployments.finished),
    },
    durationMs: { n: durations.n, p50: durations.values[0]!, p90: durations.values[1]!, p99: durations.values[2]!, mean: durationCount ? Math.round(sum('durationSum') / durationCount) : null },
    trend: trendOf(buckets, fromDay, toDay),
    strategyMix: strategyMixOf(db, fromDay, toDay, scope, deployments.total),
    repairsPerDeployment: ratio(sum('repairs'), deployments.finished),
    modelInput: modelInputOf(db, fromDay, toDay, scope),
    dora: {
      deploymentFrequency: {
        ...withEvidence(deploymentFrequencyTier(perDay), shippedOk < DORA_EVIDENCE.minShipped ? tooFewShipped(shippedOk) : activeDays < DORA_EVIDENCE.minDays ? `a tier after ${DORA_EVIDENCE.minDays} days of history (this window has ${activeDays})` : undefined),
        value: { shipped: shippedOk, days: activeDays, perDay, perWeek: perDay * 7 },
      },
      leadTimeForChanges: {
        ...(lead.values[0] === null ? { tier: null, note: 'no shipped deployment succeeded in the window' } : withEvidence(leadTimeTier(lead.values[0]!), leadCount < DORA_EVIDENCE.minShipped ? tooFewShipped(leadCount) : undefined)),
        value: { n: leadCount, medianMs: lead.values[0]!, meanMs: leadCount ? Math.round(sum('leadSum') / leadCount) : null },
      },
      changeFailureRate: {
        ...(cfr === null ? { tier: null, note: 'nothing was shipped in the window' } : withEvidence(changeFailureRateTier(cfr), shippedFinished < DORA_EVIDENCE.minShipped ? tooFewShipped(shippedFinished) : undefined)),
        value: { shipped: shippedFinished, failed: shippedFailed, rate: cfr },
      },
      timeToRestore: {
        tier: restore.values[0] === null ? null : timeToRestoreTier(restore.values[0]!),
        ...(restore.values[0] === null ? { note: restores.episodes ? 'no failure in the window has been restored yet' : 'no failure in the window' } : {}),
        value: { episodes: restores.episodes, restored: restores.restored, open: restores.episodes - restores.restored, medianMs: restore.values[0]! },
      },
    },
    ...(options.series ? { series: computeSeries(db, scope, fromDay, toDay, bucketDays(toDay - fromDay)) } : {}),
    learning: { caughtUp },
  };
}

type Scope = { environment?: string; repoPath?: string };

/** The tier, or none with why when the window holds too little to tell (DORA_EVIDENCE). */
function withEvidence(tier: DoraTier, missing: string | undefined): { tier: DoraTier | null; note?: string } {
  return missing ? { tier: null, note: missing } : { tier };
}

function tooFewShipped(shipped: number): string {
  return `a tier after ${DORA_EVIDENCE.minShipped} shipped deployments (this window has ${shipped})`;
}

/**
 * The window's model input, cached and not: of the deployments learnt in the window (as the
 * tokens chart counts them, by the day the deployment started), what their successful model calls
 * read — from the daily figures (migrations 015 and 016), never the calls.
 */
function modelInputOf(db: Database.Database, fromDay: number, toDay: number, scope: Scope): Analytics['modelInput'] {
  const row = sql(
    db,
    `SELECT coalesce(sum(input_tokens_sum), 0) AS inputTokens, coalesce(sum(cache_read_sum), 0) AS cacheReadTokens, coalesce(sum(cache_write_sum), 0) AS cacheWriteTokens
       FROM ${dailySource(scope.repoPath)} WHERE day >= @fromDay AND day < @toDay${scope.environment !== undefined ? ' AND environment = @environment' : ''}`,
  ).get(scopeParams(scope, fromDay, toDay)) as { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
  return { ...row, uncachedTokens: Math.max(0, row.inputTokens - row.cacheReadTokens - row.cacheWriteTokens) };
}

function strategyMixOf(db: Database.Database, fromDay: number, toDay: number, scope: Scope, total: number): Analytics['strategyMix'] {
  const rows = sql(
    db,
    `SELECT strategy, sum(deployments) AS n, sum(CASE WHEN outcome = 1 THEN deployments ELSE 0 END) AS ok, sum(CASE WHEN outcome != -1 THEN deployments ELSE 0 END) AS finished
       FROM ${dailySource(scope.repoPath)} WHERE day >= @fromDay AND day < @toDay${scope.environment !== undefined ? ' AND environment = @environment' : ''}
      GROUP BY strategy ORDER BY n DESC, strategy`,
  ).all(scopeParams(scope, fromDay, toDay)) as { strategy: string; n: number; ok: number; finished: number }[];
  return rows.map((r) => ({ strategy: r.strategy, deployments: r.n, share: total ? r.n / total : 0, successRate: r.finished ? r.ok / r.finished : null }));
}

/** The trend: buckets ending at the window's end (the newest one is whole), and the newer half of the buckets against the older half. */
function trendOf(buckets: Bucket[], fromDay: number, toDay: number): Analytics['trend'] {
  const size = bucketDays(toDay - fromDay);
  const ordered = [...buckets].sort((a, b) => b.back - a.back);
  const points = ordered.map((b) => ({
    start: new Date((toDay - (b.back + 1) * size) * DAY_MS).toISOString().slice(0, 10),
    deployments: b.n,
    finished: b.finished,
    successRate: b.finished ? b.ok / b.finished : null,
    meanDurationMs: b.durationCount ? Math.round(b.durationSum / b.durationCount) : null,
  }));
  const half = (list: Bucket[]) =>
    list.reduce((acc, b) => ({ finished: acc.finished + b.finished, ok: acc.ok + b.ok, durationSum: acc.durationSum + b.durationSum, durationCount: acc.durationCount + b.durationCount }), {
      finished: 0,
      ok: 0,
      durationSum: 0,
      durationCount: 0,
    });
  const early = half(ordered.slice(0, Math.floor(ordered.length / 2)));
  const late = half(ordered.slice(Math.ceil(ordered.length / 2)));
  const successRateChange = early.finished && late.finished ? late.ok / late.finished - early.ok / early.finished : null;
  const meanDurationChange = early.durationCount && late.durationCount ? late.durationSum / late.durationCount / (early.durationSum / early.durationCount) - 1 : null;
  return { bucket: size === 1 ? 'day' : size === 7 ? 'week' : 'month', points, successRateChange, meanDurationChange, direction: directionOf(successRateChange, meanDurationChange) };
}

/** A day, a week or 30 days: whichever keeps the trend at a readable length. */
function bucketDays(span: number): number {
  return span <= 14 ? 1 : span <= 7 * 16 ? 7 : 30;
}

/** The figures of one trend bucket (`back` buckets before the newest). */
interface Bucket {
  back: number;
  n: number;
  finished: number;
  ok: number;
  failed: number;
  rolledBack: number;
  cancelled: number;
  interrupted: number;
  shipped: number;
  shippedFinished: number;
  shippedFailed: number;
  shippedOk: number;
  durationSum: number;
  durationCount: number;
  leadSum: number;
  leadCount: number;
  /** Of finished deployments. */
  repairs: number;
}

/**
 * Every count, sum and the trend in one aggregate over learning_daily (never over the
 * deployments), grouped only by trend bucket: grouping by few keys is what keeps it at a few
 * milliseconds for a year of history.
 */
function readBuckets(db: Database.Database, fromDay: number, toDay: number, scope: Scope): Bucket[] {
  // better-sqlite3 binds JS numbers as REAL: without the CAST the division is not whole and every day is its own bucket.
  const when = (condition: string) => `sum(CASE WHEN ${condition} THEN deployments ELSE 0 END)`;
  return sql(
    db,
    `SELECT CAST((@toDay - 1 - day) / @size AS INTEGER) AS back, sum(deployments) AS n,
            ${when('outcome != -1')} AS finished, ${when('outcome = 1')} AS ok, ${when("outcome = 0 AND status != 'rolled_back'")} AS failed,
            ${when("status = 'rolled_back'")} AS rolledBack, ${when("status = 'cancelled'")} AS cancelled, ${when("status = 'interrupted'")} AS interrupted,
            ${when('shipped = 1')} AS shipped, ${when('shipped = 1 AND outcome != -1')} AS shippedFinished, ${when('shipped = 1 AND outcome = 0')} AS shippedFailed,
            ${when('shipped = 1 AND outcome = 1')} AS shippedOk,
            sum(duration_sum) AS durationSum, sum(duration_count) AS durationCount, sum(lead_sum) AS leadSum, sum(lead_count) AS leadCount,
            sum(CASE WHEN outcome != -1 THEN repairs_sum ELSE 0 END) AS repairs
       FROM ${dailySource(scope.repoPath)} WHERE day >= @fromDay AND day < @toDay${scope.environment !== undefined ? ' AND environment = @environment' : ''}
      GROUP BY back`,
  ).all({ ...scopeParams(scope, fromDay, toDay), size: bucketDays(toDay - fromDay) }) as Bucket[];
}

/** A change under 5 points of success rate or 10% of duration counts as steady. */
function directionOf(rate: number | null, duration: number | null): Analytics['trend']['direction'] {
  if (rate === null && duration === null) return 'not enough data';
  const r = rate === null || Math.abs(rate) < 0.05 ? 0 : Math.sign(rate);
  const d = duration === null || Math.abs(duration) < 0.1 ? 0 : -Math.sign(duration);
  if (r === 0 && d === 0) return 'steady';
  if (r >= 0 && d >= 0) return 'improving';
  if (r <= 0 && d <= 0) return 'worsening';
  return 'mixed';
}
