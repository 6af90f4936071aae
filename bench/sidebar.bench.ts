// The sidebar's Analytics view over 100,000 deployments: the data query behind one view message
// (computeAnalytics with its chart series, catch-up included, as the view's host side calls it),
// for every repository and for the open one, all history and the last 30 days. Two real SQLite
// files (WAL): 100,000 deployments over 25 repositories and a year, three model calls each; and
// the worst case for "this repository", 100,000 deployments in one. Medians of several runs on
// a fresh connection after the first learning. Target: each under 100 ms.
// Run alone: npx tsx bench/sidebar.bench.ts
import path from 'node:path';
import { AiStore } from '../src/core/ai/store';
import { catchUpLearning, computeAnalytics, type AnalyticsWithSeries } from '../src/core/learning';
import { openHistoryStore } from '../src/core/store/database';
import { DeploymentsRepository, type DeploymentStatus, type NewDeployment } from '../src/core/store/deployments';
import { tempDir } from '../test/support/temp';
import { median, time } from './support';

const ROWS = 100_000;
const RUNS = 11;
const TARGET_MS = 100;
const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);
const NOW = START + 365 * DAY;

/** Deterministic history over `repos` repositories: mostly successes, a few failures, rollbacks and cancellations. */
function* rows(count: number, repos: number): Generator<NewDeployment> {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const strategies = ['conservative', 'balanced', 'aggressive'];
  for (let i = 0; i < count; i++) {
    const r = random();
    const status: DeploymentStatus = r < 0.74 ? 'succeeded' : r < 0.93 ? 'failed' : r < 0.95 ? 'rolled_back' : r < 0.99 ? 'cancelled' : 'interrupted';
    const createdAt = START + Math.floor((i / count) * 365 * DAY);
    const durationMs = Math.round(30_000 + random() ** 2 * 900_000);
    const shipped = status === 'succeeded' || status === 'rolled_back';
    yield {
      id: `d${i.toString(36).padStart(5, '0')}`,
      repoPath: `/home/dev/src/service-${i % repos}`,
      title: `Recommendation ${i}`,
      category: 'feature',
      status,
      mode: 'full-pr',
      strategy: strategies[Math.floor(random() * strategies.length)]!,
      environment: random() < 0.5 ? 'development' : 'production',
      commitSha: shipped ? (i * 2654435761).toString(16).padStart(40, '0').slice(0, 40) : null,
      createdAt,
      startedAt: createdAt,
      finishedAt: createdAt + durationMs,
      durationMs,
    };
  }
}

function seed(file: string, repos: number): number {
  const store = openHistoryStore(file);
  new DeploymentsRepository(store.db).insertMany(rows(ROWS, repos));
  const ai = new AiStore(store.db);
  const ids = store.db.prepare(`SELECT id, created_at AS createdAt FROM deployments`).all() as { id: string; createdAt: number }[];
  store.db.transaction(() => {
    for (const [i, d] of ids.entries()) {
      for (const phase of ['implement', 'tests', 'fix'] as const) {
        ai.recordCall({ deploymentId: d.id, phase, provider: i % 3 ? 'ollama' : 'anthropic', model: 'm', inputTokens: 4000 + (i % 900), outputTokens: 600, costUsd: i % 3 ? 0 : 0.021, durationMs: 1500, cached: false, attempts: 1, status: 'ok' }, d.createdAt);
      }
    }
  })();
  // The first learning, as the first learning command (or the pipeline, one by one) did.
  const learnt = time(() => catchUpLearning(store, { now: NOW }));
  store.close();
  return learnt.ms;
}

const dir = tempDir('deploy-agent-bench-sidebar-');
try {
  const datasets = [
    { name: '25repos', repos: 25, cases: [{ name: 'all', repoPath: undefined }, { name: 'repo', repoPath: '/home/dev/src/service-7' }] },
    { name: '1repo', repos: 1, cases: [{ name: 'repo', repoPath: '/home/dev/src/service-0' }] },
  ];
  for (const dataset of datasets) {
    const file = path.join(dir.path, `${dataset.name}.db`);
    const learnMs = seed(file, dataset.repos);
    // A fresh connection, as a new window's extension host has.
    const store = openHistoryStore(file);
    for (const c of dataset.cases) {
      for (const days of [undefined, 30]) {
        const runs: number[] = [];
        let last: AnalyticsWithSeries | undefined;
        for (let run = 0; run < RUNS; run++) {
          const { ms, value } = time(() => computeAnalytics(store, { series: true, now: NOW, ...(c.repoPath ? { repoPath: c.repoPath } : {}), ...(days ? { days } : {}) }));
          runs.push(ms);
          last = value;
        }
        const m = median(runs);
        console.log(
          JSON.stringify({
            name: `sidebar.analyticsQuery.${dataset.name}.${c.name}.${days ? `days${days}` : 'all'}`,
            timed: `the sidebar's analytics query with chart series (${c.repoPath ? 'one repository' : 'all repositories'}, ${days ? `last ${days} days` : 'all history'})`,
            minMs: Math.round(Math.min(...runs) * 10) / 10,
            rows: ROWS,
            repositories: dataset.repos,
            inWindow: last!.deployments.total,
            chartDays: last!.series.days.length,
            medianMs: Math.round(m * 10) / 10,
            maxMs: Math.round(Math.max(...runs) * 10) / 10,
            runs: RUNS,
            firstLearningMs: Math.round(learnMs),
            targetMs: TARGET_MS,
            pass: m < TARGET_MS,
          }),
        );
      }
    }
    store.close();
  }
} finally {
  dir.cleanup();
}
