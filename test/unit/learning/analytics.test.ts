import assert from 'node:assert/strict';
import { computeAnalytics, recordOutcome } from '../../../src/core/learning';
import { DURATIONS, exactPercentiles } from '../../../src/core/learning/percentiles';
import type { HistoryStore } from '../../../src/core/store/database';
import { addDeployment, DAY, MIN, NOW, rollBack, tempStore } from './history';

/**
 * A hand-built history (production, /repo/a unless said), NOW = 2025-06-30 12:00 UTC:
 *   d1 −10 d  succeeded     5 min  balanced      shipped
 *   d2  −9 d  failed        2 min  balanced      (review failed)
 *   d3  −8 d  succeeded     8 min  conservative  shipped  → restores d2's episode: (−8 d + 8 min) − (−9 d + 2 min) = 1 d 6 min
 *   d4  −7 d  rolled back   1 min  aggressive    shipped; rolled back 30 min after it finished → episode restored in 30 min
 *   d5  −6 d  succeeded    20 min  balanced      shipped, one repair round (two test runs)
 *   d6  −5 d  cancelled     3 min  balanced
 *   d7  −4 d  succeeded     4 min  balanced      shipped, in staging
 *   d8 −40 d  succeeded   100 min  balanced      shipped (outside a 30-day window)
 */
function seed(store: HistoryStore): Record<string, string> {
  const db = store.db;
  const ids = {
    d1: addDeployment(db, { createdAt: NOW - 10 * DAY, durationMs: 5 * MIN }),
    d2: addDeployment(db, { createdAt: NOW - 9 * DAY, durationMs: 2 * MIN, status: 'failed', failedStep: 'review', testRuns: [[0, 2, "src/a.ts(4,7): error TS2322: Type 'string' is not assignable to type 'number'."]] }),
    d3: addDeployment(db, { createdAt: NOW - 8 * DAY, durationMs: 8 * MIN, strategy: 'conservative' }),
    d4: addDeployment(db, { createdAt: NOW - 7 * DAY, durationMs: 1 * MIN, strategy: 'aggressive' }),
    d5: addDeployment(db, { createdAt: NOW - 6 * DAY, durationMs: 20 * MIN, testRuns: [[3, 1, "src/b.ts(9,3): error TS2322: Type 'number' is not assignable to type 'string'."], [4, 0]] }),
    d6: addDeployment(db, { createdAt: NOW - 5 * DAY, durationMs: 3 * MIN, status: 'cancelled' }),
    d7: addDeployment(db, { createdAt: NOW - 4 * DAY, durationMs: 4 * MIN, environment: 'staging' }),
    d8: addDeployment(db, { createdAt: NOW - 40 * DAY, durationMs: 100 * MIN }),
  };
  rollBack(db, ids.d4, NOW - 7 * DAY + 31 * MIN);
  for (const id of Object.values(ids)) recordOutcome(store, id, { now: NOW });
  return ids;
}

describe('learning: analytics on a small hand-built history', () => {
  let t: ReturnType<typeof tempStore>;
  beforeEach(() => {
    t = tempStore();
    seed(t.store);
  });
  afterEach(() => t.cleanup());

  it('counts, rates, duration percentiles, strategy mix and repairs over the last 30 days', () => {
    const a = computeAnalytics(t.store, { days: 30, now: NOW });
    assert.deepEqual(a.deployments, { total: 7, finished: 6, succeeded: 4, failed: 1, rolledBack: 1, cancelled: 1, interrupted: 0, shipped: 5 });
    assert.deepEqual(a.rates, { success: 4 / 6, failure: 2 / 6, rollback: 1 / 6 });
    // Finished durations sorted: 1, 2, 4, 5, 8, 20 min. Nearest rank: p50 → ⌈3⌉ = 3rd = 4 min; p90 → ⌈5.4⌉ = 6th; p99 → ⌈5.94⌉ = 6th.
    assert.deepEqual(a.durationMs, { n: 6, p50: 4 * MIN, p90: 20 * MIN, p99: 20 * MIN, mean: Math.round((40 * MIN) / 6) });
    assert.deepEqual(
      a.strategyMix.map((s) => [s.strategy, s.deployments, s.successRate]),
      [['balanced', 5, 3 / 4], ['aggressive', 1, 0], ['conservative', 1, 1]],
    );
    assert.equal(a.repairsPerDeployment, 1 / 6);
    assert.equal(a.window.activeDays, 30);
  });

  it('the four DORA keys with their tiers', () => {
    const { dora } = computeAnalytics(t.store, { days: 30, now: NOW });
    // 4 shipped successes in 30 days = 0.133 a day: below once a week (0.143) → medium.
    assert.deepEqual(dora.deploymentFrequency, { tier: 'medium', value: { shipped: 4, days: 30, perDay: 4 / 30, perWeek: (4 / 30) * 7 } });
    // Lead times (request → shipped) of d1, d3, d5, d7: 5, 8, 20, 4 min → median (2nd of 4) 5 min → elite.
    assert.deepEqual(dora.leadTimeForChanges, { tier: 'elite', value: { n: 4, medianMs: 5 * MIN, meanMs: Math.round((37 * MIN) / 4) } });
    // Shipped with an outcome: d1, d3, d4, d5, d7; d4 was rolled back → 1 of 5 = 20% → low.
    assert.deepEqual(dora.changeFailureRate, { tier: 'low', value: { shipped: 5, failed: 1, rate: 0.2 } });
    // Episodes: d2 (restored by d3 after 1 d 6 min) and d4 (rolled back after 30 min) → median (1st of 2) 30 min → elite.
    assert.deepEqual(dora.timeToRestore, { tier: 'elite', value: { episodes: 2, restored: 2, open: 0, medianMs: 30 * MIN } });
  });

  it('filters by environment and by days', () => {
    const staging = computeAnalytics(t.store, { environment: 'staging', days: 30, now: NOW });
    assert.equal(staging.deployments.total, 1);
    assert.equal(staging.durationMs.p50, 4 * MIN);
    assert.equal(staging.dora.timeToRestore.tier, null);
    assert.equal(staging.dora.timeToRestore.note, 'no failure in the window');
    // The last 5 UTC days (today included) start at day −4: only d7.
    assert.equal(computeAnalytics(t.store, { days: 5, now: NOW }).deployments.total, 1);
    // All history: d8 too.
    const all = computeAnalytics(t.store, { now: NOW });
    assert.equal(all.deployments.total, 8);
    assert.equal(all.durationMs.p99, 100 * MIN);
  });

  it('an empty window has no rates and no tiers, and says why', () => {
    const a = computeAnalytics(t.store, { environment: 'nowhere', days: 30, now: NOW });
    assert.equal(a.deployments.total, 0);
    assert.deepEqual(a.rates, { success: null, failure: null, rollback: null });
    assert.equal(a.durationMs.p50, null);
    assert.equal(a.dora.changeFailureRate.tier, null);
    assert.equal(a.dora.leadTimeForChanges.note, 'no shipped deployment succeeded in the window');
    assert.equal(a.trend.direction, 'not enough data');
  });

  it('reading and sorting a window and walking the value index give the same exact percentiles', () => {
    const db = t.store.db;
    let seed = 3;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      const env = i % 3 ? 'production' : 'development';
      recordOutcome(t.store, addDeployment(db, { createdAt: NOW - Math.floor(random() * 60) * DAY, durationMs: Math.round(random() * 100_000), environment: env }), { now: NOW });
    }
    const ps = [1, 10, 50, 90, 99, 100];
    for (const filter of [{ from: 0, to: NOW + DAY }, { from: NOW - 20 * DAY, to: NOW }, { from: NOW - 20 * DAY, to: NOW, environment: 'development' }]) {
      const sorted = exactPercentiles(db, DURATIONS, filter, ps, undefined, Infinity);
      const walked = exactPercentiles(db, DURATIONS, filter, ps, undefined, 0);
      assert.ok(sorted.n > 20, `only ${sorted.n} values`);
      assert.deepEqual(walked, sorted);
      const all = (db.prepare(`SELECT duration_ms FROM learning_deployments WHERE duration_ms IS NOT NULL AND created_at >= ? AND created_at < ? ${filter.environment ? `AND environment = '${filter.environment}'` : ''}`).pluck().all(filter.from, filter.to) as number[]).sort((x, y) => x - y);
      assert.deepEqual(sorted.values, ps.map((p) => all[Math.ceil((p / 100) * all.length) - 1]));
    }
  });
});
