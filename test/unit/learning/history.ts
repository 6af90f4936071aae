import path from 'node:path';
import type Database from 'better-sqlite3';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository, type NewDeployment } from '../../../src/core/store/deployments';
import { tempDir } from '../../support/temp';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MIN = 60_000;
/** A fixed "now" for hand-built histories: 2025-06-30 12:00 UTC. */
export const NOW = Date.UTC(2025, 5, 30, 12);

/** A temp history database, closed and removed by `cleanup`. */
export function tempStore(): { store: HistoryStore; cleanup(): void } {
  const dir = tempDir('deploy-agent-learning-');
  const store = openHistoryStore(path.join(dir.path, 'history.db'));
  return {
    store,
    cleanup: () => {
      store.close();
      dir.cleanup();
    },
  };
}

let counter = 0;

export interface HandDeployment extends Partial<NewDeployment> {
  /** Stack recorded by the context step (primaryLanguage/framework), e.g. ['TypeScript', 'express']. */
  stack?: [string, string?];
  /** Levers recorded by the strategy step. */
  levers?: Record<string, unknown>;
  /** Inputs of the strategy decision. */
  decision?: Record<string, unknown>;
  /** Test runs in order: [passed, failed, output]. */
  testRuns?: [number, number, string?][];
  failedStep?: string;
}

/**
 * Inserts a deployment as the pipeline leaves it: the row, and when given its context step (the
 * profile), strategy step (levers), strategy decision and test runs. Defaults: a full-pr deployment
 * of /repo/a in production with the balanced strategy that succeeded in 10 minutes.
 */
export function addDeployment(db: Database.Database, d: HandDeployment = {}): string {
  const id = d.id ?? `dep${String(++counter).padStart(4, '0')}`;
  const createdAt = d.createdAt ?? NOW - DAY;
  const status = d.status ?? 'succeeded';
  const durationMs = d.durationMs === undefined ? 10 * MIN : d.durationMs;
  const shipped = status === 'succeeded' || status === 'rolled_back';
  const { stack, levers, decision, testRuns, failedStep, ...row } = d;
  new DeploymentsRepository(db).insert({
    repoPath: '/repo/a',
    title: `Deployment ${id}`,
    category: 'feature',
    mode: 'full-pr',
    strategy: 'balanced',
    environment: 'production',
    commitSha: shipped ? 'c0ffee'.padEnd(40, '0') : null,
    startedAt: createdAt,
    finishedAt: durationMs === null ? null : createdAt + durationMs,
    durationMs,
    ...row,
    id,
    createdAt,
    status,
  });
  const step = (name: string, stepStatus: string, artifacts: unknown) =>
    db
      .prepare(`INSERT INTO deployment_steps (deployment_id, name, status, started_at, finished_at, artifacts) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(id, name, stepStatus, createdAt, createdAt + 1000, artifacts === null ? null : JSON.stringify(artifacts));
  if (stack) step('context', 'succeeded', { context: { environment: row.environment ?? 'production', profile: { primaryLanguage: stack[0], frameworks: stack[1] ? [{ name: stack[1], confidence: 0.9 }] : [] } } });
  if (levers) step('strategy', 'succeeded', { levers });
  if (decision) {
    db.prepare(`INSERT INTO decisions (deployment_id, kind, chosen, inputs, reason, created_at) VALUES (?, 'strategy', ?, ?, 'test', ?)`).run(id, row.strategy ?? 'balanced', JSON.stringify(decision), createdAt);
  }
  (testRuns ?? []).forEach(([passed, failed, output], i) => {
    db.prepare(`INSERT INTO test_runs (deployment_id, passed, failed, skipped, output, created_at) VALUES (?, ?, ?, 0, ?, ?)`).run(id, passed, failed, output ?? '', createdAt + (i + 1) * MIN);
  });
  if (failedStep) step(failedStep, 'failed', null);
  return id;
}

/** Records a `deploy-agent rollback` of deployment `id` at `at`, as rollback.ts does. */
export function rollBack(db: Database.Database, id: string, at: number): void {
  db.prepare(`UPDATE deployments SET status = 'rolled_back' WHERE id = ?`).run(id);
  db.prepare(`INSERT INTO decisions (deployment_id, kind, chosen, inputs, reason, created_at) VALUES (?, 'rollback', 'revert', '{}', 'test', ?)`).run(id, at);
}
