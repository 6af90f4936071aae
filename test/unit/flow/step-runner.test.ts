import assert from 'node:assert/strict';
import path from 'node:path';
import { DeployAgentError } from '../../../src/core/errors';
import type { FlowEvent } from '../../../src/core/deployment/events';
import { firstIncomplete, StepRunner } from '../../../src/core/flow/step-runner';
import type { ClosingStep, FlowState, Step, StepContext } from '../../../src/core/flow/step';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { StepsRepository } from '../../../src/core/store/steps';
import { tempDir } from '../../support/temp';

const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max default: never a live process

/** A second flow on the same runner, shaped like a release: its own step names, state and closing step. */
type Name = 'connect' | 'upload' | 'switch' | 'finish';
interface ToyState extends FlowState {
  host?: string;
  release?: string;
  current?: string;
}
type ToyStep = Step<ToyState, Name>;

const connect: ToyStep = { name: 'connect', run: async () => ({ host: 'h1' }), summary: (s) => s.host };
const upload = (work: () => Promise<void> = async () => undefined): ToyStep => ({
  name: 'upload',
  run: async (state, ctx) => {
    ctx.progress(`uploading to ${state.host}`);
    await work();
    return { release: 'r1' };
  },
});
const switchStep: ToyStep = { name: 'switch', run: async (state) => ({ current: state.release }) };

describe('the step runner, with a flow of its own steps', () => {
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

  function start(runner: StepRunner<Name>, id: string): ToyState {
    runner.open({ id, repoPath: '/srv/app', title: 'release r1', status: 'running', createdAt: runner.now(), startedAt: runner.now() }, { target: 'staging' });
    return { id, warnings: [] };
  }

  function toyRun(runner: StepRunner<Name>, state: ToyState, steps: ToyStep[], options: { signal?: AbortSignal; resumedFrom?: Name | null; closed?: string[] } = {}) {
    const closing: ClosingStep<ToyState, Name> = {
      name: 'finish',
      run: async (_state, ctx, ending) => void options.closed?.push(`${ending.status}${ctx.resuming ? ' (resumed)' : ''}`),
    };
    return runner.run({ state, steps, closing, signal: options.signal ?? new AbortController().signal, mode: 'release', resumedFrom: options.resumedFrom ?? null, context: (base: StepContext<Name>) => base });
  }

  it('records each step as it starts and ends, keeps its result as artifacts, publishes typed events, releases what a step held', async () => {
    const runner = new StepRunner<Name>({ db: store.db });
    const seen: FlowEvent<Name>[] = [];
    runner.events.on((e) => seen.push(e));
    const state = start(runner, 'r-1');
    let released = 0;
    const lock: ToyStep = { name: 'connect', run: async (_s, ctx) => (ctx.hold({ release: () => void released++ }, 'the target lock'), { host: 'h1' }) };
    const closed: string[] = [];

    const end = await toyRun(runner, state, [lock, upload(), switchStep], { closed });

    assert.equal(end.status, 'succeeded');
    assert.equal(released, 1);
    assert.deepEqual(closed, ['succeeded']);
    assert.deepEqual(state, { id: 'r-1', warnings: [], host: 'h1', release: 'r1', current: 'r1' });
    const rows = new StepsRepository<Name>(store.db).list('r-1');
    assert.deepEqual(rows.map((r) => [r.name, r.status, r.artifacts]), [
      ['connect', 'succeeded', { host: 'h1' }],
      ['upload', 'succeeded', { release: 'r1' }],
      ['switch', 'succeeded', { current: 'r1' }],
      ['finish', 'succeeded', {}],
    ]);
    assert.equal(new DeploymentsRepository(store.db).get('r-1')!.status, 'succeeded');
    assert.deepEqual(seen.map((e) => (e.type === 'step.started' || e.type === 'step.progress' ? `${e.type}:${e.step}` : e.type)), [
      'deployment.started',
      'step.started:connect',
      'step.finished',
      'step.started:upload',
      'step.progress:upload',
      'step.finished',
      'step.started:switch',
      'step.finished',
      'step.started:finish',
      'step.finished',
      'deployment.finished',
    ]);
  });

  it('a failing step ends the run as failed with its error; the closing step still runs; a cancel ends it as cancelled', async () => {
    const runner = new StepRunner<Name>({ db: store.db });
    const closed: string[] = [];
    const broken = upload(async () => {
      throw new DeployAgentError('NO_SPACE', 'No space left on the host.', 'Prune old releases.');
    });
    const failed = await toyRun(runner, start(runner, 'r-2'), [connect, broken, switchStep], { closed });
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.error, { code: 'NO_SPACE', message: 'No space left on the host.', hint: 'Prune old releases.' });
    assert.deepEqual(new StepsRepository<Name>(store.db).list('r-2').map((r) => `${r.name}:${r.status}`), ['connect:succeeded', 'upload:failed', 'finish:succeeded']);

    const controller = new AbortController();
    const slow = upload(() => new Promise((_resolve, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason))));
    const running = toyRun(runner, start(runner, 'r-3'), [connect, slow, switchStep], { signal: controller.signal, closed });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    const cancelled = await running;
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(closed, ['failed', 'cancelled']);
    assert.deepEqual(new StepsRepository<Name>(store.db).list('r-3').map((r) => `${r.name}:${r.status}`), ['connect:succeeded', 'upload:cancelled', 'finish:succeeded']);
    assert.equal(new DeploymentsRepository(store.db).get('r-3')!.status, 'cancelled');
  });

  it('reopens a run whose process died at the step it reached, with the state its completed steps left', async () => {
    const dead = new StepRunner<Name>({ db: store.db, pid: DEAD_PID });
    let reached = false;
    void toyRun(dead, start(dead, 'r-4'), [connect, upload(() => ((reached = true), new Promise(() => undefined))), switchStep]);
    while (!reached) await new Promise((r) => setTimeout(r, 5));

    const runner = new StepRunner<Name>({ db: store.db });
    const reopened = runner.reopen('r-4', { startAgainHint: 'Release again.' });
    assert.deepEqual(reopened.request, { target: 'staging' });
    assert.deepEqual([...reopened.completed], ['connect']);
    const plan: Name[] = ['connect', 'upload', 'switch'];
    const from = firstIncomplete(plan, reopened.completed);
    assert.equal(plan[from], 'upload');
    const state: ToyState = { id: 'r-4', warnings: [], ...reopened.artifacts };
    const closed: string[] = [];
    const end = await toyRun(runner, state, [upload(), switchStep], { resumedFrom: 'upload', closed });
    assert.equal(end.status, 'succeeded');
    assert.deepEqual(closed, ['succeeded (resumed)']);
    const rows = new StepsRepository<Name>(store.db).list('r-4');
    assert.deepEqual(rows.map((r) => `${r.name}:${r.status}${r.errorCode ? `:${r.errorCode}` : ''}`), ['connect:succeeded', 'upload:failed:INTERRUPTED', 'upload:succeeded', 'switch:succeeded', 'finish:succeeded']);

    assert.throws(() => runner.reopen('r-4', { startAgainHint: 'Release again.' }), { code: 'NOT_RESUMABLE', hint: 'Release again.' });
  });

  it('a run that ended can be continued by another plan when the flow says so (the shape of ship after a review pause)', async () => {
    const runner = new StepRunner<Name>({ db: store.db });
    await toyRun(runner, start(runner, 'r-5'), [connect, upload()]);

    const reopened = runner.reopen('r-5', { startAgainHint: 'Release again.', canContinue: (row, steps) => row.status === 'succeeded' && steps.some((s) => s.name === 'upload' && s.status === 'succeeded') });
    runner.recordRequest('r-5', { target: 'staging', then: 'switch' });
    const state: ToyState = { id: 'r-5', warnings: [], ...reopened.artifacts };
    const end = await toyRun(runner, state, [switchStep]);
    assert.equal(end.status, 'succeeded');
    assert.equal(state.current, 'r1', 'the continuing plan sees what the first one left');
    const rows = new StepsRepository<Name>(store.db).list('r-5');
    assert.deepEqual(rows.map((r) => r.name), ['connect', 'upload', 'finish', 'switch', 'finish']);
  });
});
