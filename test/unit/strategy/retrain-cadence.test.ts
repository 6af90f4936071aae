import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { DEPLOYMENT_FEATURE_NAMES } from '../../../src/core/strategy/deployment-features';
import { listModels, loadLatestModel } from '../../../src/core/strategy/model-store';
import { maybeRetrain, workerScript } from '../../../src/core/strategy/retrain';
import { tempDir } from '../../support/temp';

describe('outcome model retraining: every 10 outcomes, in a worker thread', function () {
  this.timeout(60000);
  let dir: ReturnType<typeof tempDir>;
  let store: HistoryStore;
  let added = 0;
  beforeEach(() => {
    dir = tempDir();
    store = openHistoryStore(path.join(dir.path, 'h.db'));
    added = 0;
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  /** `n` more finished deployments (every third failed), plus one still running that is no outcome. */
  function outcomes(n: number): void {
    const repo = new DeploymentsRepository(store.db);
    for (let i = 0; i < n; i++, added++) {
      repo.insert({ id: `d${added}`, repoPath: '/r', title: 't', createdAt: 1_700_000_000_000 + added * 60_000, status: added % 3 === 2 ? 'failed' : 'succeeded', strategy: 'balanced', environment: 'development' });
    }
    repo.insert({ id: `running${added}`, repoPath: '/r', title: 't', createdAt: 1_700_000_000_000 + added * 60_000 + 1, status: 'running' });
  }

  it('9 outcomes: no retraining; the 10th: version 1, trained in the worker, stored with its training size', async () => {
    outcomes(9);
    const none = await maybeRetrain(store, { now: 1000 });
    assert.equal(none.retrained, false);
    assert.match(none.reason, /9 new outcomes since the start; retraining every 10/);
    assert.equal(listModels(store.db).length, 0);

    outcomes(1);
    const first = await maybeRetrain(store, { now: 2000 });
    assert.equal(first.retrained, true, first.reason);
    assert.equal(first.version, 1);
    assert.equal(first.runner, 'worker', `the worker did not run: ${first.workerError}`);
    assert.equal(first.workerError, undefined);
    const [row] = listModels(store.db);
    assert.deepEqual(
      { version: row!.version, trainingSize: row!.trainingSize, deploymentRows: row!.deploymentRows, outcomesAtTraining: row!.outcomesAtTraining, runner: row!.runner, trigger: row!.trigger, createdAt: row!.createdAt },
      { version: 1, trainingSize: 10, deploymentRows: 10, outcomesAtTraining: 10, runner: 'worker', trigger: 'cadence', createdAt: 2000 },
    );
    assert.deepEqual(row!.featureNames, DEPLOYMENT_FEATURE_NAMES);
    assert.ok(row!.evaluation, 'evaluation figures are stored');
    // What the worker stored can be loaded and used.
    assert.equal(loadLatestModel(store.db, store.path)!.version, 1);
  });

  it('counts from the last model: 9 more → none, the 10th → version 2; a manual retraining needs no cadence', async () => {
    outcomes(10);
    assert.equal((await maybeRetrain(store, { runner: 'in-process' })).version, 1);
    outcomes(9);
    assert.equal((await maybeRetrain(store, { runner: 'in-process' })).retrained, false);
    outcomes(1);
    const second = await maybeRetrain(store, { runner: 'in-process' });
    assert.equal(second.version, 2);
    assert.equal(second.trainingSize, 20);
    assert.equal((await maybeRetrain(store, { runner: 'in-process' })).retrained, false, 'no new outcomes since v2');
    const manual = await maybeRetrain(store, { trigger: 'manual', runner: 'in-process' });
    assert.equal(manual.version, 3);
    assert.deepEqual(listModels(store.db).map((m) => [m.version, m.trainingSize, m.trigger]), [[1, 10, 'cadence'], [2, 20, 'cadence'], [3, 20, 'manual']]);
  });

  it('only the five newest versions keep their forest; older rows keep their figures', async () => {
    outcomes(10);
    for (let i = 0; i < 7; i++) await maybeRetrain(store, { trigger: 'manual', runner: 'in-process' });
    const sizes = store.db.prepare('SELECT version, length(model) > 0 AS kept, training_size AS n FROM outcome_models ORDER BY version').all() as { version: number; kept: number; n: number }[];
    assert.deepEqual(sizes.map((r) => r.kept), [0, 0, 1, 1, 1, 1, 1]);
    assert.ok(sizes.every((r) => r.n === 10));
  });

  it('a stored model with other features than this build computes is replaced without waiting for the cadence', async () => {
    outcomes(10);
    await maybeRetrain(store, { runner: 'in-process' });
    store.db.prepare(`UPDATE outcome_models SET feature_names = '["old"]'`).run();
    const result = await maybeRetrain(store, { runner: 'in-process' });
    assert.equal(result.version, 2);
    assert.match(result.reason, /features/);
  });

  it('two calls at once train once', async () => {
    outcomes(10);
    const [a, b] = await Promise.all([maybeRetrain(store), maybeRetrain(store)]);
    assert.deepEqual([a.retrained, b.retrained].sort(), [false, true]);
    assert.equal(listModels(store.db).length, 1);
  });

  it('with 30 rows the stored evaluation is a temporal holdout (fit on the earlier 24, test on the later 6)', async () => {
    outcomes(30);
    const result = await maybeRetrain(store, { runner: 'in-process' });
    assert.equal(result.evaluation?.method, 'temporal-holdout');
    if (result.evaluation?.method === 'temporal-holdout') {
      assert.deepEqual([result.evaluation.train, result.evaluation.test], [24, 6]);
      assert.ok('f1Failed' in result.evaluation && 'auc' in result.evaluation && 'baseline' in result.evaluation);
    }
  });

  it('a worker that cannot start: trained in-process instead, and the result and the stored row say so', async () => {
    outcomes(10);
    const result = await maybeRetrain(store, { workerScript: { file: path.join(dir.path, 'missing-worker.mjs') } });
    assert.equal(result.retrained, true, result.reason);
    assert.equal(result.runner, 'in-process');
    assert.match(result.workerError ?? '', /missing-worker|Cannot find/);
    assert.equal(listModels(store.db)[0]!.runner, 'in-process');
    const strict = await maybeRetrain(store, { trigger: 'manual', runner: 'worker', workerScript: { file: path.join(dir.path, 'missing-worker.mjs') } });
    assert.equal(strict.retrained, false, 'runner worker does not fall back');
  });

  it('a process started with flags a worker refuses (--expose-gc, as the benchmarks and some hosts are) still trains in the worker', () => {
    outcomes(10);
    store.close();
    const script = `import { maybeRetrain } from ${JSON.stringify(path.resolve(__dirname, '../../../src/core/strategy/retrain.ts'))};
      maybeRetrain(${JSON.stringify(path.join(dir.path, 'h.db'))}, { trigger: 'manual', runner: 'worker' }).then((r) => console.log(JSON.stringify({ runner: r.runner ?? null, why: r.reason })));`;
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1)!), { runner: 'worker', why: 'manual retraining' });
    store = openHistoryStore(path.join(dir.path, 'h.db'));
  });

  it('the worker script is the TypeScript source under tsx', () => {
    const script = workerScript();
    assert.ok(script?.file.endsWith(path.join('strategy', 'retrain-worker.ts')), script?.file);
  });
});
