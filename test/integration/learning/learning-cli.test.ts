import assert from 'node:assert/strict';
import { SHOW_PROGRESS_FROM } from '../../../src/cli/learning-progress';
import { DeploymentsRepository, type NewDeployment } from '../../../src/core/store/deployments';
import { runBuiltCli } from '../../support/cli';
import { addDeployment, DAY, MIN, rollBack, tempStore } from '../../unit/learning/history';

/**
 * The four learning commands through the built CLI (dist/cli/cli.mjs; build first). The history
 * is written straight into the database, as the pipeline leaves it, and never recorded: each
 * command must learn it on its own (the catch-up) before answering.
 */
describe('deploy-agent recommendations / adaptations / rollback-scenarios / analytics (built CLI)', function () {
  this.timeout(30000);
  let t: ReturnType<typeof tempStore>;
  const now = Date.now();

  before(() => {
    t = tempStore();
    const db = t.store.db;
    const levers = (testScope: string) => ({ name: 'balanced', testScope, repairRounds: 2, draftPr: false, timeLimitMs: 900_000 });
    for (let i = 0; i < 6; i++) addDeployment(db, { createdAt: now - (10 - i) * DAY, stack: ['TypeScript', 'express'], levers: levers('full'), environment: 'production' });
    for (let i = 0; i < 3; i++) addDeployment(db, { createdAt: now - (10 - i) * DAY, stack: ['TypeScript', 'express'], levers: levers('related'), environment: 'development' });
    addDeployment(db, { createdAt: now - 3 * DAY, status: 'failed', failedStep: 'review', testRuns: [[0, 1, "src/a.ts(4,7): error TS2322: Type 'string' is not assignable to type 'number'."]] });
    addDeployment(db, { createdAt: now - 2 * DAY, durationMs: 7 * MIN });
    const shipped = addDeployment(db, { createdAt: now - DAY });
    rollBack(db, shipped, now - DAY + 40 * MIN);
    t.store.close();
  });
  after(() => t.cleanup());

  const run = async (...args: string[]) => {
    const result = await runBuiltCli(['--db', t.store.path, ...args, '--json']);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Record<string, unknown> & { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('analytics --json: counts, rates, percentiles, trend, strategy mix, repairs and the four DORA keys', async () => {
    const a = await run('analytics', '--days', '30');
    assert.deepEqual(Object.keys(a).sort(), ['dora', 'deployments', 'durationMs', 'learning', 'modelInput', 'outcomeSource', 'rates', 'repairsPerDeployment', 'series', 'setupFailures', 'strategyMix', 'trend', 'window'].sort());
    assert.equal(a.series.days.length, 30);
    assert.equal(a.series.outcomes.rolledBack.reduce((n: number, x: number) => n + x, 0), 1);
    assert.equal(a.deployments.total, 12);
    assert.equal(a.deployments.rolledBack, 1);
    assert.equal(a.learning.caughtUp, 12, 'learnt on the way');
    assert.deepEqual(Object.keys(a.durationMs), ['n', 'p50', 'p90', 'p99', 'mean']);
    assert.deepEqual(Object.keys(a.dora), ['deploymentFrequency', 'leadTimeForChanges', 'changeFailureRate', 'timeToRestore']);
    for (const key of Object.values(a.dora) as { tier: string | null }[]) assert.ok(['elite', 'high', 'medium', 'low'].includes(key.tier!), JSON.stringify(key));
    assert.equal(a.dora.changeFailureRate.value.failed, 1);
    assert.equal(a.window.days, 30);
    assert.ok(Array.isArray(a.trend.points) && a.trend.points.length > 0);
    const development = await run('analytics', '--env', 'development');
    assert.equal(development.deployments.total, 3);
    assert.equal(development.learning.caughtUp, 0, 'nothing new the second time');
  });

  it('analytics --repo PATH --days all: one repository over all its history', async () => {
    const mine = await run('analytics', '--repo', '/repo/a', '--days', 'all');
    assert.deepEqual([mine.window.repoPath, mine.window.days, mine.deployments.total], ['/repo/a', null, 12]);
    const other = await run('analytics', '--repo', '/repo/elsewhere', '--days', 'all');
    assert.equal(other.deployments.total, 0);
    const text = await runBuiltCli(['--db', t.store.path, 'analytics', '--repo', '/repo/a', '--days', 'all']);
    assert.match(text.stdout, /^Deployments in \/repo\/a, all environments, all history \(from \d{4}-\d\d-\d\d\): 12 /);
  });

  it('recommendations --json: ranked patterns with confidence, advice and why', async () => {
    const r = await run('recommendations');
    assert.equal(r.environment, null);
    const [first] = r.patterns;
    assert.deepEqual(Object.keys(first).sort(), ['advice', 'category', 'confidence', 'environment', 'executions', 'id', 'medianDurationMs', 'rank', 'similar', 'stack', 'strategy', 'successRate', 'successes', 'upperBound', 'why'].sort());
    assert.equal(first.rank, 1);
    assert.equal(first.stack, 'typescript/express');
    assert.equal(first.environment, 'production');
    assert.match(first.why, /succeeded/);
    assert.ok(r.patterns.every((p: { confidence: number }, i: number, all: { confidence: number }[]) => i === 0 || all[i - 1]!.confidence >= p.confidence));
    assert.deepEqual((await run('recommendations', '--env', 'development')).patterns.map((p: { environment: string }) => p.environment), ['development']);
  });

  it('adaptations --json: levers compared between two environments', async () => {
    const a = await run('adaptations', '--source', 'development', '--target', 'production');
    assert.equal(a.source.environment, 'development');
    assert.equal(a.target.environment, 'production');
    const scope = a.levers.find((l: { lever: string }) => l.lever === 'testScope');
    assert.deepEqual(scope.usual, { source: 'related', target: 'full' });
    assert.equal(scope.differs, true);
  });

  it('rollback-scenarios --json: signatures with the recovery that worked', async () => {
    const r = await run('rollback-scenarios');
    const rollback = r.scenarios.find((s: { signature: { step: string } }) => s.signature.step === 'after-ship');
    assert.deepEqual([rollback.best.action, rollback.best.automatic, rollback.best.medianRecoveryMs], ['rollback', false, 30 * MIN]);
    const review = r.scenarios.find((s: { signature: { step: string } }) => s.signature.step === 'review');
    assert.equal(review.signature.errorPattern, 'ts-type-mismatch');
    assert.equal(review.best.action, 'redeploy');
  });

  it('a bad --days is refused with what to do, as one JSON error', async () => {
    const result = await runBuiltCli(['--db', t.store.path, 'analytics', '--days', 'soon', '--json']);
    assert.equal(result.code, 1);
    assert.equal(JSON.parse(result.stdout).error.code, 'USAGE');
    assert.match(result.stderr, /positive whole number/);
  });
});

describe('the first learning command over a long history (built CLI)', function () {
  this.timeout(60000);
  let t: ReturnType<typeof tempStore>;
  const count = SHOW_PROGRESS_FROM + 100;

  before(() => {
    t = tempStore();
    const now = Date.now();
    function* rows(): Generator<NewDeployment> {
      for (let i = 0; i < count; i++) {
        const createdAt = now - 20 * DAY + i * MIN;
        yield { id: `long${i}`, repoPath: '/repo/long', title: `Deployment ${i}`, status: i % 10 === 3 ? 'failed' : 'succeeded', mode: 'full-pr', strategy: 'balanced', environment: 'production', commitSha: i % 10 === 3 ? null : 'c0ffee'.padEnd(40, '0'), createdAt, startedAt: createdAt, finishedAt: createdAt + 5 * MIN, durationMs: 5 * MIN };
      }
    }
    new DeploymentsRepository(t.store.db).insertMany(rows());
    t.store.close();
  });
  after(() => t.cleanup());

  it('analytics --json: progress on stderr (plain lines when not a terminal), exactly the JSON answer on stdout; nothing the second time', async () => {
    const first = await runBuiltCli(['--db', t.store.path, 'analytics', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const a = JSON.parse(first.stdout) as { learning: { caughtUp: number }; deployments: { total: number } };
    assert.equal(a.learning.caughtUp, count);
    assert.equal(a.deployments.total, count);
    assert.match(first.stderr, new RegExp(`Learning the deployment history: 0 of ${count.toLocaleString('en-US')} deployments \\(0%\\)`));
    assert.match(first.stderr, /\(100%\)\n.*summarising patterns and failure episodes\nLearnt the deployment history/);

    const second = await runBuiltCli(['--db', t.store.path, 'recommendations', '--json']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal((JSON.parse(second.stdout) as { learning: { caughtUp: number } }).learning.caughtUp, 0);
    assert.doesNotMatch(second.stderr, /Learning the deployment history/);
  });
});
