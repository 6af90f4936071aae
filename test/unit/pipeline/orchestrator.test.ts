import assert from 'node:assert/strict';
import path from 'node:path';
import { DeployAgentError } from '../../../src/core/errors';
import type { PipelineEvent } from '../../../src/core/pipeline/events';
import { Orchestrator } from '../../../src/core/pipeline/orchestrator';
import type { DeployRequest } from '../../../src/core/pipeline/ports';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { EventsRepository, StepsRepository, TestRunsRepository } from '../../../src/core/store/steps';
import { tempDir } from '../../support/temp';
import { failing, passing, scriptedPorts } from './scripted-ports';

const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max default: never a live process

describe('pipeline orchestrator', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: HistoryStore;

  beforeEach(() => {
    dir = tempDir();
    store = openHistoryStore(path.join(dir.path, 'history.db'));
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  const request = (overrides: Partial<DeployRequest> = {}): DeployRequest => ({
    recommendationFile: path.join(dir.path, 'rec.json'),
    workspaceDir: dir.path,
    mode: 'dry-run',
    strategy: 'auto',
    keepWorktree: false,
    wait: false,
    ...overrides,
  });

  it('runs a dry run step by step, repairs a planted failure once, persists every step and removes the branch', async () => {
    const ports = scriptedPorts({ testRuns: [failing(), passing()] });
    const orchestrator = new Orchestrator({ db: store.db, ports });
    const seen: PipelineEvent[] = [];
    orchestrator.events.on((e) => seen.push(e));

    const outcome = await orchestrator.deploy(request(), new AbortController().signal);

    assert.equal(outcome.status, 'succeeded');
    assert.equal(outcome.goalReached, true);
    assert.equal(outcome.repairs, 1);
    assert.deepEqual(outcome.tests, { passed: 3, failed: 0, skipped: 0 });
    assert.equal(outcome.branch, null, 'a dry run keeps no branch');
    assert.deepEqual(ports.removed, [{ deleteBranch: true }]);
    assert.equal(ports.released, 1);
    assert.deepEqual(ports.calls.filter((c) => c.startsWith('phase:')), ['phase:implement', 'phase:tests', 'phase:fix']);
    assert.ok(!ports.calls.includes('commit'));

    const steps = new StepsRepository(store.db).list(outcome.id);
    assert.deepEqual(
      steps.map((s) => `${s.name}:${s.status}`),
      ['validate', 'safety', 'context', 'strategy', 'sandbox', 'implement', 'write-tests', 'run-tests', 'repair', 'review', 'learn'].map((n) => `${n}:succeeded`),
    );
    for (const step of steps) assert.ok(step.finishedAt! >= step.startedAt);
    const runs = new TestRunsRepository(store.db).list(outcome.id);
    assert.deepEqual(runs.map((r) => [r.passed, r.failed]), [[2, 1], [3, 0]]);
    const row = new DeploymentsRepository(store.db).get(outcome.id)!;
    assert.equal(row.status, 'succeeded');
    assert.equal(row.title, 'Add x');
    assert.equal(row.strategy, 'balanced');

    const types = seen.map((e) => e.type);
    assert.equal(types[0], 'deployment.started');
    assert.equal(types.at(-1), 'deployment.finished');
    assert.equal(seen.filter((e) => e.type === 'test.result').length, 2);
    const persisted = new EventsRepository(store.db).list(outcome.id).map((e) => e.type);
    assert.equal(persisted.filter((t) => t === 'step.started').length, 11);
  });

  it('local-commit commits on the branch and keeps it; full-pr pushes and opens a (draft when conservative) pull request', async () => {
    const local = scriptedPorts();
    const localOutcome = await new Orchestrator({ db: store.db, ports: local }).deploy(request({ mode: 'local-commit' }), new AbortController().signal);
    assert.equal(localOutcome.status, 'succeeded');
    assert.equal(localOutcome.commit, 'c0ffee0000000000000000000000000000000000');
    assert.equal(localOutcome.branch, 'deploy-agent/add-x-1234');
    assert.deepEqual(local.removed, [{ deleteBranch: false }]);
    assert.ok(!local.calls.includes('push'));

    const pr = scriptedPorts({ decideStrategy: async () => ({ name: 'conservative', testScope: 'full', repairRounds: 1, draftPr: true, timeLimitMs: 1, reasons: [] }) });
    const prOutcome = await new Orchestrator({ db: store.db, ports: pr }).deploy(request({ mode: 'full-pr' }), new AbortController().signal);
    assert.equal(prOutcome.status, 'succeeded');
    assert.equal(prOutcome.prUrl, 'https://github.example/o/r/pull/1');
    assert.deepEqual(pr.calls.filter((c) => ['commit', 'push', 'pr:draft'].includes(c)), ['commit', 'push', 'pr:draft']);
  });

  it('fails at review when the tests still fail after the strategy\'s repair rounds, and ships nothing', async () => {
    const ports = scriptedPorts({ testRuns: [failing()] });
    const outcome = await new Orchestrator({ db: store.db, ports }).deploy(request({ mode: 'full-pr' }), new AbortController().signal);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.goalReached, false);
    assert.equal(outcome.error?.code, 'TESTS_FAILED');
    assert.equal(outcome.repairs, 2);
    assert.ok(!ports.calls.includes('commit'));
    assert.deepEqual(ports.removed, [{ deleteBranch: true }]);
    assert.ok(ports.calls.includes('outcome:failed'));
    const review = new StepsRepository(store.db).list(outcome.id).find((s) => s.name === 'review')!;
    assert.equal(review.status, 'failed');
    assert.equal(review.errorCode, 'TESTS_FAILED');
  });

  it('a configured coverage threshold that cannot be measured refuses the change instead of passing silently', async () => {
    const ports = scriptedPorts({
      testRuns: [{ ...passing(), coverageNote: 'cargo test on stable reports no coverage' }],
      decideStrategy: async () => ({ name: 'balanced', testScope: 'generated', repairRounds: 2, draftPr: false, timeLimitMs: 60000, coverageThreshold: 80, reasons: ['default'] }),
    });
    const outcome = await new Orchestrator({ db: store.db, ports }).deploy(request({ mode: 'local-commit' }), new AbortController().signal);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.code, 'COVERAGE_NOT_MEASURED');
    assert.match(outcome.error!.message, /80%.*cargo test on stable reports no coverage/);
    assert.ok(!ports.calls.includes('commit'));
  });

  it('the strategy\'s type-check gate refuses a change with type errors in its files; a skipped gate says why and lets it through', async () => {
    const levers = { name: 'balanced', testScope: 'generated' as const, repairRounds: 2, draftPr: false, timeLimitMs: 60000, typecheckGate: true, lintGate: true, reasons: ['default'] };
    const gateFails = scriptedPorts({
      decideStrategy: async () => levers,
      runQualityGates: async () => [
        { gate: 'typecheck', command: 'tsc --noEmit', ok: false, problems: ["src/mul.ts(2,3): error TS2322: Type 'string' is not assignable to type 'number'."], preexisting: 2, durationMs: 5, output: '' },
        { gate: 'lint', command: null, ok: true, skipped: 'no ESLint configuration with a local eslint', problems: [], preexisting: 0, durationMs: 0, output: '' },
      ],
    });
    const refused = await new Orchestrator({ db: store.db, ports: gateFails }).deploy(request({ mode: 'local-commit' }), new AbortController().signal);
    assert.equal(refused.status, 'failed');
    assert.equal(refused.error?.code, 'QUALITY_GATE_FAILED');
    assert.match(refused.error!.message, /tsc --noEmit found 1 problem in the change: src\/mul\.ts\(2,3\).*after 2 of 2 repair round/);
    assert.ok(!gateFails.calls.includes('commit'));
    // Both repair rounds went to the type errors (the tests passed at once), and the gates ran after each.
    assert.deepEqual(gateFails.calls.filter((c) => c.startsWith('phase:')), ['phase:implement', 'phase:tests', 'phase:fix', 'phase:fix']);
    const recorded = new EventsRepository(store.db).list(refused.id, 'quality.gate').map((e) => e.payload as { gate: string; ok: boolean });
    assert.deepEqual(recorded.map((r) => [r.gate, r.ok]), [['typecheck', false], ['lint', true], ['typecheck', false], ['lint', true], ['typecheck', false], ['lint', true]]);

    const gateSkips = scriptedPorts({ decideStrategy: async () => levers, runQualityGates: async () => [{ gate: 'typecheck', command: null, ok: true, skipped: 'no tsconfig.json with a local TypeScript', problems: [], preexisting: 0, durationMs: 0, output: '' }] });
    const shipped = await new Orchestrator({ db: store.db, ports: gateSkips }).deploy(request({ mode: 'local-commit' }), new AbortController().signal);
    assert.equal(shipped.status, 'succeeded');
    assert.ok(gateSkips.calls.includes('commit'));
  });

  it('type errors in the change are repaired like failing tests: a fix round gets them, then the tests and the gates run again', async () => {
    const levers = { name: 'balanced', testScope: 'generated' as const, repairRounds: 2, draftPr: false, timeLimitMs: 60000, typecheckGate: true, reasons: ['default'] };
    const typeError = "src/mul.ts(2,3): error TS2322: Type 'string' is not assignable to type 'number'.";
    let gateRuns = 0;
    const fixInputs: (string | undefined)[] = [];
    const recoveries: { action: string; answered: string | undefined; succeeded: boolean; round: number }[] = [];
    const ports = scriptedPorts({
      decideStrategy: async () => levers,
      runQualityGates: async () => [
        gateRuns++ === 0
          ? { gate: 'typecheck', command: 'tsc --noEmit', ok: false, problems: [typeError], preexisting: 0, durationMs: 5, output: '' }
          : { gate: 'typecheck', command: 'tsc --noEmit', ok: true, problems: [], preexisting: 0, durationMs: 5, output: '' },
      ],
      runPhase: async (input) => {
        if (input.phase === 'fix') fixInputs.push(input.failingOutput);
        return { ok: true, summary: 'ok', filesWritten: input.phase === 'fix' ? ['src/mul.ts'] : [], inputTokens: 1, outputTokens: 1, costUsd: 0, provider: 'ollama', model: 'qwen' };
      },
      recordRecovery: (r) => void recoveries.push({ action: r.action, answered: r.answered, succeeded: r.succeeded, round: r.round }),
    });
    const outcome = await new Orchestrator({ db: store.db, ports }).deploy(request({ mode: 'local-commit' }), new AbortController().signal);
    assert.equal(outcome.status, 'succeeded', outcome.error?.message);
    assert.equal(outcome.repairs, 1);
    assert.equal(fixInputs.length, 1);
    assert.match(fixInputs[0]!, /tsc --noEmit found these problems in files of the change:\nsrc\/mul\.ts\(2,3\): error TS2322/);
    assert.deepEqual(recoveries, [{ action: 'fix', answered: 'typecheck', succeeded: true, round: 1 }]);
    assert.equal(gateRuns, 2);
    assert.equal(ports.calls.filter((c) => c === 'runTests').length, 2, 'the tests ran again after the fix');
    assert.ok(ports.calls.includes('commit'));
  });

  it('a gate repair that breaks a test is refused as failing tests, and nothing is committed', async () => {
    const levers = { name: 'balanced', testScope: 'generated' as const, repairRounds: 2, draftPr: false, timeLimitMs: 60000, lintGate: true, reasons: ['default'] };
    const ports = scriptedPorts({
      testRuns: [passing(), failing()],
      decideStrategy: async () => levers,
      runQualityGates: async () => [{ gate: 'lint', command: 'eslint', ok: false, problems: ['src/mul.ts:1:1 no-var'], preexisting: 0, durationMs: 5, output: '' }],
    });
    const outcome = await new Orchestrator({ db: store.db, ports }).deploy(request({ mode: 'local-commit' }), new AbortController().signal);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.code, 'TESTS_FAILED');
    assert.ok(!ports.calls.includes('commit'));
  });

  it('escalates one more repair round to the next provider when the rounds on the first left the tests failing', async () => {
    const escalated: unknown[] = [];
    const ports = scriptedPorts({
      testRuns: [failing(), failing(), failing(), passing()],
      canEscalate: () => true,
      runPhase: async (input) => {
        if (input.escalateFrom) escalated.push(input.escalateFrom);
        return { ok: true, summary: 'ok', filesWritten: [], inputTokens: 1, outputTokens: 1, costUsd: 0, provider: input.escalateFrom ? 'anthropic' : 'ollama', model: input.escalateFrom ? 'claude' : 'qwen' };
      },
    });
    const outcome = await new Orchestrator({ db: store.db, ports }).deploy(request(), new AbortController().signal);
    assert.equal(outcome.status, 'succeeded');
    assert.equal(outcome.repairs, 3);
    assert.deepEqual(escalated, [{ provider: 'ollama', model: 'qwen' }]);
  });

  it('refuses to ship a change with credentials or with writes outside the sandbox', async () => {
    const secrets = scriptedPorts({ review: async () => ({ secrets: [{ path: 'src/x.js', line: 3, kind: 'aws-access-key' }], outsideSandbox: [], diffStat: { files: 1, insertions: 1, deletions: 0, paths: [] } }) });
    const a = await new Orchestrator({ db: store.db, ports: secrets }).deploy(request({ mode: 'local-commit' }), new AbortController().signal);
    assert.equal(a.error?.code, 'CREDENTIALS_IN_CHANGE');
    assert.ok(!secrets.calls.includes('commit'));

    const outside = scriptedPorts({ review: async () => ({ secrets: [], outsideSandbox: ['README.md'], diffStat: { files: 0, insertions: 0, deletions: 0, paths: [] } }) });
    const b = await new Orchestrator({ db: store.db, ports: outside }).deploy(request({ mode: 'local-commit' }), new AbortController().signal);
    assert.equal(b.error?.code, 'WRITE_OUTSIDE_SANDBOX');
  });

  it('a failing safety gate stops the deployment before any model call', async () => {
    const ports = scriptedPorts({
      acquireLock: async () => {
        throw new DeployAgentError('REPOSITORY_BUSY', 'Another deployment runs on this repository.', 'Wait for it or drop --no-wait.');
      },
    });
    const outcome = await new Orchestrator({ db: store.db, ports }).deploy(request(), new AbortController().signal);
    assert.equal(outcome.status, 'refused', 'a refusal is not a failed deployment');
    assert.equal(outcome.error?.code, 'REPOSITORY_BUSY');
    assert.ok(!ports.calls.some((c) => c.startsWith('phase:')));
    assert.ok(!ports.calls.includes('createSandbox'));
  });

  it('cancels cleanly: the running step is marked cancelled, the sandbox removed, the lock released', async () => {
    const controller = new AbortController();
    const ports = scriptedPorts({
      runPhase: (input) =>
        new Promise((_resolve, reject) => {
          input.signal.addEventListener('abort', () => reject(new DeployAgentError('CANCELLED', 'Cancelled.', '')), { once: true });
          setTimeout(() => controller.abort(new Error('Ctrl-C')), 5);
        }),
    });
    const outcome = await new Orchestrator({ db: store.db, ports }).deploy(request({ mode: 'local-commit' }), controller.signal);
    assert.equal(outcome.status, 'cancelled');
    assert.equal(outcome.goalReached, false);
    assert.deepEqual(ports.removed, [{ deleteBranch: true }]);
    assert.equal(ports.released, 1);
    const implement = new StepsRepository(store.db).list(outcome.id).find((s) => s.name === 'implement')!;
    assert.equal(implement.status, 'cancelled');
    assert.equal(new DeploymentsRepository(store.db).get(outcome.id)!.status, 'cancelled');
  });

  it('keeps the worktree when asked', async () => {
    const ports = scriptedPorts();
    const outcome = await new Orchestrator({ db: store.db, ports }).deploy(request({ keepWorktree: true }), new AbortController().signal);
    assert.equal(outcome.worktree, '/tmp/sandbox-x');
    assert.deepEqual(ports.removed, []);
  });

  describe('resume', () => {
    /** Starts a deployment that hangs forever in `step`, as a process killed there would leave it, owned by a dead pid. */
    async function interruptedAt(phase: 'implement' | 'fix', mode: DeployRequest['mode'] = 'local-commit'): Promise<string> {
      let id = '';
      const hanging = scriptedPorts({
        testRuns: [failing(), passing()],
        runPhase: (input) =>
          input.phase === phase
            ? new Promise(() => undefined)
            : Promise.resolve({ ok: true, summary: 'ok', filesWritten: ['a.js'], inputTokens: 1, outputTokens: 1, costUsd: 0 }),
      });
      const orchestrator = new Orchestrator({ db: store.db, ports: hanging, pid: DEAD_PID, onStepStarted: (_s, d) => (id = d) });
      void orchestrator.deploy(request({ mode }), new AbortController().signal);
      const step = phase === 'fix' ? 'repair' : phase;
      for (let i = 0; i < 200; i++) {
        if (id && new StepsRepository(store.db).list(id).some((s) => s.name === step && s.status === 'running')) return id;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error('never reached the step');
    }

    it('continues from the step that was interrupted, restoring the sandbox to the last completed step', async () => {
      const id = await interruptedAt('implement');
      const ports = scriptedPorts();
      const outcome = await new Orchestrator({ db: store.db, ports }).resume(id, new AbortController().signal);
      assert.equal(outcome.status, 'succeeded');
      assert.equal(outcome.resumedFrom, 'implement');
      assert.equal(outcome.commit, 'c0ffee0000000000000000000000000000000000');
      assert.ok(!ports.calls.includes('loadRecommendation'), 'validate is not run again');
      assert.ok(!ports.calls.includes('createSandbox'), 'the sandbox is reused');
      assert.deepEqual(ports.calls.filter((c) => c.startsWith('phase:')), ['phase:implement', 'phase:tests']);
      assert.equal(ports.restored.length, 1, 'the half-written sandbox is put back first');
      const steps = new StepsRepository(store.db).list(id);
      const firstImplement = steps.find((s) => s.name === 'implement')!;
      assert.equal(firstImplement.status, 'failed');
      assert.equal(firstImplement.errorCode, 'INTERRUPTED');
      assert.equal(steps.filter((s) => s.name === 'implement' && s.status === 'succeeded').length, 1);
    });

    it('continues an interrupted repair round with the failing test output it had', async () => {
      const id = await interruptedAt('fix');
      const ports = scriptedPorts({ testRuns: [passing(4)] });
      const outcome = await new Orchestrator({ db: store.db, ports }).resume(id, new AbortController().signal);
      assert.equal(outcome.status, 'succeeded');
      assert.equal(outcome.resumedFrom, 'repair');
      assert.equal(outcome.repairs, 1);
      assert.deepEqual(outcome.tests, { passed: 4, failed: 0, skipped: 0 });
    });

    it('rolls back when the sandbox is gone', async () => {
      const id = await interruptedAt('implement');
      const ports = scriptedPorts({ sandboxExists: async () => false });
      const outcome = await new Orchestrator({ db: store.db, ports }).resume(id, new AbortController().signal);
      assert.equal(outcome.status, 'rolled_back');
      assert.equal(outcome.error?.code, 'RESUME_ROLLED_BACK');
      assert.deepEqual(ports.removed, [{ deleteBranch: true }]);
      assert.equal(new DeploymentsRepository(store.db).get(id)!.status, 'rolled_back');
    });

    it('refuses a deployment that already ended, or that is still running in a live process', async () => {
      const done = await new Orchestrator({ db: store.db, ports: scriptedPorts() }).deploy(request(), new AbortController().signal);
      await assert.rejects(new Orchestrator({ db: store.db, ports: scriptedPorts() }).resume(done.id, new AbortController().signal), { code: 'NOT_RESUMABLE' });
      await assert.rejects(new Orchestrator({ db: store.db, ports: scriptedPorts() }).resume('nope', new AbortController().signal), { code: 'DEPLOYMENT_NOT_FOUND' });

      let id = '';
      const live = new Orchestrator({ db: store.db, ports: scriptedPorts({ runPhase: () => new Promise(() => undefined) }), pid: process.ppid, onStepStarted: (_s, d) => (id = d) });
      void live.deploy(request(), new AbortController().signal);
      while (!id) await new Promise((r) => setTimeout(r, 5));
      await assert.rejects(new Orchestrator({ db: store.db, ports: scriptedPorts() }).resume(id, new AbortController().signal), { code: 'DEPLOYMENT_STILL_RUNNING' });
    });
  });
});
