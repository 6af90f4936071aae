/**
 * History features derived strictly in time order: every feature of a row is computed only from
 * rows that STARTED BEFORE it (rows with the same start time do not see each other).
 */

export interface TimedOutcome {
  /** Start time, ms since epoch. */
  ts: number;
  failed: boolean;
  /** Pattern key (e.g. environment|stack|strategy|category, or a CI build's branch kind). */
  group?: string;
}

export interface HistoryFeatureValues {
  /** 1 failed, 0 succeeded, 0.5 unknown (first row). */
  prevFailed: number;
  failureRatio5: number;
  failureRatio20: number;
  consecutiveFailures: number;
  /** Hours since the last failure (capped), -1 when none yet. */
  hoursSinceLastFailure: number;
  /** Success rate of earlier rows of the same group (Laplace-smoothed). */
  groupSuccessRate: number;
  /** Earlier rows seen (how much history backs the figures). */
  priorCount: number;
}

export const HISTORY_FEATURE_NAMES = ['prevFailed', 'failureRatio5', 'failureRatio20', 'consecutiveFailures', 'hoursSinceLastFailure', 'groupSuccessRate', 'priorCount'] as const;

/** `rows` must be sorted by `ts` ascending (use `sortByTime`). Returns one entry per row, same order. */
export function computeHistoryFeatures(rows: readonly TimedOutcome[]): HistoryFeatureValues[] {
  const out: HistoryFeatureValues[] = new Array(rows.length);
  const recent: number[] = []; // outcomes so far (1 = failed), chronological
  let consecutive = 0;
  let lastFailureTs: number | undefined;
  const groups = new Map<string, { n: number; ok: number }>();
  let i = 0;
  while (i < rows.length) {
    // The block of rows that share a start time: features first, then the state update.
    let j = i;
    while (j < rows.length && rows[j]!.ts === rows[i]!.ts) j++;
    for (let r = i; r < j; r++) {
      const row = rows[r]!;
      if (r > 0 && row.ts < rows[r - 1]!.ts) throw new RangeError('computeHistoryFeatures: rows are not in time order');
      const g = row.group !== undefined ? groups.get(row.group) : undefined;
      out[r] = {
        prevFailed: recent.length ? recent[recent.length - 1]! : 0.5,
        failureRatio5: ratio(recent, 5),
        failureRatio20: ratio(recent, 20),
        consecutiveFailures: consecutive,
        hoursSinceLastFailure: lastFailureTs === undefined ? -1 : Math.min(24 * 90, (row.ts - lastFailureTs) / 3_600_000),
        groupSuccessRate: g ? (g.ok + 1) / (g.n + 2) : 0.5,
        priorCount: recent.length,
      };
    }
    for (let r = i; r < j; r++) {
      const row = rows[r]!;
      recent.push(row.failed ? 1 : 0);
      if (recent.length > 20) recent.shift();
      consecutive = row.failed ? consecutive + 1 : 0;
      if (row.failed) lastFailureTs = row.ts;
      if (row.group !== undefined) {
        const g = groups.get(row.group) ?? { n: 0, ok: 0 };
        g.n++;
        if (!row.failed) g.ok++;
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
