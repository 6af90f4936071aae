import assert from 'node:assert/strict';
import path from 'node:path';
import { catchUpLearning, computeAnalytics, listPatterns, recordOutcome, rollbackScenarios } from '../../../src/core/learning';
import { circuitState } from '../../../src/core/pipeline/circuit-breaker';
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

  it('a deployment waiting for review is not finished for the learning, the analytics or the circuit breaker until it is shipped', async () => {
    const ports = scriptedPorts({ gatherContext: async () => ({ environment: 'staging', dataGaps: [] }), recordOutcome: async (o) => void recordOutcome(t.store, o.deploymentId) });
    const orchestrator = new Orchestrator({ db: t.store.db, ports });
    const request = { recommendationFile: path.join(dir.path, 'rec.json'), workspaceDir: dir.path, mode: 'review' as const, strategy: 'auto' as const, keepWorktree: false, wait: false };
    const paused = await orchestrator.deploy(request, new AbortController().signal);
    assert.equal(paused.status, 'awaiting-review');

    const learnt = () => t.store.db.prepare(`SELECT status, success, shipped FROM learning_deployments WHERE deployment_id = ?`).get(paused.id);
    assert.equal(recordOutcome(t.store, paused.id).recorded, false, 'not settled');
    catchUpLearning(t.store);
    assert.equal(learnt(), undefined);
    const before = computeAnalytics(t.store).deployments;
    assert.deepEqual([before.finished, before.succeeded, before.cancelled, before.interrupted], [0, 0, 0, 0]);
    assert.equal(circuitState(t.store.db, dir.path, { window: 10, minSamples: 1, failureRate: 0.5, cooldownMinutes: 30 }).window, 0, 'the breaker counts no finished deployment');

    const shipped = await orchestrator.ship(paused.id, 'local-commit', new AbortController().signal);
    assert.equal(shipped.status, 'succeeded');
    assert.deepEqual(learnt(), { status: 'succeeded', success: 1, shipped: 1 });
    assert.equal(computeAnalytics(t.store).deployments.succeeded, 1);
    assert.equal(circuitState(t.store.db, dir.path, { window: 10, minSamples: 1, failureRate: 0.5, cooldownMinutes: 30 }).window, 1);
  });
});
