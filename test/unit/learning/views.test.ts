import assert from 'node:assert/strict';
import { environmentAdaptations, recommendPatterns, recordOutcome, recordRecovery, rollbackScenarios } from '../../../src/core/learning';
import { addDeployment, DAY, MIN, NOW, rollBack, tempStore } from './history';

const TS2322 = "src/a.ts(4,7): error TS2322: Type 'string' is not assignable to type 'number'.";

describe('learning: recommendations, adaptations, rollback scenarios', () => {
  let t: ReturnType<typeof tempStore>;
  beforeEach(() => (t = tempStore()));
  afterEach(() => t.cleanup());
  const record = (...ids: string[]) => ids.forEach((id) => recordOutcome(t.store, id, { now: NOW }));

  it('recommendations rank by the Wilson lower bound, so 19 of 20 beats 2 of 2, and say why', () => {
    const db = t.store.db;
    for (let i = 0; i < 20; i++) record(addDeployment(db, { createdAt: NOW - (30 - i) * DAY, strategy: 'conservative', stack: ['TypeScript', 'express'], status: i === 5 ? 'failed' : 'succeeded' }));
    for (let i = 0; i < 2; i++) record(addDeployment(db, { createdAt: NOW - (5 - i) * DAY, strategy: 'aggressive', stack: ['TypeScript', 'express'] }));
    for (let i = 0; i < 4; i++) record(addDeployment(db, { createdAt: NOW - (9 - i) * DAY, strategy: 'balanced', stack: ['TypeScript', 'express'], status: 'failed' }));
    record(addDeployment(db, { environment: 'development', strategy: 'balanced', stack: ['Python'] }));

    const all = recommendPatterns(t.store, { now: NOW });
    assert.deepEqual(
      all.patterns.map((p) => [p.rank, p.strategy, p.environment, p.successes, p.executions, p.advice]),
      [
        [1, 'conservative', 'production', 19, 20, 'follow'],
        [2, 'aggressive', 'production', 2, 2, 'more data needed'],
        [3, 'balanced', 'development', 1, 1, 'more data needed'],
        [4, 'balanced', 'production', 0, 4, 'avoid'],
      ],
    );
    const best = all.patterns[0]!;
    assert.ok(Math.abs(best.confidence - 0.763865) < 1e-4);
    assert.match(best.why, /^conservative for feature changes on typescript\/express in production: 19 of 20 succeeded \(95%\); with 95% confidence at least 76% will, in 10 min \(median\)\. Follow it\. Better than balanced here \(0 of 4\)\./);
    assert.deepEqual(best.similar.map((s) => [s.differsIn, s.value]).sort(), [['strategy', 'aggressive'], ['strategy', 'balanced']]);
    assert.deepEqual(recommendPatterns(t.store, { environment: 'development', now: NOW }).patterns.map((p) => p.stack), ['python']);
  });

  it('adaptations: what successful deployments did differently between two environments', () => {
    const db = t.store.db;
    const deploy = (environment: string, strategy: string, testScope: string, ok: boolean, evidence: string) =>
      record(
        addDeployment(db, {
          environment,
          strategy,
          status: ok ? 'succeeded' : 'failed',
          levers: { name: strategy, testScope, repairRounds: testScope === 'full' ? 1 : 2, draftPr: environment === 'production', timeLimitMs: 900_000 },
          decision: { choice: 'auto', basis: 'cold-start-rules', environment: { environment, evidence: [{ source: 'env-var', value: evidence, suggests: environment, weight: 3 }] } },
        }),
      );
    for (let i = 0; i < 3; i++) deploy('development', 'balanced', 'related', true, 'DEPLOYMENT_ENVIRONMENT=development');
    deploy('development', 'balanced', 'related', false, 'DEPLOYMENT_ENVIRONMENT=development');
    for (let i = 0; i < 4; i++) deploy('production', 'conservative', 'full', true, 'branch main');
    deploy('production', 'balanced', 'related', false, 'branch main');

    const a = environmentAdaptations(t.store, { source: 'development', target: 'production', now: NOW });
    assert.deepEqual(a.source, { environment: 'development', deployments: 4, succeeded: 3, successRate: 0.75 });
    assert.deepEqual(a.target, { environment: 'production', deployments: 5, succeeded: 4, successRate: 0.8 });
    const lever = (name: string) => a.levers.find((l) => l.lever === name)!;
    assert.deepEqual(lever('testScope').usual, { source: 'related', target: 'full' });
    assert.equal(lever('testScope').differs, true);
    assert.deepEqual(lever('testScope').target.map((v) => [v.value, v.succeeded, v.executions, v.successRate]), [['full', 4, 4, 1], ['related', 0, 1, 0]]);
    assert.equal(lever('testScope').sentence, 'testScope differs: development mostly related (3 of its successes, 75% success with it); production mostly full (4 of its successes, 100% success with it).');
    assert.equal(lever('strategy').differs, true);
    assert.equal(lever('draftPr').differs, true);
    assert.equal(lever('timeLimitMs').differs, false);
    assert.equal(lever('requested').differs, false);
    assert.deepEqual(lever('environmentEvidence').usual, { source: 'DEPLOYMENT_ENVIRONMENT=development', target: 'branch main' });
    assert.ok(a.levers.findIndex((l) => !l.differs) > a.levers.findLastIndex((l) => l.differs), 'differences first');

    const none = environmentAdaptations(t.store, { source: 'development', target: 'staging', now: NOW });
    assert.equal(none.note, 'No finished deployment in staging yet: there is nothing to compare with.');
  });

  it('rollback scenarios: failure signatures with the recovery that worked, its time and whether it was automatic', () => {
    const db = t.store.db;
    const failed = addDeployment(db, { createdAt: NOW - 9 * DAY, durationMs: 2 * MIN, status: 'failed', failedStep: 'review', testRuns: [[0, 2, TS2322]] });
    const redeployed = addDeployment(db, { createdAt: NOW - 8 * DAY, durationMs: 8 * MIN, strategy: 'conservative' });
    const repaired = addDeployment(db, { createdAt: NOW - 7 * DAY, testRuns: [[3, 1, TS2322], [3, 1, TS2322], [4, 0]] });
    const shipped = addDeployment(db, { createdAt: NOW - 6 * DAY, durationMs: MIN });
    rollBack(db, shipped, NOW - 6 * DAY + 46 * MIN);
    record(failed, redeployed, repaired, shipped);

    const { scenarios } = rollbackScenarios(t.store, { now: NOW });
    const find = (pattern: string | null, step: string) => scenarios.find((s) => s.signature.errorPattern === pattern && s.signature.step === step)!;
    const review = find('ts-type-mismatch', 'review');
    assert.equal(review.failures, 1);
    // Failed at −9 d + 2 min, the next success finished at −8 d + 8 min.
    assert.deepEqual(review.best, { action: 'redeploy', automatic: false, attempts: 1, worked: 1, successRate: 1, confidence: review.best!.confidence, medianRecoveryMs: DAY + 6 * MIN });
    assert.match(review.explanation!, /type does not match/);
    const tests = find('ts-type-mismatch', 'run-tests');
    assert.equal(tests.failures, 0);
    // Two repair rounds: the first run at +1 min, the passing one at +3 min.
    assert.deepEqual([tests.best!.action, tests.best!.automatic, tests.best!.worked, tests.best!.medianRecoveryMs], ['repair', true, 1, 2 * MIN]);
    const after = find(null, 'after-ship');
    assert.deepEqual([after.failures, after.best!.action, after.best!.automatic, after.best!.medianRecoveryMs], [1, 'rollback', false, 45 * MIN]);
    assert.match(after.sentence, /^an unrecognised error at after-ship ended 1 deployment; rollback \(by a person\) worked 1 of 1 time \(100%\), recovering in 45 min \(median\)\.$/);
    assert.deepEqual(rollbackScenarios(t.store, { environment: 'staging', now: NOW }).scenarios, []);
  });

  it('recoveries reported by the pipeline replace the ones read from the test runs', () => {
    const db = t.store.db;
    const id = addDeployment(db, { testRuns: [[3, 1, TS2322], [4, 0]] });
    record(id);
    const count = () => db.prepare(`SELECT source, action, worked FROM learning_recoveries WHERE deployment_id = ? ORDER BY id`).all(id);
    assert.deepEqual(count(), [{ source: 'history', action: 'repair', worked: 1 }]);
    recordRecovery(t.store, { deploymentId: id, patternId: 'ts-type-mismatch', action: 'repair', automatic: true, recoveredMs: 90_000, worked: true, at: NOW });
    assert.deepEqual(count(), [{ source: 'pipeline', action: 'repair', worked: 1 }]);
    record(id);
    assert.deepEqual(count(), [{ source: 'pipeline', action: 'repair', worked: 1 }], 'recording again does not bring the derived one back');
    assert.throws(() => recordRecovery(t.store, { deploymentId: 'nope', action: 'repair', automatic: true, worked: false }), /no deployment nope/);
  });
});
