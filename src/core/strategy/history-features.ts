/**
 * History features derived strictly in time order: every feature of a row is computed only from
 * rows that STARTED BEFORE it (rows with the same start time do not see each other). The
 * outcome of an earlier row is taken as known, as for the "ends like the previous one" baseline.
 */

export interface TimedOutcome {
  /** Start time, ms since epoch. */
  ts: number;
  failed: boolean;
  /** Pattern key (e.g. environment|stack|strategy|category, or a CI build's branch kind). */
  group?: string;
  /** Size of the change (e.g. lines changed); the previous row's size is a feature. */
  size?: number;
}

export interface HistoryFeatureValues {
  /** 1 failed, 0 succeeded, 0.5 unknown (first row). */
  prevFailed: number;
  /** The outcome before the previous one (same encoding). */
  prev2Failed: number;
  failureRatio5: number;
  failureRatio20: number;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** Hours since the last failure (capped at 90 days), -1 when none yet. */
  hoursSinceLastFailure: number;
  /** Hours since the last success (capped at 90 days), -1 when none yet. */
  hoursSinceLastSuccess: number;
  /** Failure share of the last 100 rows (the slowly moving level; 0.5 when none). */
  failureRatio100: number;
  /** Failure streak length within the same group (0 when the group's last row succeeded). */
  groupConsecutiveFailures: number;
  /** Hours since the previous row started (capped at 90 days), -1 for the first row. */
  hoursSincePrevious: number;
  /** Previous outcome within the same group (1, 0, or 0.5 when the group is new). */
  groupPrevFailed: number;
  /** Success rate of earlier rows of the same group (Laplace-smoothed). */
  groupSuccessRate: number;
  /** Size of the previous row's change, -1 when unknown. */
  prevSize: number;
  /** Earlier rows seen (how much history backs the figures). */
  priorCount: number;
}

export const HISTORY_FEATURE_NAMES = [
  'prevFailed', 'prev2Failed', 'failureRatio5', 'failureRatio20', 'failureRatio100', 'consecutiveFailures', 'consecutiveSuccesses', 'hoursSinceLastFailure',
  'hoursSinceLastSuccess', 'hoursSincePrevious', 'groupPrevFailed', 'groupConsecutiveFailures', 'groupSuccessRate', 'prevSize', 'priorCount',
] as const satisfies readonly (keyof HistoryFeatureValues)[];

const CAP_HOURS = 24 * 90;

/** `rows` must be sorted by `ts` ascending (use `sortByTime`). Returns one entry per row, same order. */
export function computeHistoryFeatures(rows: readonly TimedOutcome[]): HistoryFeatureValues[] {
  const out: HistoryFeatureValues[] = new Array(rows.length);
  const recent: number[] = []; // the last 100 outcomes (1 = failed), chronological
  let seen = 0;
  let consecutiveFailures = 0;
  let consecutiveSuccesses = 0;
  let lastFailureTs: number | undefined;
  let lastSuccessTs: number | undefined;
  let previous: TimedOutcome | undefined;
  const groups = new Map<string, { n: number; ok: number; lastFailed: boolean; streak: number }>();
  let i = 0;
  while (i < rows.length) {
    // The block of rows that share a start time: features first (from state before the block),
    // then the state update — so equal start times never see each other.
    let j = i;
    while (j < rows.length && rows[j]!.ts === rows[i]!.ts) j++;
    if (i > 0 && rows[i]!.ts < rows[i - 1]!.ts) throw new RangeError('computeHistoryFeatures: rows are not in time order');
    for (let r = i; r < j; r++) {
      const row = rows[r]!;
      const g = row.group !== undefined ? groups.get(row.group) : undefined;
      out[r] = {
        prevFailed: recent.length ? recent[recent.length - 1]! : 0.5,
        prev2Failed: recent.length > 1 ? recent[recent.length - 2]! : 0.5,
        failureRatio5: ratio(recent, 5),
        failureRatio20: ratio(recent, 20),
        consecutiveFailures,
        consecutiveSuccesses,
        hoursSinceLastFailure: lastFailureTs === undefined ? -1 : Math.min(CAP_HOURS, (row.ts - lastFailureTs) / 3_600_000),
        hoursSinceLastSuccess: lastSuccessTs === undefined ? -1 : Math.min(CAP_HOURS, (row.ts - lastSuccessTs) / 3_600_000),
        failureRatio100: ratio(recent, 100),
        groupConsecutiveFailures: g?.streak ?? 0,
        hoursSincePrevious: previous === undefined ? -1 : Math.min(CAP_HOURS, (row.ts - previous.ts) / 3_600_000),
        groupPrevFailed: g ? (g.lastFailed ? 1 : 0) : 0.5,
        groupSuccessRate: g ? (g.ok + 1) / (g.n + 2) : 0.5,
        prevSize: previous?.size ?? -1,
        priorCount: seen,
      };
    }
    for (let r = i; r < j; r++) {
      const row = rows[r]!;
      recent.push(row.failed ? 1 : 0);
      if (recent.length > 100) recent.shift();
      seen++;
      consecutiveFailures = row.failed ? consecutiveFailures + 1 : 0;
      consecutiveSuccesses = row.failed ? 0 : consecutiveSuccesses + 1;
      if (row.failed) lastFailureTs = row.ts;
      else lastSuccessTs = row.ts;
      previous = row;
      if (row.group !== undefined) {
        const g = groups.get(row.group) ?? { n: 0, ok: 0, lastFailed: false, streak: 0 };
        g.streak = row.failed ? g.streak + 1 : 0;
        g.n++;
        if (!row.failed) g.ok++;
        g.lastFailed = row.failed;
        groups.set(row.group, g);
      }
    }
    i = j;
  }
  return out;
}

export function historyFeatureVector(v: HistoryFeatureValues): number[] {
  return HISTORY_FEATURE_NAMES.map((name) => v[name]);
}

/** A stable sort by start time (ties keep their input order). */
export function sortByTime<T extends { ts: number }>(rows: readonly T[]): T[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => a.row.ts - b.row.ts || a.index - b.index)
    .map((x) => x.row);
}

function ratio(recent: readonly number[], k: number): number {
  if (!recent.length) return 0.5;
  const start = Math.max(0, recent.length - k);
  let sum = 0;
  for (let i = start; i < recent.length; i++) sum += recent[i]!;
  return sum / (recent.length - start);
}
