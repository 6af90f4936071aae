import assert from 'node:assert/strict';
import path from 'node:path';
import { AiStore } from '../../../src/core/ai/store';
import { catchUpLearning, computeAnalytics } from '../../../src/core/learning';
import { openHistoryStore } from '../../../src/core/store/database';
import { migrations } from '../../../src/core/store/migrations';
import { tempDir } from '../../support/temp';
import { addDeployment, DAY, NOW } from '../learning/history';

describe('migrations 15 and 16: the model input of deployments learnt before them', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('is filled from their successful model calls into what was learnt and its daily figures, which analytics reads', () => {
    const file = path.join(dir.path, 'history.db');
    const old = openHistoryStore(file, { migrations: migrations.slice(0, 14) });
    const ai = new AiStore(old.db);
    const a = addDeployment(old.db, { createdAt: NOW - 2 * DAY, repoPath: '/repo/a' });
    const b = addDeployment(old.db, { createdAt: NOW - 2 * DAY, repoPath: '/repo/b' });
    const call = (id: string, input: number, read: number, written: number, status: 'ok' | 'error' = 'ok') =>
      ai.recordCall({ deploymentId: id, provider: 'anthropic', model: 'claude-sonnet-4-6', inputTokens: input, cacheReadTokens: read, cacheWriteTokens: written, outputTokens: 10, costUsd: 0.01, durationMs: 5, cached: false, attempts: 1, status }, NOW - 2 * DAY);
    call(a, 10_000, 8_000, 1_000);
    call(a, 2_000, 0, 0);
    call(a, 99_000, 99_000, 0, 'error');
    call(b, 50_000, 0, 40_000);
    // Learnt before migrations 15 and 16: today's learner writes their columns, lent for this catch-up and taken back.
    const later = [
      ...['input_tokens', 'cache_read_tokens', 'cache_write_tokens'].map((c) => `learning_deployments ADD COLUMN ${c}`),
      ...['learning_daily', 'learning_daily_repo'].flatMap((t) => ['input_tokens_sum', 'cache_read_sum', 'cache_write_sum'].map((c) => `${t} ADD COLUMN ${c}`)),
    ];
    for (const column of later) old.db.exec(`ALTER TABLE ${column} INTEGER NOT NULL DEFAULT 0`);
    catchUpLearning(old, { now: NOW });
    for (const column of later) old.db.exec(`ALTER TABLE ${column.replace(' ADD COLUMN ', ' DROP COLUMN ')}`);
    assert.equal((old.db.prepare('SELECT count(*) AS n FROM learning_deployments').get() as { n: number }).n, 2);
    old.close();

    const store = openHistoryStore(file);
    try {
      const learnt = store.db.prepare('SELECT deployment_id AS id, input_tokens AS input, cache_read_tokens AS cacheRead, cache_write_tokens AS cacheWrite FROM learning_deployments ORDER BY repo_path').all();
      assert.deepEqual(learnt, [
        { id: a, input: 12_000, cacheRead: 8_000, cacheWrite: 1_000 },
        { id: b, input: 50_000, cacheRead: 0, cacheWrite: 40_000 },
      ]);
      const daily = (table: string) => store.db.prepare(`SELECT sum(input_tokens_sum) AS input, sum(cache_read_sum) AS cacheRead, sum(cache_write_sum) AS cacheWrite FROM ${table}`).get();
      assert.deepEqual(daily('learning_daily'), { input: 62_000, cacheRead: 8_000, cacheWrite: 41_000 });
      assert.deepEqual(daily('learning_daily_repo'), { input: 62_000, cacheRead: 8_000, cacheWrite: 41_000 });
      assert.deepEqual(computeAnalytics(store, { now: NOW, repoPath: '/repo/a' }).modelInput, { inputTokens: 12_000, cacheReadTokens: 8_000, cacheWriteTokens: 1_000, uncachedTokens: 3_000 });
      assert.deepEqual(computeAnalytics(store, { now: NOW }).modelInput, { inputTokens: 62_000, cacheReadTokens: 8_000, cacheWriteTokens: 41_000, uncachedTokens: 13_000 });
    } finally {
      store.close();
    }
  });
});
