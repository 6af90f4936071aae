import assert from 'node:assert/strict';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { EventsRepository } from '../../../src/core/store/steps';
import { useHarnesses, parseJson, scriptPlantedFailure } from './harness';

/**
 * The learn step closes the loop: every outcome is counted, and the tenth since the last model
 * retrains the outcome model (in a worker thread) before the deployment ends.
 */
describe('deploy-agent deploy: the learn step (built CLI)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();

  it('every outcome reaches the pattern learner (with its recoveries); the tenth retrains the outcome model in a worker, the ninth does not', async () => {
    const h = await harnesses.create('node');
    const seeded = openHistoryStore(h.db);
    try {
      const deployments = new DeploymentsRepository(seeded.db);
      for (let i = 0; i < 8; i++) {
        deployments.insert({ id: `past${i}`, repoPath: h.repo.dir, title: `past ${i}`, createdAt: 1_000 + i, finishedAt: 2_000 + i, status: i % 3 === 0 ? 'failed' : 'succeeded', strategy: 'balanced', environment: 'development', category: 'feature' });
      }
    } finally {
      seeded.close();
    }

    const models = () => {
      const store = openHistoryStore(h.db);
      try {
        return store.db.prepare(`SELECT version, runner, training_size AS trainingSize FROM outcome_models ORDER BY version`).all() as { version: number; runner: string; trainingSize: number }[];
      } finally {
        store.close();
      }
    };

    scriptPlantedFailure(h.ollama, 'node');
    const ninth = parseJson(await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json']));
    assert.equal(ninth.status, 'succeeded');
    assert.deepEqual(models(), [], 'nine outcomes: no model yet');

    scriptPlantedFailure(h.ollama, 'node');
    const tenth = parseJson(await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json']));
    assert.equal(tenth.status, 'succeeded');
    const trained = models();
    assert.equal(trained.length, 1, 'the tenth outcome trained version 1');
    assert.equal(trained[0]!.runner, 'worker');
    assert.ok(trained[0]!.trainingSize >= 10, `training size ${trained[0]!.trainingSize}`);
    const store = openHistoryStore(h.db);
    try {
      const event = new EventsRepository(store.db).list(String(tenth.id), 'model.retrain')[0];
      assert.ok(event, 'the retraining is recorded on the deployment that triggered it');
      assert.equal((event.payload as { version: number }).version, 1);
      // The pattern learner recorded both deployments, and the repair round that worked.
      const learnt = store.db.prepare(`SELECT count(*) AS n FROM learning_deployments WHERE deployment_id IN (?, ?)`).get(String(ninth.id), String(tenth.id)) as { n: number };
      assert.equal(learnt.n, 2);
      const recoveries = store.db.prepare(`SELECT action, automatic, worked, source FROM learning_recoveries WHERE deployment_id = ?`).all(String(tenth.id));
      assert.deepEqual(recoveries, [{ action: 'repair', automatic: 1, worked: 1, source: 'pipeline' }]);
    } finally {
      store.close();
    }
  });
});
