import type { EventError, FlowEvent } from '../deployment/events';
import type { LockHandle } from '../deployment/types';

/** How a run ended. `awaiting-review`: the code deployment's review pause (the run's `statusWhenDone`), waiting for a person to ship or discard it. */
export type FinalStatus = 'succeeded' | 'failed' | 'cancelled' | 'rolled_back' | 'awaiting-review' | 'refused' | 'setup-failed';

/** What the runner needs of a flow's state: the deployment's id, and somewhere to note what went wrong on the way out. */
export interface FlowState {
  id: string;
  warnings: string[];
}

/**
 * A step that had nothing to do, and why ("the tests passed: nothing to repair"): recorded as
 * `skipped`, its reason carried by its `step.finished` event as the summary, so that the progress
 * and the report say why rather than a bare "skipped" (which reads as something left undone).
 */
export class Skipped {
  constructor(readonly reason: string) {}
}

export const skipped = (reason: string): Skipped => new Skipped(reason);

/** What a step returns: the part of the state it learnt (persisted as the step's artifacts), or `skipped(reason)`. */
export type StepResult<State> = Partial<Omit<State, 'id'>> | Skipped | undefined;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the runner gives every step of every flow; a flow adds its own dependencies (see `FlowRun.context`). */
export interface StepContext<Name extends string> {
  readonly deploymentId: string;
  readonly step: Name;
  /** The step's row in deployment_steps (a test run or command output recorded by the step points at it). */
  readonly stepId: number;
  readonly signal: AbortSignal;
  /** This run continues one whose process died: a step first looks for the half-done work of that process. */
  readonly resuming: boolean;
  now(): number;
  progress(message: string, fraction?: number): void;
  log(level: LogLevel, message: string): void;
  /** Publishes one of the flow's events and writes it to the events table (streamed model output is not written). */
  emit(event: FlowEvent<Name>): void;
  /** Writes a record to the events table without publishing it (a gate's full result, …). */
  record(type: string, payload: unknown): void;
  /** Keeps `resource` until the run ends: the runner releases it after the outcome is recorded (`what` names it in a warning). */
  hold(resource: LockHandle, what: string): void;
}

/** One step of a flow: a small module with a name, its work, and the one-line summary its `step.finished` event carries. */
export interface Step<State extends FlowState, Name extends string, Ctx extends StepContext<Name> = StepContext<Name>> {
  readonly name: Name;
  run(state: Readonly<State>, ctx: Ctx): Promise<StepResult<State>>;
  summary?(state: Readonly<State>): string | undefined;
  /** What the step left wrong although it succeeded (shown with a warning mark, not a check mark), if anything. */
  attention?(state: Readonly<State>): string | undefined;
}

/**
 * The step that ends every run, whatever happened before (`learn` for a code deployment): it is
 * recorded like any step but runs on a signal that is never aborted, so that cleanup finishes
 * after a cancel. `status` is how the run is ending so far.
 */
export interface ClosingStep<State extends FlowState, Name extends string, Ctx extends StepContext<Name> = StepContext<Name>> {
  readonly name: Name;
  /**
   * May say how the run really ended when the closing step changed it: a release whose health
   * check failed after the switch and that the closing step switched back ends `rolled_back`
   * (the error stays the one that caused it). `done`: what the closing step did about the failure
   * (switched back to release X; or, for a first release, nothing to switch back to), put before
   * the error's hint — the failing step wrote its hint before anyone knew.
   */
  run(state: State, ctx: Ctx, ending: { status: FinalStatus; error: EventError | null }): Promise<void | { status: FinalStatus; done?: string }>;
}
