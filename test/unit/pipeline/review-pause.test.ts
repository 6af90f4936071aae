import assert from 'node:assert/strict';
import path from 'node:path';
import type { PipelineEvent } from '../../../src/core/pipeline/events';
import { Orchestrator } from '../../../src/core/pipeline/orchestrator';
import { collectReport } from '../../../src/core/report/collect';
import { renderReportMarkdown } from '../../../src/core/report/markdown';
import type { DeployRequest } from '../../../src/core/pipeline/ports';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { EventsRepository, StepsRepository, TestRunsRepository } from '../../../src/core/store/steps';
import { tempDir } from '../../support/temp';
import { failing, passing, scriptedPorts, type ScriptedPorts } from './scripted-ports';

const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max default: never a live process
const HOUR = 3_600_000;

/** The review pause: deploy --mode review stops in `awaiting-review`; ship, discard and "run tests again" continue it. */
describe('pipeline review pause', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: HistoryStore;
  let clock: number;
  const now = () => clock;

  beforeEach(() => {
    dir = tempDir();
    store = openHistoryStore(path.join(dir.path, 'history.db'));
    clock = 1_700_000_000_000;
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  const request = (overrides: Partial<DeployRequest> = {}): DeployRequest => ({
    recommendationFile: path.join(dir.path, 'rec.json'),
    workspaceDir: dir.path,
    mode: 'review',
    strategy: 'auto',
    keepWorktree: false,
    wait: false,
    ...overrides,
  });

  /** Ports whose sandbox content is a variable: a test "edits" the sandbox by changing it. Each call advances the clock a second. */
  function portsWithSandbox(content: { tree: string }, extra: Parameters<typeof scriptedPorts>[0] = {}): ScriptedPorts {
    return scriptedPorts({ snapshotSandbox: async () => ((clock += 1000), content.tree), ...extra });
  }

  async function paused(content = { tree: 'tree-tested' }, extra: Parameters<typeof scriptedPorts>[0] = {}) {
    const ports = portsWithSandbox(content, extra);
    const outcome = await new Orchestrator({ db: store.db, ports, now }).deploy(request(), new AbortController().signal);
    return { outcome, ports, content };
  }

  const row = (id: string) => new DeploymentsRepository(store.db).get(id)!;
  const never = new AbortController().signal;

  it('deploy --mode review stops after its gates in awaiting-review: sandbox kept, lock released, no outcome recorded yet, report written', async () => {
    const seen: PipelineEvent[] = [];
    const ports = portsWithSandbox({ tree: 'tree-tested' });
    const orchestrator = new Orchestrator({ db: store.db, ports, now });
    orchestrator.events.on((e) => seen.push(e));
    const outcome = await orchestrator.deploy(request(), never);

    assert.equal(outcome.status, 'awaiting-review');
    assert.equal(outcome.goalReached, true, 'the pause is review mode’s goal');
    assert.equal(outcome.worktree, '/tmp/sandbox-x');
    assert.equal(outcome.branch, 'deploy-agent/add-x-1234');
    assert.deepEqual(ports.removed, [], 'the sandbox is the change under review');
    assert.equal(ports.released, 1, 'the repository lock is not held through a review');
    assert.ok(!ports.calls.some((c) => c.startsWith('outcome:')), 'no outcome: learning and the breaker do not see it yet');
    assert.ok(!ports.calls.includes('commit'));
    assert.equal(row(outcome.id).status, 'awaiting-review');
    assert.equal(row(outcome.id).mode, 'review');
    const finished = seen.find((e) => e.type === 'deployment.finished');
    assert.ok(finished && finished.type === 'deployment.finished' && finished.status === 'awaiting-review' && finished.goalReached);
    const steps = new StepsRepository(store.db).list(outcome.id);
    assert.deepEqual(steps.map((s) => s.name).slice(-2), ['review', 'learn']);
    assert.equal((steps.find((s) => s.name === 'review')!.artifacts as { testedTree?: string }).testedTree, 'tree-tested');
  });

  it('ship --mode local-commit commits the unchanged sandbox without testing again, records the outcome; the duration leaves out the wait', async () => {
    const { outcome: first } = await paused();
    const pausedFor = row(first.id).durationMs!;
    clock += 5 * HOUR; // the person reviews for five hours
    const ports = portsWithSandbox({ tree: 'tree-tested' });
    const shipped = await new Orchestrator({ db: store.db, ports, now }).ship(first.id, 'local-commit', never);

    assert.equal(shipped.status, 'succeeded');
    assert.equal(shipped.goalReached, true);
    assert.equal(shipped.mode, 'local-commit');
    assert.equal(shipped.commit, 'c0ffee0000000000000000000000000000000000');
    assert.ok(!ports.calls.includes('runTests'), 'the sandbox is the tree that passed');
    assert.deepEqual(ports.calls.filter((c) => ['acquireLock', 'commit', 'outcome:succeeded'].includes(c)), ['acquireLock', 'commit', 'outcome:succeeded']);
    assert.deepEqual(ports.removed, [{ deleteBranch: false }], 'the branch with the commit stays');
    assert.equal(row(first.id).status, 'succeeded');
    assert.equal(row(first.id).mode, 'local-commit');
    assert.ok(row(first.id).durationMs! < pausedFor + 60_000, `duration ${row(first.id).durationMs} ms includes the review wait`);
    const steps = new StepsRepository(store.db).list(first.id).map((s) => `${s.name}:${s.status}`);
    assert.deepEqual(steps.slice(-4), ['learn:succeeded', 'retest:skipped', 'commit:succeeded', 'learn:succeeded']);
  });

  it('the report of a shipped review lists each step once, `learn` last, and says why the ship’s check did not run', async () => {
    const { outcome: first } = await paused();
    await new Orchestrator({ db: store.db, ports: portsWithSandbox({ tree: 'tree-tested' }), now }).ship(first.id, 'local-commit', never);
    const report = collectReport(store.db, first.id)!;
    assert.deepEqual(
      report.steps.map((s) => `${s.name}:${s.status}:${s.runs}`),
      ['validate', 'safety', 'context', 'strategy', 'sandbox', 'implement', 'write-tests', 'run-tests'].map((s) => `${s}:succeeded:1`).concat(['repair:skipped:0', 'review:succeeded:1', 'retest:skipped:0', 'commit:succeeded:1', 'learn:succeeded:2']),
      'learn closed the review pause and the ship: one row, at the end',
    );
    const markdown = renderReportMarkdown(report);
    assert.equal(markdown.match(/^\| learn \|/gm)?.length, 1, markdown);
    assert.match(markdown, /\| learn \| succeeded \(2 runs\) \|/);
    assert.match(markdown, /\| retest \| not run: the sandbox is unchanged since its tests passed \|/);
    assert.match(markdown, /\| repair \| not run: the tests passed, nothing to repair \|/);
    assert.doesNotMatch(markdown, /\| skipped \|/);

    // A "run the tests again" that passed, then a ship with nothing left to check: the row is the check that ran.
    const { outcome: second, content } = await paused();
    content.tree = 'tree-edited';
    await new Orchestrator({ db: store.db, ports: portsWithSandbox(content, { testRuns: [passing(3)] }), now }).retest(second.id, never);
    await new Orchestrator({ db: store.db, ports: portsWithSandbox(content), now }).ship(second.id, 'local-commit', never);
    const retest = collectReport(store.db, second.id)!.steps.find((s) => s.name === 'retest')!;
    assert.deepEqual([retest.status, retest.runs, retest.note], ['succeeded', 1, null]);
  });

  it('full-pr ships like a one-shot full-pr: retest of the user’s edit, commit, push, pull request', async () => {
    const { outcome: first, content } = await paused();
    content.tree = 'tree-edited-by-user';
    const ports = portsWithSandbox(content, { testRuns: [passing(5)] });
    const shipped = await new Orchestrator({ db: store.db, ports, now }).ship(first.id, 'full-pr', never);
    assert.equal(shipped.status, 'succeeded');
    assert.equal(shipped.prUrl, 'https://github.example/o/r/pull/1');
    assert.deepEqual(shipped.tests, { passed: 5, failed: 0, skipped: 0 });
    assert.deepEqual(ports.calls.filter((c) => ['runTests', 'commit', 'push', 'pr:ready'].includes(c)), ['runTests', 'commit', 'push', 'pr:ready']);
    const runs = new TestRunsRepository(store.db).list(first.id);
    assert.equal(runs.at(-1)!.passed, 5, 'the re-run is recorded with the deployment');
    const retest = new StepsRepository(store.db).list(first.id).find((s) => s.name === 'retest')!;
    assert.equal(retest.status, 'succeeded');
    assert.deepEqual((retest.artifacts as { lastCheck: { changed: boolean; ok: boolean } }).lastCheck.changed, true);
  });

  it('the panel’s second click: a deployment shipped as local-commit is pushed and its pull request opened by ship full-pr', async () => {
    const { outcome: first } = await paused();
    await new Orchestrator({ db: store.db, ports: portsWithSandbox({ tree: 'tree-tested' }), now }).ship(first.id, 'local-commit', never);
    const ports = portsWithSandbox({ tree: 'gone' });
    const pushed = await new Orchestrator({ db: store.db, ports, now }).ship(first.id, 'full-pr', never);
    assert.equal(pushed.status, 'succeeded');
    assert.equal(pushed.mode, 'full-pr');
    assert.equal(pushed.prUrl, 'https://github.example/o/r/pull/1');
    assert.deepEqual(ports.calls.filter((c) => ['runTests', 'commit', 'push', 'pr:ready'].includes(c)), ['push', 'pr:ready'], 'only the branch is needed');
    assert.equal(row(first.id).mode, 'full-pr');
    assert.equal(row(first.id).commitSha, 'c0ffee0000000000000000000000000000000000');
    await assert.rejects(new Orchestrator({ db: store.db, ports, now }).ship(first.id, 'full-pr', never), (e: Error & { code?: string }) => e.code === 'NOT_AWAITING_REVIEW');
  });

  it('a ship whose check fails commits nothing and goes back to awaiting-review; after a passing "run tests again" it ships without testing again', async () => {
    const { outcome: first, content } = await paused();
    content.tree = 'tree-broken-by-user';
    const failingPorts = portsWithSandbox(content, { testRuns: [failing()] });
    const refused = await new Orchestrator({ db: store.db, ports: failingPorts, now }).ship(first.id, 'full-pr', never);
    assert.equal(refused.status, 'awaiting-review');
    assert.equal(refused.goalReached, false);
    assert.equal(refused.error?.code, 'TESTS_FAILED');
    assert.match(refused.error!.hint, /waits for review again/);
    assert.ok(!failingPorts.calls.includes('commit'));
    assert.deepEqual(failingPorts.removed, [], 'the user’s edit is kept');
    assert.equal(row(first.id).status, 'awaiting-review');
    assert.equal(row(first.id).mode, 'review', 'back to the review it was');
    assert.equal(row(first.id).commitSha, null);
    assert.ok(!failingPorts.calls.some((c) => c.startsWith('outcome:')));

    content.tree = 'tree-fixed-by-user';
    const retestPorts = portsWithSandbox(content, { testRuns: [passing(4)] });
    const check = await new Orchestrator({ db: store.db, ports: retestPorts, now }).retest(first.id, never);
    assert.equal(check.ok, true);
    assert.equal(check.changed, true);
    assert.equal(check.status, 'awaiting-review');
    assert.deepEqual(check.tests, { passed: 4, failed: 0, skipped: 0 });
    assert.equal(row(first.id).status, 'awaiting-review');

    const shipPorts = portsWithSandbox(content);
    const shipped = await new Orchestrator({ db: store.db, ports: shipPorts, now }).ship(first.id, 'local-commit', never);
    assert.equal(shipped.status, 'succeeded');
    assert.ok(!shipPorts.calls.includes('runTests'), 'the fixed tree already passed');
  });

  it('a failing "run tests again" reports what failed and the deployment keeps waiting', async () => {
    const { outcome: first, content } = await paused();
    content.tree = 'tree-broken';
    const ports = portsWithSandbox(content, { testRuns: [failing()] });
    const check = await new Orchestrator({ db: store.db, ports, now }).retest(first.id, never);
    assert.equal(check.ok, false);
    assert.equal(check.status, 'awaiting-review');
    assert.equal(check.failures[0]?.name, 'adds numbers');
    assert.match(check.problems[0]!, /1 test still fails after 0 repair rounds/);
    assert.equal(row(first.id).status, 'awaiting-review');
    assert.equal(check.error, null);
  });

  it('discard removes the sandbox and the branch and records the outcome as a person’s decision', async () => {
    const { outcome: first } = await paused();
    const ports = portsWithSandbox({ tree: 'x' });
    const discarded = await new Orchestrator({ db: store.db, ports, now }).discard(first.id);
    assert.equal(discarded.status, 'cancelled');
    assert.deepEqual(ports.removed, [{ deleteBranch: true }]);
    assert.deepEqual(ports.calls.filter((c) => c.startsWith('outcome:')), ['outcome:cancelled']);
    assert.equal(row(first.id).status, 'cancelled');
    assert.equal(row(first.id).errorCode, 'DISCARDED');
    assert.equal(row(first.id).branch, null);
  });

  it('refuses what does not wait for review, a vanished sandbox, and a second ship of the same deployment', async () => {
    const oneShot = await new Orchestrator({ db: store.db, ports: scriptedPorts(), now }).deploy(request({ mode: 'dry-run' }), never);
    await assert.rejects(new Orchestrator({ db: store.db, ports: scriptedPorts(), now }).ship(oneShot.id, 'full-pr', never), (e: Error & { code?: string }) => e.code === 'NOT_AWAITING_REVIEW');
    await assert.rejects(new Orchestrator({ db: store.db, ports: scriptedPorts(), now }).discard('nope'), (e: Error & { code?: string }) => e.code === 'DEPLOYMENT_NOT_FOUND');

    const { outcome: first } = await paused();
    await assert.rejects(
      new Orchestrator({ db: store.db, ports: scriptedPorts({ sandboxExists: async () => false }), now }).ship(first.id, 'local-commit', never),
      (e: Error & { code?: string; hint?: string }) => e.code === 'SANDBOX_GONE' && /discard/.test(e.hint ?? ''),
    );
    assert.equal(row(first.id).status, 'awaiting-review', 'still there to discard');

    // Two ships at once: the second finds it taken.
    let release!: () => void;
    const slow = portsWithSandbox({ tree: 'tree-tested' }, { commit: () => new Promise((resolve) => (release = () => resolve({ sha: 'c0ffee' }))) });
    const firstShip = new Orchestrator({ db: store.db, ports: slow, now }).ship(first.id, 'local-commit', never);
    for (let i = 0; i < 200 && !release; i++) await new Promise((r) => setTimeout(r, 5));
    await assert.rejects(new Orchestrator({ db: store.db, ports: scriptedPorts(), now }).ship(first.id, 'full-pr', never), (e: Error & { code?: string }) => e.code === 'NOT_AWAITING_REVIEW');
    release();
    assert.equal((await firstShip).status, 'succeeded');
  });

  it('a ship killed at its commit is resumed: the sandbox is checked again as it is (never put back), then committed once', async () => {
    const { outcome: first, content } = await paused();
    content.tree = 'tree-edited';
    let reached = false;
    const hanging = portsWithSandbox(content, { testRuns: [passing()], commit: () => ((reached = true), new Promise(() => undefined)) });
    void new Orchestrator({ db: store.db, ports: hanging, now, pid: DEAD_PID }).ship(first.id, 'local-commit', never);
    for (let i = 0; i < 200 && !reached; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(reached, 'never reached the commit');
    assert.equal(row(first.id).status, 'running');

    const ports = portsWithSandbox(content);
    const resumed = await new Orchestrator({ db: store.db, ports, now }).resume(first.id, never);
    assert.equal(resumed.status, 'succeeded');
    assert.equal(resumed.mode, 'local-commit');
    assert.equal(resumed.resumedFrom, 'retest');
    assert.deepEqual(ports.restored, [], 'the user’s edits are not put back to an earlier tree');
    assert.ok(!ports.calls.includes('runTests'), 'the edited tree passed its check before the kill');
    assert.equal(ports.calls.filter((c) => c === 'commit').length, 1);
    const requests = new EventsRepository(store.db).list(first.id, 'request').map((e) => (e.payload as DeployRequest).mode);
    assert.deepEqual(requests, ['review', 'local-commit']);
  });
});
