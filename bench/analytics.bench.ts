// Deployment analytics over 100,000 deployments: a real SQLite file (WAL, as the CLI opens it)
// seeded with 100,000 deployments over 25 repositories, four environments and a year, each
// carrying a ~1.5 KB recommendation as real ones do, about 1% rolled back by `deploy-agent
// rollback`. The first learning command over that never-learnt history (its catch-up, the
// backfill `deploy-agent analytics` and the others run first) is timed on fresh copies of the
// seeded file (FIRST_RUNS of them), the learning is rebuilt from the same history once, then
// computeAnalytics() — the call behind `deploy-agent analytics`, catch-up included — is timed:
// all history, one environment, and the last 30 days. Medians of several runs.
// Targets: the first learning pass over 100,000 deployments under 10 s (a one-time wait, shown
// with progress, the first time a learning command meets a history that old); each analytics
// call under 50 ms. Run alone: npx tsx bench/analytics.bench.ts
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { catchUpLearning, computeAnalytics, rebuildLearning } from '../src/core/learning';
import { openHistoryStore } from '../src/core/store/database';
import { DeploymentsRepository, type DeploymentStatus, type NewDeployment } from '../src/core/store/deployments';
import { tempDir } from '../test/support/temp';
import { target, time, timing, verdict } from './support';

const ROWS = 100_000;
const RUNS = 15;
const FIRST_RUNS = Number(process.env.BENCH_FIRST_LEARN_RUNS ?? 3);
const TARGET_MS = 50;
const FIRST_LEARN_TARGET_MS = 10_000;
const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);
const NOW = START + 365 * DAY;

const RECOMMENDATION = JSON.stringify({
  title: 'Add a CSV export of the orders table',
  category: 'feature',
  description: 'Users need to download their orders. '.repeat(30),
  acceptance: ['the export contains every order of the user', 'amounts are in the account currency', 'dates are ISO 8601'],
  data: { tables: ['orders', 'customers'], fields: ['orders.id', 'orders.total', 'orders.created_at'] },
  notes: 'Keep memory flat for large accounts: stream the rows. '.repeat(10),
});

/** Deterministic history: mostly successes; failures cluster a little per repository, as they do. */
function* rows(count: number): Generator<NewDeployment> {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const environments = ['development', 'ci', 'staging', 'production'];
  const strategies = ['conservative', 'balanced', 'aggressive'];
  const categories = ['feature', 'bugfix', 'refactor', 'performance', 'security'];
  for (let i = 0; i < count; i++) {
    const r = random();
    const status: DeploymentStatus = r < 0.74 ? 'succeeded' : r < 0.93 ? 'failed' : r < 0.95 ? 'rolled_back' : r < 0.99 ? 'cancelled' : 'interrupted';
    const createdAt = START + Math.floor((i / count) * 365 * DAY);
    const durationMs = Math.round(30_000 + random() ** 2 * 900_000);
    const shipped = status === 'succeeded' || status === 'rolled_back';
    yield {
      id: `d${i.toString(36).padStart(5, '0')}`,
      repoPath: `/home/dev/src/service-${i % 25}`,
      title: `Recommendation ${i}`,
      category: categories[i % categories.length]!,
      recommendation: RECOMMENDATION,
      status,
      mode: random() < 0.8 ? 'full-pr' : 'local-commit',
      strategy: strategies[Math.floor(random() * strategies.length)]!,
      environment: environments[Math.floor(random() * environments.length)]!,
      branch: `deploy-agent/recommendation-${i}`,
      commitSha: shipped ? (i * 2654435761).toString(16).padStart(40, '0').slice(0, 40) : null,
      prUrl: shipped ? `https://github.com/acme/service-${i % 25}/pull/${i}` : null,
      createdAt,
      startedAt: createdAt,
      finishedAt: createdAt + durationMs,
      durationMs,
      errorCode: status === 'failed' ? 'TESTS_FAILED' : null,
      errorMessage: status === 'failed' ? '2 tests still fail after 2 repair rounds: orders export › streams rows' : null,
    };
  }
}

const dir = tempDir('deploy-agent-bench-analytics-');
try {
  const file = path.join(dir.path, 'history.db');
  let store = openHistoryStore(file);
  new DeploymentsRepository(store.db).insertMany(rows(ROWS));
  // A person rolled these back with `deploy-agent rollback` (recorded as a decision, as rollback.ts does).
  const rolledBack = store.db.prepare(`SELECT id, finished_at AS finishedAt FROM deployments WHERE status = 'rolled_back'`).all() as { id: string; finishedAt: number }[];
  const decide = store.db.prepare(`INSERT INTO decisions (deployment_id, kind, chosen, inputs, reason, created_at) VALUES (?, 'rollback', 'revert', '{}', 'bench', ?)`);
  store.db.transaction(() => rolledBack.forEach((r, i) => decide.run(r.id, r.finishedAt + (i % 48) * 3_600_000)))();
  store.close();

  // The first learning command: a fresh connection, as a CLI call has, over a history nothing
  // learnt yet — each run on its own copy of the seeded file, so each is a first time.
  const firstRuns: number[] = [];
  let firstCatchUp!: ReturnType<typeof catchUpLearning>;
  for (let run = 0; run < FIRST_RUNS; run++) {
    const copy = path.join(dir.path, `first-${run}.db`);
    copyFileSync(file, copy);
    const fresh = openHistoryStore(copy);
    const timed = time(() => catchUpLearning(fresh, { now: NOW }));
    fresh.close();
    firstRuns.push(timed.ms);
    firstCatchUp = timed.value;
  }
  store = openHistoryStore(file);
  const rebuild = time(() => rebuildLearning(store, { now: NOW }));
  store.close();

  // A fresh connection, as a CLI call has.
  store = openHistoryStore(file);
  const cases: { name: string; options: { environment?: string; days?: number } }[] = [
    { name: 'analytics.all100k', options: {} },
    { name: 'analytics.env', options: { environment: 'production' } },
    { name: 'analytics.days30', options: { days: 30 } },
  ];
  const results = cases.map((c) => {
    const runs: number[] = [];
    let last: ReturnType<typeof computeAnalytics> | undefined;
    for (let run = 0; run < RUNS; run++) {
      const { ms, value } = time(() => computeAnalytics(store, { ...c.options, now: NOW }));
      runs.push(ms);
      last = value;
    }
    return { ...c, runs, analytics: last! };
  });
  store.close();

  const first = timing(firstRuns, 0);
  console.log(JSON.stringify({ name: 'learning.firstCatchUp100k', timed: 'the first learning catch-up over 100,000 never-learnt deployments (a fresh copy of the file each run)', ...first, rows: ROWS, learnt: firstCatchUp.recorded, ...verdict(target('median', first.medianMs, '<', FIRST_LEARN_TARGET_MS, 'ms')) }));
  console.log(JSON.stringify({ name: 'learning.rebuild100k', timed: 'rebuilding the learning from the same 100,000 deployments', runs: 1, rows: ROWS, learnt: rebuild.value.deployments, patterns: rebuild.value.patterns, ms: Math.round(rebuild.ms) }));
  for (const r of results) {
    const a = r.analytics;
    console.log(
      JSON.stringify({
        name: r.name,
        timed: `computeAnalytics() over 100,000 learnt deployments (${r.options.environment ? `environment ${r.options.environment}` : r.options.days ? `last ${r.options.days} days` : 'all history'})`,
        ...timing(r.runs, 1),
        rows: ROWS,
        inWindow: a.deployments.total,
        p50DurationMs: a.durationMs.p50,
        changeFailureRate: a.dora.changeFailureRate.value.rate === null ? null : Math.round(a.dora.changeFailureRate.value.rate * 1000) / 1000,
        ...verdict(target('median', Number(timing(r.runs, 1).medianMs), '<', TARGET_MS, 'ms')),
      }),
    );
  }
} finally {
  dir.cleanup();
}
