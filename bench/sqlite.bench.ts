// SQLite history store: insert 100,000 deployment rows (DeploymentsRepository.insertMany, one
// transaction, into a fresh file database with WAL as the extension opens it), then the grouped
// success-rate query (successRates()) over them. Medians of several runs.
// Targets (this machine, 2 shared cores): insert 100k < 3 s, success rates < 250 ms.
// Run alone: npx tsx bench/sqlite.bench.ts
import path from 'node:path';
import { openHistoryStore } from '../src/core/store/database';
import { DeploymentsRepository, type DeploymentStatus, type NewDeployment } from '../src/core/store/deployments';
import { tempDir } from '../test/support/temp';
import { median, time } from './support';

const ROWS = 100_000;
const INSERT_RUNS = 5;
const QUERY_RUNS = 15;
const INSERT_TARGET_MS = 3000;
const QUERY_TARGET_MS = 250;

/** Deterministic, realistic-looking history: mostly successes, some failures and rollbacks. */
function* rows(count: number): Generator<NewDeployment> {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const environments = ['local', 'ci', 'staging', 'production'];
  const strategies = ['conservative', 'balanced', 'aggressive'];
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < count; i++) {
    const r = random();
    const status: DeploymentStatus = r < 0.7 ? 'succeeded' : r < 0.9 ? 'failed' : r < 0.95 ? 'rolled_back' : 'cancelled';
    const createdAt = start + i * 60_000;
    const durationMs = Math.round(30_000 + random() * 600_000);
    yield {
      id: `dep-${i.toString(36).padStart(6, '0')}`,
      repoPath: `/repos/service-${i % 25}`,
      title: `Recommendation ${i}`,
      category: i % 3 === 0 ? 'feature' : i % 3 === 1 ? 'refactor' : 'ci',
      status,
      mode: 'local-commit',
      strategy: strategies[Math.floor(random() * strategies.length)]!,
      environment: environments[Math.floor(random() * environments.length)]!,
      branch: `deploy-agent/${i}`,
      createdAt,
      startedAt: createdAt + 1000,
      finishedAt: createdAt + 1000 + durationMs,
      durationMs,
      errorCode: status === 'failed' ? 'TESTS_FAILED' : null,
    };
  }
}

const dir = tempDir('deploy-agent-bench-sqlite-');
try {
  const inserts: number[] = [];
  let lastFile = '';
  for (let run = 0; run < INSERT_RUNS; run++) {
    lastFile = path.join(dir.path, `history-${run}.db`);
    const store = openHistoryStore(lastFile);
    const repo = new DeploymentsRepository(store.db);
    const { ms, value } = time(() => repo.insertMany(rows(ROWS)));
    if (value !== ROWS) throw new Error(`inserted ${value} rows`);
    inserts.push(ms);
    store.close();
  }
  const store = openHistoryStore(lastFile);
  const repo = new DeploymentsRepository(store.db);
  const queries: number[] = [];
  let groups = 0;
  let counted = 0;
  for (let run = 0; run < QUERY_RUNS; run++) {
    const { ms, value } = time(() => repo.successRates());
    queries.push(ms);
    groups = value.length;
    counted = value.reduce((sum, g) => sum + g.total, 0);
  }
  store.close();
  const insertMedian = median(inserts);
  const queryMedian = median(queries);
  console.log(JSON.stringify({ name: 'sqlite.insert100k', timed: 'inserting 100,000 deployments in one transaction (a fresh file each run)', rows: ROWS, medianMs: Math.round(insertMedian), minMs: Math.round(Math.min(...inserts)), maxMs: Math.round(Math.max(...inserts)), rowsPerSecond: Math.round(ROWS / (insertMedian / 1000)), runs: INSERT_RUNS, sqliteVersion: store.sqliteVersion, targetMs: INSERT_TARGET_MS, pass: insertMedian < INSERT_TARGET_MS }));
  console.log(JSON.stringify({ name: 'sqlite.successRates', timed: 'the success-rate query over 100,000 deployments', rows: ROWS, finishedRows: counted, groups, medianMs: Math.round(queryMedian * 10) / 10, minMs: Math.round(Math.min(...queries) * 10) / 10, maxMs: Math.round(Math.max(...queries) * 10) / 10, runs: QUERY_RUNS, targetMs: QUERY_TARGET_MS, pass: queryMedian < QUERY_TARGET_MS }));
} finally {
  dir.cleanup();
}
