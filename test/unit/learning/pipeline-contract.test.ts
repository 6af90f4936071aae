import assert from 'node:assert/strict';
import path from 'node:path';
import { listPatterns, recordOutcome, rollbackScenarios } from '../../../src/core/learning';
import { Orchestrator } from '../../../src/core/pipeline/orchestrator';
import { tempDir } from '../../support/temp';
import { failing, passing, scriptedPorts } from '../pipeline/scripted-ports';
import { tempStore } from './history';

/**
 * The learning reads what the orchestrator persists (step artifacts, test runs, the deployment
 * row): a deployment run by the real orchestrator must be learnt with its stack, strategy,
 * repairs and the repair that fixed its failing tests.
 */
describe('learning: what the orchestrator records is what the learning reads', () => {
  let t: ReturnType<typeof tempStore>;
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempStore();
    dir = tempDir();
  });
  afterEach(() => {
    t.cleanup();
    dir.cleanup();
  });

  it('a dry run with one repair round: stack from the context step, repairs from the repair step, the repair as a recovery', async () => {
    const ports = scriptedPorts({
      testRuns: [failing(), passing()],
      gatherContext: async () => ({
        environment: 'staging',
        dataGaps: [],
        profile: { primaryLanguage: 'TypeScript', frameworks: [{ name: 'express', version: '4.19.2', confidence: 0.95, evidence: ['package.json'] }] },
      }),
    });
    const orchestrator = new Orchestrator({ db: t.store.db, ports });
    const outcome = await orchestrator.deploy(
      { recommendationFile: path.join(dir.path, 'rec.json'), workspaceDir: dir.path, mode: 'dry-run', strategy: 'auto', keepWorktree: false, wait: false },
      new AbortController().signal,
    );
    assert.equal(outcome.status, 'succeeded');

    const result = recordOutcome(t.store, outcome.id);
    assert.equal(result.recorded, true);
    const fact = t.store.db.prepare(`SELECT environment, stack, strategy, success, shipped, repairs FROM learning_deployments WHERE deployment_id = ?`).get(outcome.id);
    assert.deepEqual(fact, { environment: 'staging', stack: 'typescript/express', strategy: 'balanced', success: 1, shipped: 0, repairs: 1 });
    const [pattern] = listPatterns(t.store.db);
    assert.deepEqual([pattern!.environment, pattern!.stack, pattern!.strategy, pattern!.executions], ['staging', 'typescript/express', 'balanced', 1]);
    const repair = rollbackScenarios(t.store).scenarios.find((s) => s.signature.step === 'run-tests')!;
    assert.equal(repair.signature.errorPattern, 'assertion-failed');
    assert.deepEqual([repair.best!.action, repair.best!.automatic, repair.best!.worked], ['repair', true, 1]);
  });
});
