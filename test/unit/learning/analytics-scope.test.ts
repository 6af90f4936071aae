import assert from 'node:assert/strict';
import path from 'node:path';
import { AiStore } from '../../../src/core/ai/store';
import { computeAnalytics, rebuildLearning, recordOutcome } from '../../../src/core/learning';
import { DURATIONS, exactPercentiles } from '../../../src/core/learning/percentiles';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { migrations } from '../../../src/core/store/migrations';
import { tempDir } from '../../support/temp';
import { addDeployment, DAY, MIN, NOW, rollBack, tempStore } from './history';

/** Two model calls for deployment `id`: `tokens` in all and `costUsd`, recorded as the router does. */
function modelCalls(store: HistoryStore, id: string, tokens: number, costUsd: number, at: number): void {
  const ai = new AiStore(store.db);
  ai.recordCall({ deploymentId: id, phase: 'implement', provider: 'anthropic', model: 'claude-sonnet-4-6', inputTokens: tokens - 100, outputTokens: 50, costUsd: costUsd / 2, durationMs: 900, cached: false, attempts: 1, status: 'ok' }, at);
  ai.recordCall({ deploymentId: id, phase: 'tests', provider: 'ollama', model: 'qwen2.5-coder:7b', inputTokens: 40, outputTokens: 10, costUsd: costUsd / 2, durationMs: 400, cached: false, attempts: 1, status: 'ok' }, at);
}

/** The same two calls as `modelCalls`, written with the columns of schema 3 (what the router of that time recorded). */
function modelCallsOfSchema3(store: HistoryStore, id: string, tokens: number, costUsd: number, at: number): void {
  const insert = store.db.prepare(
    `INSERT INTO ai_model_calls (deployment_id, phase, provider, model, input_tokens, output_tokens, cost_usd, duration_ms, cached, attempts, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 1, 'ok', ?)`,
  );
  insert.run(id, 'implement', 'anthropic', 'claude-sonnet-4-6', tokens - 100, 50, costUsd / 2, 900, at);
  insert.run(id, 'tests', 'ollama', 'qwen2.5-coder:7b', 40, 10, costUsd / 2, 400, at);
}

/**
 * Two repositories over three weeks. /repo/a: six deployments (one rolled back, one failed, one
 * cancelled, one with two repair rounds); /repo/b: three. Every deployment made model calls.
 */
function seed(store: HistoryStore, only?: string): void {
  const rows: { repo: string; days: number; status?: 'failed' | 'cancelled' | 'rolled_back'; minutes: number; runs?: number; tokens: number; cost: number; env?: string }[] = [
    { repo: '/repo/a', days: 20, minutes: 5, tokens: 1000, cost: 0.01 },
    { repo: '/repo/a', days: 12, minutes: 8, status: 'failed', tokens: 2000, cost: 0.02 },
    { repo: '/repo/a', days: 12, minutes: 12, runs: 3, tokens: 3000, cost: 0.5 },
    { repo: '/repo/a', days: 6, minutes: 2, status: 'rolled_back', tokens: 400, cost: 0 },
    { repo: '/repo/a', days: 3, minutes: 30, status: 'cancelled', tokens: 700, cost: 0.07 },
    { repo: '/repo/a', days: 1, minutes: 9, env: 'staging', tokens: 900, cost: 0.09 },
    { repo: '/repo/b', days: 12, minutes: 50, tokens: 5000, cost: 1.25 },
    { repo: '/repo/b', days: 5, minutes: 1, status: 'failed', tokens: 300, cost: 0.03 },
    { repo: '/repo/b', days: 2, minutes: 7, tokens: 600, cost: 0.06 },
  ];
  for (const [i, r] of rows.entries()) {
    if (only && r.repo !== only) continue;
    const status = r.status === 'rolled_back' ? 'succeeded' : r.status;
    const createdAt = NOW - r.days * DAY + i * MIN;
    const runs: [number, number][] = Array.from({ length: r.runs ?? 1 }, (_, k) => [3, k === (r.runs ?? 1) - 1 ? 0 : 1]);
    const id = addDeployment(store.db, { id: `s${i}`, repoPath: r.repo, createdAt, durationMs: r.minutes * MIN, ...(status ? { status } : {}), environment: r.env ?? 'production', testRuns: runs });
    modelCalls(store, id, r.tokens, r.cost, createdAt + MIN);
    if (r.status === 'rolled_back') rollBack(store.db, id, createdAt + r.minutes * MIN + 10 * MIN);
    recordOutcome(store, id, { now: NOW });
  }
}

describe('learning: analytics of one repository, and the chart series', () => {
  let t: ReturnType<typeof tempStore>;
  beforeEach(() => {
    t = tempStore();
    seed(t.store);
  });
  afterEach(() => t.cleanup());

  it("a repository's analytics equal the analytics of a history holding only that repository", () => {
    const alone = tempStore();
    try {
      seed(alone.store, '/repo/a');
      for (const days of [7, 30, undefined]) {
        const scoped = computeAnalytics(t.store, { series: true, repoPath: '/repo/a', now: NOW, ...(days ? { days } : {}) });
        const whole = computeAnalytics(alone.store, { series: true, now: NOW, ...(days ? { days } : {}) });
        assert.equal(scoped.window.repoPath, '/repo/a');
        assert.deepEqual({ ...scoped, window: { ...scoped.window, repoPath: null }, learning: null }, { ...whole, learning: null }, `window ${days ?? 'all'}`);
      }
      // The other repository's deployments are not in it, and everyone's are the sum.
      const b = computeAnalytics(t.store, { series: true, repoPath: '/repo/b', days: 30, now: NOW });
      const all = computeAnalytics(t.store, { series: true, days: 30, now: NOW });
      const a = computeAnalytics(t.store, { series: true, repoPath: '/repo/a', days: 30, now: NOW });
      assert.deepEqual([a.deployments.total, b.deployments.total, all.deployments.total], [6, 3, 9]);
      assert.equal(computeAnalytics(t.store, { series: true, repoPath: '/repo/none', days: 30, now: NOW }).deployments.total, 0);
    } finally {
      alone.cleanup();
    }
  });

  it('per-day outcomes add up to the counts, on the calendar days they started', () => {
    const a = computeAnalytics(t.store, { series: true, days: 30, now: NOW });
    const s = a.series;
    assert.equal(s.days.length, 30);
    assert.equal(s.days.at(-1), new Date(NOW).toISOString().slice(0, 10));
    assert.equal(s.days[0], new Date(NOW - 29 * DAY).toISOString().slice(0, 10));
    const total = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    assert.deepEqual(
      [total(s.outcomes.succeeded), total(s.outcomes.failed), total(s.outcomes.rolledBack), total(s.outcomes.cancelled), total(s.outcomes.interrupted)],
      [a.deployments.succeeded, a.deployments.failed, a.deployments.rolledBack, a.deployments.cancelled, a.deployments.interrupted],
    );
    // Day −12: /repo/a's failure and success, /repo/b's success.
    const day12 = s.days.indexOf(new Date(NOW - 12 * DAY).toISOString().slice(0, 10));
    assert.deepEqual([s.outcomes.succeeded[day12], s.outcomes.failed[day12]], [2, 1]);
    const day6 = s.days.indexOf(new Date(NOW - 6 * DAY).toISOString().slice(0, 10));
    assert.equal(s.outcomes.rolledBack[day6], 1);
  });

  it('tokens and cost per day are the model calls of the deployments started that day', () => {
    const s = computeAnalytics(t.store, { series: true, days: 30, now: NOW }).series;
    const day12 = s.days.indexOf(new Date(NOW - 12 * DAY).toISOString().slice(0, 10));
    assert.equal(s.tokens[day12], 2000 + 3000 + 5000);
    assert.ok(Math.abs(s.costUsd[day12]! - (0.02 + 0.5 + 1.25)) < 1e-9, String(s.costUsd[day12]));
    assert.equal(s.tokens.reduce((x, y) => x + y, 0), 1000 + 2000 + 3000 + 400 + 700 + 900 + 5000 + 300 + 600);
    const b = computeAnalytics(t.store, { series: true, repoPath: '/repo/b', days: 30, now: NOW }).series;
    assert.equal(b.tokens.reduce((x, y) => x + y, 0), 5000 + 300 + 600);
  });

  it('duration p50 / p90 per trend bucket equal the exact percentiles of that bucket', () => {
    const a = computeAnalytics(t.store, { series: true, days: 30, now: NOW });
    assert.equal(a.series.durations.bucket, 'week');
    assert.equal(a.series.durations.points.length, 5);
    for (const p of a.series.durations.points) {
      const from = Date.parse(p.start);
      const exact = exactPercentiles(t.store.db, DURATIONS, { from: Math.max(from, Date.parse(a.window.from!)), to: from + 7 * DAY }, [50, 90]);
      assert.deepEqual([p.n, p.p50Ms, p.p90Ms], [exact.n, exact.values[0], exact.values[1]], p.start);
    }
    // Their starts are the trend's.
    const trendStarts = a.trend.points.map((p) => p.start);
    assert.ok(trendStarts.every((start) => a.series.durations.points.some((p) => p.start === start)), JSON.stringify(trendStarts));
    // Everything: the week with /repo/b's 50-minute deployment has p90 = 50 min.
    assert.ok(a.series.durations.points.some((p) => p.p90Ms === 50 * MIN));
  });

  it('repair rounds per finished deployment: a histogram that counts every finished deployment once', () => {
    const a = computeAnalytics(t.store, { series: true, days: 30, now: NOW });
    assert.deepEqual(a.series.repairRounds, [
      { rounds: '0', deployments: 7 },
      { rounds: '1', deployments: 0 },
      { rounds: '2', deployments: 1 },
      { rounds: '3', deployments: 0 },
      { rounds: '4+', deployments: 0 },
    ]);
    assert.equal(a.series.repairRounds.reduce((n, r) => n + r.deployments, 0), a.deployments.finished);
  });

  it('the per-repository daily rows add up to the daily rows, row for row, after rollbacks and re-learning', () => {
    const sums = `sum(deployments), sum(duration_sum), sum(duration_count), sum(lead_sum), sum(lead_count), sum(repairs_sum), sum(tokens_sum), sum(cost_micros_sum), sum(input_tokens_sum), sum(cache_read_sum), sum(cache_write_sum)`;
    const key = 'day, environment, strategy, status, outcome, shipped';
    const everyone = t.store.db.prepare(`SELECT ${key}, ${sums} FROM learning_daily GROUP BY ${key} ORDER BY ${key}`).raw().all();
    const perRepo = t.store.db.prepare(`SELECT ${key}, ${sums} FROM learning_daily_repo GROUP BY ${key} ORDER BY ${key}`).raw().all();
    assert.ok(everyone.length > 5);
    assert.deepEqual(perRepo, everyone);
    assert.deepEqual(t.store.db.prepare(`SELECT DISTINCT repo_path FROM learning_daily_repo ORDER BY 1`).pluck().all(), ['/repo/a', '/repo/b']);
  });

  it('a rebuild learns the same tokens and cost as recording one by one', () => {
    const before = computeAnalytics(t.store, { series: true, now: NOW });
    rebuildLearning(t.store, { now: NOW });
    const after = computeAnalytics(t.store, { series: true, now: NOW });
    assert.deepEqual({ ...after, learning: null }, { ...before, learning: null });
  });
});

describe('migration 008: model usage of what was learnt before', () => {
  it('fills in the tokens and cost of deployments learnt under schema 7, equal to learning them now', () => {
    const dir = tempDir('deploy-agent-migration-008-');
    try {
      const file = path.join(dir.path, 'history.db');
      const old = openHistoryStore(file, { migrations: migrations.filter((m) => m.version <= 7) });
      // Learnt under schema 7 (no usage columns): the rows are inserted as that version's learner did.
      const ids = ['a', 'b', 'c'].map((x, i) => addDeployment(old.db, { id: `m${x}`, createdAt: NOW - (i + 1) * DAY }));
      ids.forEach((id, i) => modelCallsOfSchema3(old, id, 1000 * (i + 1), 0.25 * (i + 1), NOW - (i + 1) * DAY));
      old.db.exec(`INSERT INTO learning_deployments (deployment_id, repo_path, environment, strategy, category, stack, status, success, shipped, created_at, duration_ms, recorded_at)
                   SELECT id, repo_path, environment, strategy, category, 'unknown', status, 1, 1, created_at, duration_ms, 0 FROM deployments`);
      old.db.exec(`INSERT INTO learning_daily (day, environment, strategy, status, outcome, shipped, deployments, duration_sum, duration_count, lead_sum, lead_count, repairs_sum)
                   SELECT created_at / 86400000, environment, strategy, status, 1, 1, count(*), 0, 0, 0, 0, 0 FROM deployments GROUP BY 1, 2, 3, 4`);
      old.close();

      const upgraded = openHistoryStore(file);
      try {
        const learnt = upgraded.db.prepare(`SELECT deployment_id AS id, tokens, cost_micros AS cost FROM learning_deployments ORDER BY id`).all();
        assert.deepEqual(learnt, [
          { id: 'ma', tokens: 1000, cost: 250_000 },
          { id: 'mb', tokens: 2000, cost: 500_000 },
          { id: 'mc', tokens: 3000, cost: 750_000 },
        ]);
        const daily = upgraded.db.prepare(`SELECT sum(tokens_sum) AS tokens, sum(cost_micros_sum) AS cost FROM learning_daily`).get();
        assert.deepEqual(daily, { tokens: 6000, cost: 1_500_000 });
        const perRepo = upgraded.db.prepare(`SELECT repo_path AS repo, sum(deployments) AS n, sum(tokens_sum) AS tokens, sum(cost_micros_sum) AS cost FROM learning_daily_repo GROUP BY 1`).all();
        assert.deepEqual(perRepo, [{ repo: '/repo/a', n: 3, tokens: 6000, cost: 1_500_000 }]);
      } finally {
        upgraded.close();
      }
    } finally {
      dir.cleanup();
    }
  });
});
