import assert from 'node:assert/strict';
import {
  computeHistoryFeatures, HISTORY_FEATURE_NAMES, historyFeatureVector, sortByTime, type HistoryFeatureValues, type TimedOutcome,
} from '../../../src/core/strategy/history-features';
import { mulberry32 } from '../../../src/core/strategy/forest';

const HOUR = 3_600_000;

/** A seeded timeline with runs of equal start times, two groups and sizes. */
function timeline(n: number, seed: number): TimedOutcome[] {
  const random = mulberry32(seed);
  const rows: TimedOutcome[] = [];
  let ts = Date.UTC(2015, 0, 1);
  for (let i = 0; i < n; i++) {
    if (random() > 0.25) ts += Math.floor(random() * 5 * HOUR); // a quarter share the previous start time
    rows.push({ ts, failed: random() < 0.4, group: random() < 0.3 ? 'pr' : 'push', size: Math.floor(random() * 500) });
  }
  return rows;
}

/**
 * Look-ahead check: change the outcome and size of each row k in turn — what is only known once
 * it has run — and every row that started no later than row k (row k itself and the rows that
 * share its start time included) must keep exactly the same features. Changing row k's group
 * (known before it runs) may change row k's own features, but no other row's at or before it.
 */
function lookAheadViolations(compute: (rows: readonly TimedOutcome[]) => HistoryFeatureValues[], rows: readonly TimedOutcome[]): string[] {
  const before = compute(rows).map(historyFeatureVector);
  const violations: string[] = [];
  const mutations = [
    { name: 'outcome', apply: (r: TimedOutcome) => ({ ...r, failed: !r.failed, size: (r.size ?? 0) + 1000 }), ownRowMayChange: false },
    { name: 'group', apply: (r: TimedOutcome) => ({ ...r, group: r.group === 'pr' ? 'push' : 'pr' }), ownRowMayChange: true },
  ];
  for (const mutation of mutations) {
    for (let k = 0; k < rows.length; k++) {
      const after = compute(rows.map((r, i) => (i === k ? mutation.apply(r) : r))).map(historyFeatureVector);
      for (let i = 0; i < rows.length; i++) {
        if (rows[i]!.ts > rows[k]!.ts || (i === k && mutation.ownRowMayChange)) continue;
        if (JSON.stringify(after[i]) !== JSON.stringify(before[i])) violations.push(`row ${i} changed when the ${mutation.name} of row ${k} changed`);
      }
    }
  }
  return violations;
}

describe('history features (strictly from earlier builds)', () => {
  it('no look-ahead: changing row k never changes rows that started at or before it (equal start times included)', () => {
    const rows = timeline(120, 7);
    assert.ok(rows.some((r, i) => i > 0 && r.ts === rows[i - 1]!.ts), 'the fixture must contain equal start times');
    assert.deepEqual(lookAheadViolations(computeHistoryFeatures, rows), []);
  });

  it('the look-ahead check catches a leak (a variant that lets a row see itself, and one that lets equal start times see each other)', () => {
    const rows = timeline(60, 11);
    // Leak 1: the row's own outcome becomes prevFailed.
    const seesItself = (input: readonly TimedOutcome[]) => computeHistoryFeatures(input).map((f, i) => ({ ...f, prevFailed: input[i]!.failed ? 1 : 0 }));
    assert.ok(lookAheadViolations(seesItself, rows).length > 0);
    // Leak 2: rows processed one by one, so a row sees the earlier row with the same start time.
    const oneByOne = (input: readonly TimedOutcome[]) => input.map((r, i) => computeHistoryFeatures([...input.slice(0, i).map((p) => ({ ...p, ts: p.ts - 1 })), r])[i]!);
    assert.ok(lookAheadViolations(oneByOne, rows).length > 0);
  });

  it('later rows do see the change (the features do depend on history)', () => {
    const rows = timeline(40, 3);
    const k = 10;
    const flipped = rows.map((r, i) => (i === k ? { ...r, failed: !r.failed } : r));
    const a = computeHistoryFeatures(rows);
    const b = computeHistoryFeatures(flipped);
    const firstLater = rows.findIndex((r) => r.ts > rows[k]!.ts);
    assert.notDeepEqual(historyFeatureVector(a[firstLater]!), historyFeatureVector(b[firstLater]!));
  });

  it('hand-checked values on a short series', () => {
    const t0 = Date.UTC(2016, 0, 1);
    const rows: TimedOutcome[] = [
      { ts: t0, failed: true, group: 'push', size: 10 },
      { ts: t0 + HOUR, failed: true, group: 'pr', size: 20 },
      { ts: t0 + 3 * HOUR, failed: false, group: 'push', size: 30 },
      { ts: t0 + 3 * HOUR, failed: true, group: 'push', size: 40 }, // same start as the row before: does not see it
      { ts: t0 + 5 * HOUR, failed: false, group: 'pr' },
    ];
    const f = computeHistoryFeatures(rows);
    assert.deepEqual(f[0], {
      prevFailed: 0.5, prev2Failed: 0.5, failureRatio5: 0.5, failureRatio20: 0.5, failureRatio100: 0.5, consecutiveFailures: 0, consecutiveSuccesses: 0,
      hoursSinceLastFailure: -1, hoursSinceLastSuccess: -1, hoursSincePrevious: -1, groupPrevFailed: 0.5, groupConsecutiveFailures: 0, groupSuccessRate: 0.5, prevSize: -1, priorCount: 0,
    });
    assert.equal(f[1]!.prevFailed, 1);
    assert.equal(f[1]!.groupPrevFailed, 0.5); // first pr row
    assert.equal(f[1]!.hoursSincePrevious, 1);
    assert.equal(f[1]!.prevSize, 10);
    // Rows 2 and 3 share a start time: both see rows 0–1 only.
    for (const i of [2, 3]) {
      assert.equal(f[i]!.prevFailed, 1);
      assert.equal(f[i]!.prev2Failed, 1);
      assert.equal(f[i]!.consecutiveFailures, 2);
      assert.equal(f[i]!.hoursSinceLastFailure, 2);
      assert.equal(f[i]!.hoursSincePrevious, 2);
      assert.equal(f[i]!.groupPrevFailed, 1); // push: row 0 failed
      assert.equal(f[i]!.groupSuccessRate, (0 + 1) / (1 + 2));
      assert.equal(f[i]!.priorCount, 2);
    }
    // Row 4 sees rows 0–3; the block [2, 3] ends with row 3 (failed).
    assert.equal(f[4]!.prevFailed, 1);
    assert.equal(f[4]!.prev2Failed, 0);
    assert.equal(f[4]!.consecutiveFailures, 1);
    assert.equal(f[4]!.failureRatio5, 3 / 4);
    assert.equal(f[4]!.hoursSinceLastSuccess, 2);
    assert.equal(f[4]!.groupPrevFailed, 1); // pr: row 1 failed
    assert.equal(f[4]!.groupConsecutiveFailures, 1);
    assert.equal(f[4]!.prevSize, 40);
  });

  it('one value per name, in HISTORY_FEATURE_NAMES order', () => {
    const [f] = computeHistoryFeatures([{ ts: 1, failed: false }]);
    assert.deepEqual(historyFeatureVector(f!), HISTORY_FEATURE_NAMES.map((n) => f![n]));
  });

  it('refuses rows out of time order; sortByTime is stable for equal times', () => {
    assert.throws(() => computeHistoryFeatures([{ ts: 2, failed: false }, { ts: 1, failed: true }]), /time order/);
    const sorted = sortByTime([{ ts: 5, id: 'a' }, { ts: 1, id: 'b' }, { ts: 5, id: 'c' }, { ts: 1, id: 'd' }]);
    assert.deepEqual(sorted.map((r) => r.id), ['b', 'd', 'a', 'c']);
  });
});
