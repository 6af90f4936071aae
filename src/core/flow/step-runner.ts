import type Database from 'better-sqlite3';
import { DeployAgentError } from '../errors';
import { EventBus, type EventError, type FlowEvent } from '../deployment/events';
import type { LockHandle } from '../deployment/types';
import { startImpactProbe, type ImpactProbe } from '../report/system-impact';
import { isCancellation, throwIfAborted } from '../recovery/retry';
import { secretRegistry } from '../security/registry';
import { DeploymentsRepository, type DeploymentRow, type NewDeployment } from '../store/deployments';
import { EventsRepository, StepsRepository, type StepRow } from '../store/steps';
import { historyStoreError } from '../store/store-errors';
import { toEventError } from './event-error';
import { ownerAlive, ownerOf, recordOwner } from './owner';
import { Skipped, type ClosingStep, type FinalStatus, type FlowState, type Step, type StepContext, type StepResult } from './step';

export interface StepRunnerOptions<Name extends string> {
  db: Database.Database;
  events?: EventBus<FlowEvent<Name>>;
  now?: () => number;
  /** This process (the deployment's owner, recorded so that a dead owner is recognised). */
  pid?: number;
  /** Called right after a step's start is persisted (tests use it to kill the process at a chosen step). */
  onStepStarted?(step: Name, deploymentId: string): void;
  /**
   * Applied to every event and record before it is published or stored: a flow that knows secret
   * values (a release: the target's shared env files) masks them here.
   */
  redact?<T>(value: T): T;
}

/** One run of a flow's steps on one deployment (a new one, a resumed one, or a paused one continued by another plan). */
export interface FlowRun<State extends FlowState, Name extends string, Ctx extends StepContext<Name>> {
  state: State;
  /** The steps to run now, in order (for a resumed run: its plan from the first step that did not complete). */
  steps: readonly Step<State, Name, Ctx>[];
  closing: ClosingStep<State, Name, Ctx>;
  signal: AbortSignal;
  /** Shown in `deployment.started` (a code deployment's mode). */
  mode: string;
  /** The step this run resumes at, or null for a fresh run (then `ctx.resuming` is false). */
  resumedFrom: Name | null;
  /** The flow's own step context: the runner's plus what the flow's steps need (ports, repositories). */
  context(base: StepContext<Name>): Ctx;
  /** Before the first step: take again what a resumed run held before its process died (`hold` a lock). A throw fails the run. */
  prepare?(hold: StepContext<Name>['hold']): Promise<void>;
  /** After the final status is in the deployment row and before held resources are released: the flow records the outcome, writes its report. */
  recordEnd?(end: { status: FinalStatus; error: EventError | null }): Promise<void>;
  /** The status of a run whose steps all completed; `succeeded` unless the flow pauses there for a person. */
  statusWhenDone?: FinalStatus;
  /**
   * The status the run ends with, given the one it would end with (before the closing step runs,
   * which sees the result): a run that continues a paused deployment goes back to waiting when it
   * fails before it changed anything (a failed ship before its commit, a cancelled "run the tests
   * again"); the error is still returned and recorded.
   */
  settle?(status: FinalStatus, error: EventError | null): FinalStatus;
}

export interface FlowEnd {
  status: FinalStatus;
  error: EventError | null;
  durationMs: number;
}

/** A deployment taken up again in this process: the state its completed steps left, and its recorded request. */
export interface ReopenedDeployment<Name extends string> {
  row: DeploymentRow;
  /** The latest `request` event's payload (what the caller asked for; a later plan may record a newer one). */
  request: unknown;
  /** The artifacts of the completed (succeeded or skipped) steps, merged in order: assign them onto a fresh state. */
  artifacts: Record<string, unknown>;
  completed: Set<Name>;
}

/** Statuses that `reopen` accepts without asking the flow. */
const RESUMABLE = ['running', 'interrupted', 'pending'];
export const REQUEST_EVENT = 'request';

/**
 * The step runner both flows run on (the code deployment in src/core/pipeline, the release in
 * src/core/release): each step persisted to SQLite as it starts and ends (its result kept as the
 * step's artifacts), typed events, an AbortSignal honoured between and inside steps, a closing
 * step that runs whatever happened, and the final outcome in the deployment's row.
 *
 * A flow is a list of `Step` modules plus a `ClosingStep`; it keeps its own plans and state type.
 *   - new:     `open(row, request)`, then `run({ state, steps: plan, … })`
 *   - resume:  `reopen(id)` → assign `artifacts` onto a fresh state, `firstIncomplete(plan, completed)`,
 *              then `run` from there with `resumedFrom` set (`ctx.resuming` tells steps to look for half-done work)
 *   - pause and continue later: a plan that stops where a person decides (e.g. code deployment in
 *              review mode: validate … review, closing without removing the sandbox) runs with
 *              `statusWhenDone: 'awaiting-review'`; later `reopen(id, { canContinue: (row) => row.status === 'awaiting-review' })`
 *              restores the state from the artifacts, `recordRequest` notes the new intent (so that
 *              `resume` after a crash continues the right plan), and `run` gets the continuing plan
 *              (commit → push → pull-request for `ship`, only the closing step for `discard`).
 */
export class StepRunner<Name extends string> {
  readonly events: EventBus<FlowEvent<Name>>;
  private readonly deployments: DeploymentsRepository;
  private readonly steps: StepsRepository<Name>;
  private readonly eventLog: EventsRepository;
  private readonly onStepStarted: StepRunnerOptions<Name>['onStepStarted'];
  private readonly redact: <T>(value: T) => T;
  /** The history database's file: its failures (locked by another process, read-only) are named as such, not as bugs. */
  private readonly dbFile: string;
  readonly now: () => number;
  readonly pid: number;

  constructor(options: StepRunnerOptions<Name>) {
    this.events = options.events ?? new EventBus<FlowEvent<Name>>();
    this.deployments = new DeploymentsRepository(options.db);
    this.steps = new StepsRepository<Name>(options.db);
    this.eventLog = new EventsRepository(options.db);
    this.now = options.now ?? Date.now;
    this.pid = options.pid ?? process.pid;
    this.onStepStarted = options.onStepStarted;
    this.redact = options.redact ?? ((value) => value);
    this.dbFile = options.db.name;
  }

  /** Records a new deployment: its row, the request it runs for, and this process as its owner. */
  open(row: NewDeployment, request: unknown): void {
    this.deployments.insert(row);
    this.recordRequest(row.id, request, row.createdAt);
    recordOwner(this.eventLog, row.id, this.pid, this.now());
  }

  /** Records what the deployment runs for; `reopen` returns the latest one. */
  recordRequest(id: string, request: unknown, at: number = this.now()): void {
    this.eventLog.insert(id, at, REQUEST_EVENT, request);
  }

  /**
   * Takes deployment `id` up again in this process: refuses one that ended (unless `canContinue`
   * accepts it), one whose owner process still runs, and one without a recorded request; marks the
   * steps its dead process left running as interrupted, sets it running with this process as owner,
   * and returns the state its completed steps left.
   */
  reopen(id: string, options: { startAgainHint: string; canContinue?(row: DeploymentRow, steps: StepRow<Name>[]): boolean }): ReopenedDeployment<Name> {
    const row = this.deployments.get(id);
    if (!row) {
      throw new DeployAgentError('DEPLOYMENT_NOT_FOUND', `There is no deployment ${id} in the history.`, 'Run `deploy-agent list` to see the deployments and their ids.');
    }
    if (!RESUMABLE.includes(row.status) && !options.canContinue?.(row, this.steps.list(id))) {
      throw new DeployAgentError('NOT_RESUMABLE', `Deployment ${id} already ended (${row.status}); there is nothing to resume.`, options.startAgainHint, { details: { status: row.status } });
    }
    const owner = ownerOf(this.eventLog, id);
    if (row.status === 'running' && owner && owner.pid !== this.pid && ownerAlive(owner)) {
      throw new DeployAgentError(
        'DEPLOYMENT_STILL_RUNNING',
        `Deployment ${id} is still running in process ${owner.pid}.`,
        'Wait for it to end, or stop that process (Ctrl-C) and then resume.',
        { details: { pid: owner.pid } },
      );
    }
    const requestEvent = this.eventLog.latest(id, REQUEST_EVENT);
    if (!requestEvent) {
      throw new DeployAgentError('NOT_RESUMABLE', `Deployment ${id} has no recorded request, so it cannot be resumed.`, options.startAgainHint);
    }
    this.steps.markInterrupted(id, this.now());
    this.deployments.update(id, { status: 'running', finishedAt: null, errorCode: null, errorMessage: null });
    recordOwner(this.eventLog, id, this.pid, this.now());

    const artifacts: Record<string, unknown> = {};
    const completed = new Set<Name>();
    for (const step of this.steps.list(id)) {
      if (step.status !== 'succeeded' && step.status !== 'skipped') continue;
      Object.assign(artifacts, step.artifacts ?? {});
      completed.add(step.name);
    }
    return { row, request: requestEvent.payload, artifacts, completed };
  }

  /** Runs the steps in order, then the closing step, and records how the run ended. Never rejects for a step's failure: see `status`. */
  async run<State extends FlowState, Ctx extends StepContext<Name>>(flow: FlowRun<State, Name, Ctx>): Promise<FlowEnd> {
    const impact = startImpactProbe();
    this.emit({ type: 'deployment.started', deploymentId: flow.state.id, ts: this.now(), mode: flow.mode, resumed: flow.resumedFrom !== null, fromStep: flow.steps[0]?.name ?? flow.closing.name });
    const held: { resource: LockHandle; what: string }[] = [];
    const hold = (resource: LockHandle, what: string) => void held.push({ resource, what });
    let failure: unknown;
    try {
      await flow.prepare?.(hold);
      for (const step of flow.steps) {
        await this.runStep(flow, step.name, flow.signal, hold, (ctx) => step.run(flow.state, ctx), step.summary, step.attention);
      }
    } catch (error) {
      failure = historyStoreError(error, this.dbFile) ?? error;
    }
    return this.finish(flow, failure, held, impact);
  }

  /**
   * Publishes an event and writes it to the events table (streamed model output only goes to the
   * listeners). What listeners get is redacted — the process's known secrets (src/core/security)
   * and the flow's own mask — since they print it (the CLI, the extension's output).
   */
  emit(unredacted: FlowEvent<Name>): void {
    const event = this.redact(secretRegistry.redactor().value(unredacted));
    if (event.type !== 'model.output') {
      const { type, deploymentId, ts, ...payload } = event;
      this.eventLog.insert(deploymentId, ts, type, payload);
    }
    this.events.emit(event);
  }

  private async runStep<State extends FlowState, Ctx extends StepContext<Name>>(
    flow: FlowRun<State, Name, Ctx>,
    name: Name,
    signal: AbortSignal,
    hold: StepContext<Name>['hold'],
    body: (ctx: Ctx) => Promise<StepResult<State>>,
    summary?: (state: State) => string | undefined,
    attention?: (state: State) => string | undefined,
  ): Promise<void> {
    const id = flow.state.id;
    const started = this.now();
    const stepId = this.steps.start(id, name, started);
    this.emit({ type: 'step.started', deploymentId: id, ts: started, step: name });
    this.onStepStarted?.(name, id);
    const ctx = flow.context({
      deploymentId: id,
      step: name,
      stepId,
      signal,
      resuming: flow.resumedFrom !== null,
      now: this.now,
      progress: (message, fraction) => this.emit({ type: 'step.progress', deploymentId: id, ts: this.now(), step: name, message, ...(fraction === undefined ? {} : { fraction }) }),
      log: (level, message) => this.emit({ type: 'log', deploymentId: id, ts: this.now(), level, message, step: name }),
      emit: (event) => this.emit(event),
      record: (type, payload) => this.eventLog.insert(id, this.now(), type, this.redact(payload)),
      hold,
    });
    try {
      throwIfAborted(signal);
      const result = await body(ctx);
      throwIfAborted(signal);
      const finished = this.now();
      if (result instanceof Skipped) {
        this.steps.finish(stepId, { status: 'skipped', at: finished });
        this.emit({ type: 'step.finished', deploymentId: id, ts: finished, step: name, status: 'skipped', durationMs: finished - started, summary: result.reason });
        return;
      }
      const patch = result ?? {};
      Object.assign(flow.state, patch);
      this.steps.finish(stepId, { status: 'succeeded', at: finished, artifacts: patch });
      const warning = attention?.(flow.state);
      this.emit({ type: 'step.finished', deploymentId: id, ts: finished, step: name, status: 'succeeded', durationMs: finished - started, summary: summary?.(flow.state), ...(warning ? { attention: warning } : {}) });
    } catch (thrown) {
      const error = historyStoreError(thrown, this.dbFile) ?? thrown;
      const finished = this.now();
      const cancelled = isCancellation(error) || signal.aborted;
      const e = toEventError(error, signal);
      this.steps.finish(stepId, { status: cancelled ? 'cancelled' : 'failed', at: finished, errorCode: e.code, errorMessage: e.message });
      this.emit({ type: 'step.finished', deploymentId: id, ts: finished, step: name, status: cancelled ? 'cancelled' : 'failed', durationMs: finished - started, error: e });
      throw error;
    }
  }

  /** The end of every run: the closing step, the final status in the row, the flow's records, the held resources released, `deployment.finished`. */
  private async finish<State extends FlowState, Ctx extends StepContext<Name>>(
    flow: FlowRun<State, Name, Ctx>,
    failure: unknown,
    held: { resource: LockHandle; what: string }[],
    impact: ImpactProbe,
  ): Promise<FlowEnd> {
    const { state, signal } = flow;
    const cancelled = failure !== undefined && (isCancellation(failure) || signal.aborted);
    let error: EventError | null = failure === undefined ? null : toEventError(failure, signal);
    const reached: FinalStatus = failure === undefined ? (flow.statusWhenDone ?? 'succeeded') : cancelled ? 'cancelled' : 'failed';
    let status: FinalStatus = flow.settle ? flow.settle(reached, error) : reached;
    const cleanup = new AbortController().signal; // cleanup must run to the end even after a cancel
    const ending = { status, error };
    const hold = (resource: LockHandle, what: string) => void held.push({ resource, what });

    try {
      await this.runStep(flow, flow.closing.name, cleanup, hold, async (ctx) => {
        const verdict = await flow.closing.run(state, ctx, ending);
        if (verdict && failure !== undefined) {
          status = verdict.status;
          if (verdict.done && error) error = { ...error, hint: [verdict.done, error.hint].filter(Boolean).join(' ') };
        }
        return undefined;
      });
    } catch (cleanupError) {
      if (failure === undefined) {
        status = 'failed';
        error = toEventError(cleanupError, cleanup);
      }
    }

    const finishedAt = this.now();
    const row = this.deployments.get(state.id);
    const durationMs = finishedAt - (row?.startedAt ?? row?.createdAt ?? finishedAt);
    this.deployments.update(state.id, {
      status,
      finishedAt,
      durationMs,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    });

    // One record per run (a resumed deployment has one per process that worked on it).
    this.eventLog.insert(state.id, finishedAt, 'system.impact', impact.stop());
    await flow.recordEnd?.({ status, error });
    for (const { resource, what } of held) {
      try {
        await resource.release();
      } catch (releaseError) {
        state.warnings.push(`Releasing ${what} failed: ${toEventError(releaseError, cleanup).message}`);
      }
    }

    // A run that stops where the flow pauses for a person reached its goal too.
    const goalReached = status === 'succeeded' || (error === null && status === flow.statusWhenDone);
    // The duration as the flow recorded it (a shipped review: its runs' machine time, not the wait), so live views and the history agree.
    const recordedMs = this.deployments.get(state.id)?.durationMs ?? durationMs;
    this.emit({ type: 'deployment.finished', deploymentId: state.id, ts: this.now(), status, goalReached, durationMs: recordedMs, ...(error ? { error } : {}) });
    return { status, error, durationMs: recordedMs };
  }
}

/** Where a resumed run starts: the first step of `plan` that did not complete (`plan.length` when all did; only the closing step is left). */
export function firstIncomplete<Name extends string>(plan: readonly Name[], completed: ReadonlySet<Name>): number {
  const from = plan.findIndex((name) => !completed.has(name));
  return from < 0 ? plan.length : from;
}
