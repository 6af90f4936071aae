import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { computeAnalytics } from '../../../src/core/learning';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { countOutcomes } from '../../../src/core/strategy/training-data';
import { useHarnesses, parseJson, scriptPlantedFailure } from './harness';
import { git } from './repos';

const errorCode = (out: Record<string, unknown>) => (out.error as { code?: string } | null)?.code;

describe('setup failures are kept apart from failed deployments (built CLI, real git, fake model)', function () {
  this.timeout(300_000);
  const harnesses = useHarnesses();

  it('a newcomer: three runs before Ollama runs and four invalid recommendations do not open the circuit breaker, and count in nothing but their own line', async () => {
    const h = await harnesses.create('node');
    for (let i = 0; i < 3; i++) {
      const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--json'], { OLLAMA_HOST: 'http://127.0.0.1:9' });
      assert.equal(errorCode(parseJson(result)), 'NO_MODEL_AVAILABLE');
      assert.equal(parseJson(result).status, 'setup-failed');
    }
    for (let i = 0; i < 4; i++) {
      const bad = path.join(h.root, `bad-${i}.json`);
      writeFileSync(bad, JSON.stringify({ title: `no description ${i}` }));
      const result = await h.cli(['deploy', bad, '--workspace', h.repo.dir, '--mode', 'dry-run', '--json']);
      assert.equal(errorCode(parseJson(result)), 'RECOMMENDATION_INVALID');
    }
    // Now set up right: the deployment runs (the breaker, with 7 failures of 7, would have refused it).
    scriptPlantedFailure(h.ollama, 'node');
    const ok = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(parseJson(ok).status, 'succeeded');

    const list = parseJson(await h.cli(['list', '--json'])).deployments as { status: string }[];
    assert.deepEqual(list.map((d) => d.status).sort(), ['setup-failed', 'setup-failed', 'setup-failed', 'setup-failed', 'setup-failed', 'setup-failed', 'setup-failed', 'succeeded']);

    const analytics = parseJson(await h.cli(['analytics', '--json'])) as {
      deployments: { total: number; failed: number };
      setupFailures: { total: number; refused: number };
      rates: { success: number; failure: number };
      strategyMix: { strategy: string; deployments: number }[];
      dora: { changeFailureRate: { value: { shipped: number; failed: number } }; timeToRestore: { value: { episodes: number } } };
    };
    assert.deepEqual(analytics.setupFailures, { total: 7, refused: 0 });
    assert.equal(analytics.deployments.total, 1);
    assert.equal(analytics.deployments.failed, 0);
    assert.deepEqual([analytics.rates.success, analytics.rates.failure], [1, 0]);
    assert.equal(analytics.strategyMix.reduce((n, s) => n + s.deployments, 0), 1);
    assert.deepEqual(analytics.dora.changeFailureRate.value, { shipped: 1, failed: 0, rate: 0 });
    assert.equal(analytics.dora.timeToRestore.value.episodes, 0);
    const text = await h.cli(['analytics']);
    assert.match(text.stdout, /Setup failures \(stopped before any model or test ran; in no rate below\): 7/);

    const store = openHistoryStore(h.db);
    try {
      assert.equal(countOutcomes(store.db), 1, 'one training row: the real deployment');
      assert.equal((store.db.prepare('SELECT count(*) AS n FROM learning_deployments').get() as { n: number }).n, 1);
      assert.equal((store.db.prepare('SELECT count(*) AS n FROM learning_recoveries r JOIN deployments d ON d.id = r.deployment_id WHERE d.status = ?').get('setup-failed') as { n: number }).n, 0);
    } finally {
      store.close();
    }
  });

  it('refusals (circuit breaker open, repository busy with --no-wait) are recorded as refused and do not push the reopen time later', async () => {
    const h = await harnesses.create('node');
    const root = git(h.repo.dir, 'rev-parse', '--show-toplevel');
    const store = openHistoryStore(h.db);
    const now = Date.now();
    try {
      new DeploymentsRepository(store.db).insertMany(
        Array.from({ length: 6 }, (_, i) => ({ id: `f00000${i}0`, repoPath: root, title: 'earlier', status: 'failed' as const, createdAt: now - 600_000, finishedAt: now - 60_000 * (i + 1) })),
      );
    } finally {
      store.close();
    }
    const reopens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const refused = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--json']);
      const out = parseJson(refused);
      assert.equal(errorCode(out), 'CIRCUIT_OPEN');
      assert.equal(out.status, 'refused');
      reopens.push(String((out.error as { details?: { reopensAt: string } }).details?.reopensAt ?? /at (\S+)\./.exec(String((out.error as { hint: string }).hint))?.[1]));
    }
    assert.equal(new Set(reopens).size, 1, `the reopen time stays ${reopens[0]}`);
    assert.equal(reopens[0], new Date(now - 60_000 + 30 * 60_000).toISOString());

    // Repository busy: a lock held by a live process (this test's) refuses --no-wait.
    writeFileSync(path.join(h.repo.dir, '.git', 'deploy-agent.lock'), JSON.stringify({ deploymentId: 'other001', pid: process.pid, host: (await import('node:os')).hostname(), at: now }));
    const busy = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--force', '--reason', 'testing the lock', '--no-wait', '--json']);
    assert.equal(errorCode(parseJson(busy)), 'REPOSITORY_BUSY');
    assert.equal(parseJson(busy).status, 'refused');

    const analytics = parseJson(await h.cli(['analytics', '--json'])) as { setupFailures: { total: number; refused: number } };
    assert.deepEqual(analytics.setupFailures, { total: 4, refused: 4 });
    const check = openHistoryStore(h.db);
    try {
      const rows = check.db.prepare(`SELECT status, count(*) AS n FROM deployments GROUP BY status ORDER BY status`).all();
      assert.deepEqual(rows, [
        { status: 'failed', n: 6 },
        { status: 'refused', n: 4 },
      ]);
      assert.equal(computeAnalytics(check, { days: 30 }).setupFailures.refused, 4);
    } finally {
      check.close();
    }
  });
});
