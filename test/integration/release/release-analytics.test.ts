import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { computeAnalytics } from '../../../src/core/learning/analytics';
import { recordOutcome } from '../../../src/core/learning/record';
import { recommendPatterns } from '../../../src/core/learning/recommendations';
import { rollbackScenarios } from '../../../src/core/learning/rollback-scenarios';
import { Releaser, type ReleaseOutcome } from '../../../src/core/release/releaser';
import { resolveTarget, type TargetConfig } from '../../../src/core/release/targets';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { runBuiltCli } from '../../support/cli';
import { commitVersion, createApp, git } from '../../support/release-app';
import { freePort } from '../../support/sshd';
import { tempDir } from '../../support/temp';
import { stopTargetApp } from './helpers';

/**
 * Releases in the learning: real releases of the fixture app to a local target, recorded by the
 * releaser through core's recording (recordOutcome), read back by analytics (the DORA keys),
 * recommendations and rollback-scenarios — in process and through the built CLI's `analytics --json`
 * (build first when running mocha directly). A code deployment of the same repository and
 * environment sits between the failed release and the good one: it must not close the release's
 * failure episode.
 */
describe('releases in the analytics, recommendations and rollback scenarios (local target)', function () {
  this.timeout(120_000);
  let dir: ReturnType<typeof tempDir>;
  let store: HistoryStore;
  let repo: string;
  let root: string;
  let port: number;
  const runs: Record<'good' | 'rolledBack' | 'fixed' | 'manualRollback' | 'brokenBuild', ReleaseOutcome> = {} as never;
  let codeId: string;
  let codeCommitAt: number;

  before(async () => {
    dir = tempDir('deploy-agent-release-analytics-');
    store = openHistoryStore(path.join(dir.path, 'history.db'));
    repo = path.join(dir.path, 'app');
    root = path.join(dir.path, 'target');
    createApp(repo, '1.0.0');
    port = await freePort();
    mkdirSync(path.join(root, 'shared'), { recursive: true });
    writeFileSync(path.join(root, 'shared', '.env'), `PORT=${port}\n`);
    const releaser = new Releaser({ store, timing: { retryBaseMs: 20, healthBaseMs: 50 } });
    const target = (extra: Partial<TargetConfig> = {}) =>
      resolveTarget('local', { type: 'local', path: root, shared: ['.env'], steps: { install: 'echo installing' }, start: `${process.execPath} server.js`, healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 10_000 }, watch: { minutes: 0 }, ...extra }, null);
    const release = (extra: Partial<TargetConfig> = {}) => releaser.release({ target: target(extra), repoPath: repo, ref: 'HEAD', strategy: 'balanced' }, new AbortController().signal);

    runs.good = await release();
    commitVersion(repo, '2.0.0', { unhealthy: 'this version answers 503' });
    runs.rolledBack = await release({ healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 1000 } });
    // A code deployment of the same repository in the same environment (development) succeeds meanwhile.
    codeCommitAt = Date.now();
    codeId = 'code0001';
    new DeploymentsRepository(store.db).insert({ id: codeId, repoPath: repo, title: 'a feature', category: 'feature', mode: 'local-commit', strategy: 'balanced', environment: 'development', status: 'succeeded', commitSha: 'c0ffee'.padEnd(40, '0'), createdAt: codeCommitAt, startedAt: codeCommitAt, finishedAt: codeCommitAt + 5, durationMs: 5 });
    recordOutcome(store, codeId);
    git(repo, 'rm', '-q', 'unhealthy');
    commitVersion(repo, '3.0.0');
    runs.fixed = await release();
    runs.manualRollback = await releaser.rollback({ target: target(), repoPath: repo }, new AbortController().signal);
    commitVersion(repo, '4.0.0');
    runs.brokenBuild = await release({ steps: { install: 'echo installing', build: 'echo "build: compile error" >&2; exit 2' } });
  });
  after(() => {
    stopTargetApp(root);
    store?.close();
    dir?.cleanup();
  });

  it('the releases ended as planned', () => {
    assert.deepEqual(
      Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, r.status])),
      { good: 'succeeded', rolledBack: 'rolled_back', fixed: 'succeeded', manualRollback: 'succeeded', brokenBuild: 'failed' },
      JSON.stringify(Object.values(runs).map((r) => r.error)),
    );
    assert.equal(runs.manualRollback.mode, 'rollback');
  });

  it('DORA: releases that reached the target count as deployments; a rolled-back one is a change failure; the next good release restores it', () => {
    const a = computeAnalytics(store);
    // Shipped and succeeded: the two good releases and the code deployment (not the rollback: it ships no change; not the broken build: it never reached the target).
    assert.equal(a.dora.deploymentFrequency.value.shipped, 3);
    assert.deepEqual(a.dora.changeFailureRate.value, { shipped: 4, failed: 1, rate: 0.25 });
    // Episodes: the rolled-back release (restored by the next good release, not by the code deployment in between) and the broken build (still open).
    const t = a.dora.timeToRestore.value;
    assert.deepEqual([t.episodes, t.restored, t.open], [2, 1, 1]);
    const episode = store.db.prepare(`SELECT restored_by AS by, via, restore_ms AS ms FROM learning_restores WHERE failure_id = ?`).get(runs.rolledBack.id) as { by: string; via: string; ms: number };
    assert.equal(episode.by, runs.fixed.id);
    assert.equal(episode.via, 'success');
    const finished = (id: string) => new DeploymentsRepository(store.db).get(id)!.finishedAt!;
    assert.equal(episode.ms, finished(runs.fixed.id) - finished(runs.rolledBack.id));
    assert.equal(t.medianMs, episode.ms);
    // Every settled run is a deployment; the rolled-back release is one of them.
    assert.equal(a.deployments.total, 6);
    assert.equal(a.deployments.rolledBack, 1);
  });

  it('lead time of a release runs from its commit to the end of the release (not the release’s own duration)', () => {
    const lead = store.db.prepare(`SELECT deployment_id AS id, lead_ms AS lead FROM learning_deployments WHERE lead_ms IS NOT NULL ORDER BY created_at`).all() as { id: string; lead: number }[];
    assert.deepEqual(lead.map((l) => l.id), [runs.good.id, codeId, runs.fixed.id]);
    const commitAt = Number(git(repo, 'show', '-s', '--format=%ct', runs.fixed.commit)) * 1000;
    const fixed = new DeploymentsRepository(store.db).get(runs.fixed.id)!;
    assert.equal(lead.find((l) => l.id === runs.fixed.id)!.lead, fixed.finishedAt! - commitAt);
    assert.ok(lead.find((l) => l.id === runs.fixed.id)!.lead > fixed.durationMs!, 'longer than the release itself: the commit was made before it');
  });

  it('recommendations: one release pattern per strategy, counting releases and not rollbacks', () => {
    const r = recommendPatterns(store);
    const releases = r.patterns.filter((p) => p.category === 'release');
    assert.deepEqual(
      releases.map((p) => [p.environment, p.strategy, p.executions, p.successes]),
      [['development', 'balanced', 4, 2]],
    );
    assert.match(releases[0]!.why, /^balanced for release changes on .* in development: 2 of 4 succeeded/);
    assert.ok(!r.patterns.some((p) => p.category === 'rollback'), 'a rollback is not a strategy outcome');
    assert.ok(r.patterns.some((p) => p.category === 'feature'), 'the code deployment keeps its own pattern');
  });

  it('rollback-scenarios: the unhealthy release, rolled back automatically and then redeployed; the broken build', () => {
    const s = rollbackScenarios(store);
    const health = s.scenarios.find((x) => x.signature.errorPattern === 'release-health-status');
    assert.ok(health, JSON.stringify(s.scenarios.map((x) => x.signature)));
    assert.equal(health.signature.step, 'health-check');
    assert.equal(health.failures, 1);
    const actions = Object.fromEntries(health.recoveries.map((r) => [r.action, [r.automatic, r.attempts, r.worked]]));
    assert.deepEqual(actions.rollback, [true, 1, 1]);
    assert.deepEqual(actions.redeploy, [false, 1, 1]);
    const build = s.scenarios.find((x) => x.signature.step === 'build');
    assert.ok(build, JSON.stringify(s.scenarios.map((x) => x.signature)));
    assert.equal(build.failures, 1);
    assert.equal(build.best, null, 'nothing has recovered from it yet');
  });

  it('deploy-agent analytics --json (built CLI) says the same', async () => {
    const result = await runBuiltCli(['--db', store.path, 'analytics', '--days', '30', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const a = JSON.parse(result.stdout) as ReturnType<typeof computeAnalytics>;
    assert.equal(a.dora.deploymentFrequency.value.shipped, 3);
    assert.deepEqual(a.dora.changeFailureRate.value, { shipped: 4, failed: 1, rate: 0.25 });
    assert.deepEqual([a.dora.timeToRestore.value.episodes, a.dora.timeToRestore.value.restored], [2, 1]);
    assert.equal(a.dora.changeFailureRate.tier, 'low');
    const development = JSON.parse((await runBuiltCli(['--db', store.path, 'analytics', '--env', 'development', '--json'])).stdout) as ReturnType<typeof computeAnalytics>;
    assert.equal(development.deployments.total, 6);
  });
});
