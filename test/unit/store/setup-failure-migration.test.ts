import assert from 'node:assert/strict';
import path from 'node:path';
import { catchUpLearning, computeAnalytics } from '../../../src/core/learning';
import { circuitState, DEFAULT_CIRCUIT_BREAKER } from '../../../src/core/pipeline/circuit-breaker';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { migrations } from '../../../src/core/store/migrations';
import { StepsRepository } from '../../../src/core/store/steps';
import { tempDir } from '../../support/temp';

describe('migration 11: setup failures recorded before it are taken out of what was learnt', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('classifies failed deployments without a work step as setup-failed / refused, keeps real failures, and the learning forgets them', () => {
    const file = path.join(dir.path, 'history.db');
    const now = Date.now();
    const old = openHistoryStore(file, { migrations: migrations.slice(0, 10) });
    const deployments = new DeploymentsRepository(old.db);
    const steps = new StepsRepository<string>(old.db);
    const add = (id: string, status: 'failed' | 'succeeded', errorCode: string | null, stepNames: string[], minutesAgo: number) => {
      const at = now - minutesAgo * 60_000;
      deployments.insert({ id, repoPath: '/repo', title: id, status, strategy: 'balanced', environment: 'development', errorCode, createdAt: at, startedAt: at, finishedAt: at + 1000, durationMs: 1000 });
      stepNames.forEach((name, i) => steps.finish(steps.start(id, name, at), { status: i === stepNames.length - 1 && status === 'failed' ? 'failed' : 'succeeded', at: at + 10 }));
    };
    add('invalid1', 'failed', 'RECOMMENDATION_INVALID', ['validate'], 50);
    add('noollama', 'failed', 'NO_MODEL_AVAILABLE', ['validate', 'safety'], 40);
    add('busy0001', 'failed', 'REPOSITORY_BUSY', ['validate', 'safety'], 30);
    add('realfail', 'failed', 'TESTS_FAILED', ['validate', 'safety', 'context', 'strategy', 'sandbox', 'implement', 'write-tests', 'run-tests', 'repair', 'review'], 20);
    add('imported', 'failed', null, [], 15); // no step records (imported or synthetic history): left as it is
    add('success1', 'succeeded', null, ['validate', 'safety', 'context', 'strategy', 'sandbox', 'implement', 'write-tests', 'run-tests', 'repair', 'review'], 10);
    // Today's learner also reads and writes columns added after version 10 (the prompt-cache tokens,
    // migrations 13, 15 and 16): lent for this catch-up and taken back, so the file is a version-10 history again.
    const later = [
      'ai_model_calls ADD COLUMN cache_read_tokens',
      'ai_model_calls ADD COLUMN cache_write_tokens',
      ...['input_tokens', 'cache_read_tokens', 'cache_write_tokens'].map((c) => `learning_deployments ADD COLUMN ${c}`),
      ...['learning_daily', 'learning_daily_repo'].flatMap((t) => ['input_tokens_sum', 'cache_read_sum', 'cache_write_sum'].map((c) => `${t} ADD COLUMN ${c}`)),
    ];
    for (const column of later) old.db.exec(`ALTER TABLE ${column} INTEGER NOT NULL DEFAULT 0`);
    catchUpLearning(old, { now });
    for (const column of later) old.db.exec(`ALTER TABLE ${column.replace(' ADD COLUMN ', ' DROP COLUMN ')}`);
    assert.equal((old.db.prepare('SELECT count(*) AS n FROM learning_deployments').get() as { n: number }).n, 6, 'all six were learnt before');
    old.close();

    const store = openHistoryStore(file);
    try {
      const status = Object.fromEntries((store.db.prepare('SELECT id, status FROM deployments').all() as { id: string; status: string }[]).map((r) => [r.id, r.status]));
      assert.deepEqual(status, { invalid1: 'setup-failed', noollama: 'setup-failed', busy0001: 'refused', realfail: 'failed', imported: 'failed', success1: 'succeeded' });
      const a = computeAnalytics(store, { now });
      assert.deepEqual(a.setupFailures, { total: 3, refused: 1 });
      assert.equal(a.deployments.total, 3);
      assert.equal(a.deployments.failed, 2);
      const learnt = (store.db.prepare('SELECT deployment_id AS id FROM learning_deployments ORDER BY id').all() as { id: string }[]).map((r) => r.id);
      assert.deepEqual(learnt, ['imported', 'realfail', 'success1']);
      const breaker = circuitState(store.db, '/repo', DEFAULT_CIRCUIT_BREAKER, { now });
      assert.equal(breaker.window, 3, 'the circuit breaker sees the three finished deployments only');
    } finally {
      store.close();
    }
  });
});
