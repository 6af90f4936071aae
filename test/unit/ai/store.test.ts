import assert from 'node:assert/strict';
import path from 'node:path';
import { AiStore } from '../../../src/core/ai';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { tempDir } from '../../support/temp';

describe('agent tables (migration 003)', () => {
  let dir: { path: string; cleanup(): void };
  let history: HistoryStore;
  let store: AiStore;
  beforeEach(() => {
    dir = tempDir('deploy-agent-aistore-');
    history = openHistoryStore(path.join(dir.path, 'h.db'));
    store = new AiStore(history.db);
  });
  afterEach(() => {
    history.close();
    dir.cleanup();
  });

  it('the success window counts only the most recent runs of a phase on a repository', () => {
    let now = 1;
    for (let i = 0; i < 25; i++) store.recordOutcome({ repoKey: '/r', phase: 'fix', provider: 'ollama', model: 'm', success: false }, now++);
    for (let i = 0; i < 15; i++) store.recordOutcome({ repoKey: '/r', phase: 'fix', provider: 'ollama', model: 'm', success: true }, now++);
    store.recordOutcome({ repoKey: '/other', phase: 'fix', provider: 'ollama', model: 'm', success: false }, now);
    assert.deepEqual(store.outcomeWindow('/r', 'fix', 20), [{ provider: 'ollama', model: 'm', runs: 20, successes: 15 }]);
    assert.deepEqual(store.outcomeWindow('/r', 'tests', 20), []);
  });

  it('cache entries expire with their time-to-live and are purged', () => {
    const response = { text: 'hi', toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 }, stopReason: 'stop' };
    store.cachePut('k', 'ollama', 'm', response, 1000, 500);
    assert.deepEqual(store.cacheGet('k', 1400), response);
    assert.equal(store.cacheGet('k', 1500), undefined);
    assert.equal(store.purgeExpired(1500), 1);
  });

  it('decisions attach to a recorded deployment, and are kept without one', () => {
    new DeploymentsRepository(history.db).insert({ id: 'd1', repoPath: '/r', title: 't', createdAt: 1 });
    store.recordDecision({ deploymentId: 'd1', kind: 'escalation', chosen: 'anthropic:x', reason: 'r' }, 2);
    store.recordDecision({ deploymentId: 'unknown', kind: 'provider', chosen: 'anthropic:x', reason: 'r' }, 3);
    assert.deepEqual(history.db.prepare('SELECT deployment_id AS dep, kind FROM decisions ORDER BY id').all(), [
      { dep: 'd1', kind: 'escalation' },
      { dep: null, kind: 'provider' },
    ]);
  });

  it('usage per deployment sums the successful calls', () => {
    store.recordCall({ deploymentId: 'd', provider: 'anthropic', model: 'x', inputTokens: 100, outputTokens: 10, cacheReadTokens: 60, cacheWriteTokens: 30, costUsd: 0.5, durationMs: 5, cached: false, attempts: 1, status: 'ok' }, 1);
    store.recordCall({ deploymentId: 'd', provider: 'anthropic', model: 'x', inputTokens: 0, outputTokens: 0, costUsd: 0, durationMs: 5, cached: false, attempts: 3, status: 'error', errorCode: 'MODEL_SERVER' }, 2);
    assert.deepEqual(store.deploymentUsage('d'), { inputTokens: 100, outputTokens: 10, cacheReadTokens: 60, cacheWriteTokens: 30, costUsd: 0.5, calls: 1 });
  });
});
