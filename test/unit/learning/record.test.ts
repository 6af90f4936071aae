import assert from 'node:assert/strict';
import { catchUpLearning, listPatterns, rebuildLearning, recordOutcome, similarPatterns } from '../../../src/core/learning';
import type { HistoryStore } from '../../../src/core/store/database';
import { addDeployment, DAY, HOUR, MIN, NOW, rollBack, tempStore } from './history';

describe('learning: recordOutcome', () => {
  let t: ReturnType<typeof tempStore>;
  let store: HistoryStore;
  beforeEach(() => {
    t = tempStore();
    store = t.store;
  });
  afterEach(() => t.cleanup());

  const daily = () => store.db.prepare(`SELECT sum(deployments) AS n, sum(CASE WHEN outcome = 1 THEN deployments ELSE 0 END) AS ok FROM learning_daily`).get() as { n: number; ok: number };

  it('keys the pattern by environment, stack (from the context step), strategy and category', () => {
    const id = addDeployment(store.db, { stack: ['TypeScript', 'express'], environment: 'staging', strategy: 'conservative', category: 'bugfix' });
    const result = recordOutcome(store, id, { now: NOW });
    assert.equal(result.recorded, true);
    const [p] = listPatterns(store.db);
    assert.deepEqual({ ...p, id: undefined }, {
      id: undefined,
      environment: 'staging',
      stack: 'typescript/express',
      strategy: 'conservative',
      category: 'bugfix',
      executions: 1,
      successes: 1,
      confidence: p!.confidence,
      medianDurationMs: 10 * MIN,
      lastSeenAt: NOW - DAY,
    });
    assert.ok(Math.abs(p!.confidence - 0.2065) < 1e-3, 'Wilson lower bound of 1 of 1');
  });

  it('is idempotent: recording the same deployment twice counts it once', () => {
    const id = addDeployment(store.db, { stack: ['Python', 'flask'] });
    const first = recordOutcome(store, id, { now: NOW });
    const second = recordOutcome(store, id, { now: NOW });
    assert.equal(first.changed, true);
    assert.equal(second.changed, false);
    assert.equal(second.patternId, first.patternId);
    assert.equal(listPatterns(store.db)[0]!.executions, 1);
    assert.deepEqual(daily(), { n: 1, ok: 1 });
  });

  it('moves a deployment whose outcome changed (rolled back later) instead of counting it again', () => {
    const id = addDeployment(store.db, { stack: ['Go'] });
    recordOutcome(store, id, { now: NOW });
    rollBack(store.db, id, NOW - DAY + HOUR);
    recordOutcome(store, id, { now: NOW });
    const [p] = listPatterns(store.db);
    assert.equal(p!.executions, 1);
    assert.equal(p!.successes, 0);
    assert.equal(p!.confidence, 0);
    assert.deepEqual(daily(), { n: 1, ok: 0 });
    // The rollback restored the service 50 minutes after the deployment finished.
    const episode = store.db.prepare(`SELECT via, restore_ms AS ms FROM learning_restores WHERE failure_id = ?`).get(id);
    assert.deepEqual(episode, { via: 'rollback', ms: 50 * MIN });
  });

  it('leaves out what has not ended, and forgets a deployment that runs again', () => {
    const id = addDeployment(store.db, { status: 'running', durationMs: null });
    assert.deepEqual(recordOutcome(store, id), { deploymentId: id, recorded: false, changed: false, patternId: null, reason: 'it has not finished (status running)' });
    store.db.prepare(`UPDATE deployments SET status = 'interrupted' WHERE id = ?`).run(id);
    assert.equal(recordOutcome(store, id).recorded, true);
    assert.equal(listPatterns(store.db).length, 0, 'no outcome, no pattern');
    store.db.prepare(`UPDATE deployments SET status = 'running' WHERE id = ?`).run(id);
    assert.equal(recordOutcome(store, id).recorded, false);
    assert.equal(store.db.prepare(`SELECT count(*) FROM learning_deployments`).pluck().get(), 0);
    assert.equal(recordOutcome(store, 'nope').reason, 'there is no such deployment');
  });

  it('a deployment that stopped before choosing a strategy is in the analytics but in no pattern', () => {
    const id = addDeployment(store.db, { strategy: 'auto', status: 'failed', failedStep: 'safety' });
    assert.equal(recordOutcome(store, id).patternId, null);
    assert.equal(listPatterns(store.db).length, 0);
    assert.equal(daily().n, 1);
  });

  it('uses the GitHub label once synced: a PR whose CI failed is a failure whatever the local status', () => {
    store.db.exec(`CREATE TABLE IF NOT EXISTS shipping_outcomes (deployment_id TEXT PRIMARY KEY, pr_url TEXT NOT NULL DEFAULT '', repo TEXT NOT NULL DEFAULT '', pr_number INTEGER NOT NULL DEFAULT 1,
      state TEXT NOT NULL DEFAULT 'closed', merged INTEGER NOT NULL DEFAULT 0, merged_at INTEGER, head_sha TEXT, checks TEXT NOT NULL DEFAULT 'failure', reverted INTEGER NOT NULL DEFAULT 0,
      revert_sha TEXT, label TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', synced_at INTEGER NOT NULL)`);
    const id = addDeployment(store.db, { stack: ['Rust'] });
    recordOutcome(store, id, { now: NOW });
    assert.equal(listPatterns(store.db)[0]!.successes, 1);
    store.db
      .prepare(`INSERT INTO shipping_outcomes (deployment_id, pr_url, repo, pr_number, state, merged, checks, reverted, label, reason, synced_at) VALUES (?, '', '', 1, 'closed', 1, 'failure', 0, 'failure', 'CI failed', ?)`)
      .run(id, NOW);
    // `deploy-agent sync` does not call recordOutcome: the catch-up notices the new label.
    assert.equal(catchUpLearning(store, { now: NOW }).recorded, 1);
    assert.equal(listPatterns(store.db)[0]!.successes, 0);
    assert.equal(catchUpLearning(store, { now: NOW }).recorded, 0, 'nothing new the second time');
  });

  it('links similar patterns (three of four key parts shared) both ways, naming the part that differs', () => {
    const a = addDeployment(store.db, { stack: ['TypeScript'], strategy: 'conservative' });
    const b = addDeployment(store.db, { stack: ['TypeScript'], strategy: 'balanced' });
    const c = addDeployment(store.db, { stack: ['TypeScript'], strategy: 'balanced', environment: 'development' });
    const d = addDeployment(store.db, { stack: ['Python'], strategy: 'aggressive', environment: 'development', category: 'bugfix' });
    const [pa, pb, pc, pd] = [a, b, c, d].map((id) => recordOutcome(store, id, { now: NOW }).patternId!) as [number, number, number, number];
    const links = (id: number) => similarPatterns(store.db, id).map((s) => [s.id, s.differsIn]).sort();
    assert.deepEqual(links(pa), [[pb, 'strategy']]);
    assert.deepEqual(links(pb), [[pa, 'strategy'], [pc, 'environment']].sort());
    assert.deepEqual(links(pc), [[pb, 'environment']]);
    assert.deepEqual(links(pd), []);
  });

  it('the median duration is the nearest-rank median of the pattern’s deployments', () => {
    for (const minutes of [3, 9, 4, 20]) recordOutcome(store, addDeployment(store.db, { durationMs: minutes * MIN }), { now: NOW });
    // Sorted 3, 4, 9, 20: rank ⌈0.5·4⌉ = 2 → 4 minutes.
    assert.equal(listPatterns(store.db)[0]!.medianDurationMs, 4 * MIN);
  });

  it('rebuilding from history gives what recording one by one gave; the catch-up learns what nobody recorded', () => {
    const ids = [
      addDeployment(store.db, { createdAt: NOW - 5 * DAY, stack: ['Go'] }),
      addDeployment(store.db, { createdAt: NOW - 4 * DAY, status: 'failed', stack: ['Go'], failedStep: 'review' }),
      addDeployment(store.db, { createdAt: NOW - 3 * DAY, status: 'failed', stack: ['Go'] }),
      addDeployment(store.db, { createdAt: NOW - 2 * DAY, stack: ['Go'], strategy: 'conservative' }),
    ];
    for (const id of ids) recordOutcome(store, id, { now: NOW });
    const snapshot = () => ({
      patterns: listPatterns(store.db).map((p) => ({ ...p, id: 0 })),
      daily: store.db.prepare(`SELECT * FROM learning_daily ORDER BY 1, 2, 3, 4, 5, 6`).all(),
      restores: store.db.prepare(`SELECT * FROM learning_restores ORDER BY failure_id`).all(),
      recoveries: store.db.prepare(`SELECT deployment_id, action, worked, recovered_ms FROM learning_recoveries ORDER BY deployment_id, action`).all(),
    });
    const incremental = snapshot();
    assert.equal(incremental.restores.length, 1, 'two failures in a row are one episode');
    assert.deepEqual(incremental.restores[0], { failure_id: ids[1], repo_path: '/repo/a', environment: 'production', failed_at: NOW - 4 * DAY + 10 * MIN, restored_at: NOW - 2 * DAY + 10 * MIN, restored_by: ids[3], via: 'success', restore_ms: 2 * DAY });
    const rebuilt = rebuildLearning(store, { now: NOW });
    assert.equal(rebuilt.deployments, 4);
    assert.deepEqual(snapshot(), incremental);

    const late = addDeployment(store.db, { createdAt: NOW - DAY, stack: ['Go'] });
    assert.equal(catchUpLearning(store, { now: NOW }).recorded, 1);
    assert.equal(store.db.prepare(`SELECT count(*) FROM learning_deployments WHERE deployment_id = ?`).pluck().get(late), 1);
  });

  it('the catch-up notices a rollback made after the deployment was learnt', () => {
    const id = addDeployment(store.db, { stack: ['Go'] });
    recordOutcome(store, id, { now: NOW });
    catchUpLearning(store, { now: NOW });
    rollBack(store.db, id, NOW - DAY + 2 * HOUR);
    assert.equal(catchUpLearning(store, { now: NOW }).recorded, 1);
    assert.equal(store.db.prepare(`SELECT status FROM learning_deployments WHERE deployment_id = ?`).pluck().get(id), 'rolled_back');
  });
});
