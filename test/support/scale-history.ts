// A long deterministic history for the sidebar's scale checks (bench/sidebar.bench.ts and the e2e
// scale scenario): `count` deployments over `repos` repositories and a year before `now`, mostly
// successes, with failures, rollbacks, cancellations and three model calls each, inserted through
// core's repositories and learnt by the learning's own catch-up (as the first learning command
// over an imported history does).
import { AiStore } from '../../src/core/ai/store';
import { catchUpLearning } from '../../src/core/learning';
import type { HistoryStore } from '../../src/core/store/database';
import { DeploymentsRepository, type DeploymentStatus, type NewDeployment } from '../../src/core/store/deployments';

const DAY = 86_400_000;

function* rows(count: number, repos: number, repoPrefix: string, now: number): Generator<NewDeployment> {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const strategies = ['conservative', 'balanced', 'aggressive'];
  const start = now - 365 * DAY;
  for (let i = 0; i < count; i++) {
    const r = random();
    const status: DeploymentStatus = r < 0.74 ? 'succeeded' : r < 0.93 ? 'failed' : r < 0.95 ? 'rolled_back' : r < 0.99 ? 'cancelled' : 'interrupted';
    const createdAt = start + Math.floor((i / count) * 365 * DAY);
    const durationMs = Math.round(30_000 + random() ** 2 * 900_000);
    const shipped = status === 'succeeded' || status === 'rolled_back';
    yield {
      id: `scale-${repoPrefix.length}-${i.toString(36).padStart(5, '0')}`,
      repoPath: repos === 1 ? repoPrefix : `${repoPrefix}-${i % repos}`,
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

/** Inserts and learns the history; the time the first learning took (ms). */
export function seedScaleHistory(store: HistoryStore, options: { count: number; repos: number; repoPrefix: string; now?: number }): { learnMs: number } {
  const now = options.now ?? Date.now();
  new DeploymentsRepository(store.db).insertMany(rows(options.count, options.repos, options.repoPrefix, now));
  const ai = new AiStore(store.db);
  const ids = store.db.prepare(`SELECT id, created_at AS createdAt FROM deployments WHERE id LIKE ?`).all(`scale-${options.repoPrefix.length}-%`) as { id: string; createdAt: number }[];
  store.db.transaction(() => {
    for (const [i, d] of ids.entries()) {
      for (const phase of ['implement', 'tests', 'fix'] as const) {
        ai.recordCall({ deploymentId: d.id, phase, provider: i % 3 ? 'ollama' : 'anthropic', model: 'm', inputTokens: 4000 + (i % 900), outputTokens: 600, costUsd: i % 3 ? 0 : 0.021, durationMs: 1500, cached: false, attempts: 1, status: 'ok' }, d.createdAt);
      }
    }
  })();
  const started = performance.now();
  catchUpLearning(store, { now });
  return { learnMs: performance.now() - started };
}
