// A deployment's events reduced into what the panel shows: the steps with their state and
// duration, the tool calls, the model calls per phase, the repair rounds, the test rounds and the
// streamed model output. Pure (no DOM): the same events give the same timeline, live or reopened.
import type { DeploymentHeader, LiveEvent, TestCountsView } from '../../src/protocol/panel';

/** `unreached`: the deployment ended (failed, cancelled) before the step's turn came. */
export type StepState = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'interrupted' | 'unreached';

export interface StepModel {
  name: string;
  title: string;
  state: StepState;
  startedAt?: number;
  durationMs?: number;
  summary?: string;
  /** What a step that succeeded left wrong (failing tests before their repair): a warning mark, not a check mark. */
  attention?: string;
  /** The latest progress message of a running step. */
  progress?: string;
  error?: { code: string; message: string; hint: string };
  /** A release's step: each host's part, in the order the hosts started. */
  hosts?: HostRunModel[];
}

/** One host's part of a release step. */
export interface HostRunModel {
  host: string;
  state: 'running' | 'succeeded' | 'failed' | 'cancelled';
  durationMs?: number;
  error?: { code: string; message: string; hint: string };
}

/** How a release runs, once its strategy is decided: the `release.plan` event without its envelope and steps. */
export type ReleasePlanModel = Omit<Extract<LiveEvent, { type: 'release.plan' }>, 'type' | 'deploymentId' | 'ts' | 'steps'>;

/** A recovery a release tried on a host (a known error pattern's action, a rollback): the `release.recovery` event. */
export type RecoveryModel = Omit<Extract<LiveEvent, { type: 'release.recovery' }>, 'type' | 'deploymentId'>;

export interface ToolCallModel {
  phase: string;
  name: string;
  path?: string;
  ok: boolean;
  error?: string;
  ts: number;
}

export interface PhaseUsageModel {
  phase: string;
  provider: string;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  cached: number;
}

export interface RepairRoundModel {
  round: number;
  limit: number;
  escalation: boolean;
  failingOutput: string;
  pattern?: { id: string; category?: string; explanation: string };
  /** The test run that followed the round. */
  after?: TestCountsView;
}

export interface TestRoundModel {
  round: number;
  counts: TestCountsView;
  durationMs: number;
  failures: { name: string; message: string }[];
  command?: string;
}

export interface Timeline {
  steps: StepModel[];
  tools: ToolCallModel[];
  usage: PhaseUsageModel[];
  repairs: RepairRoundModel[];
  tests: TestRoundModel[];
  /** Streamed model output per phase, in the order the phases ran (capped). */
  output: { phase: string; text: string }[];
  warnings: string[];
  finished?: { status: string; goalReached: boolean; durationMs: number; error?: { code: string; message: string; hint: string } };
  startedAt?: number;
  /** A release's plan (its strategy, batches and why) and the recoveries it tried. */
  releasePlan?: ReleasePlanModel;
  recoveries: RecoveryModel[];
}

/** What the panel keeps of the model's output per phase (the transcript in the report has all of it). */
export const OUTPUT_CAP = 200_000;

export function emptyTimeline(header: Pick<DeploymentHeader, 'plan'>): Timeline {
  return {
    steps: header.plan.map((s) => ({ name: s.name, title: s.title, state: 'pending' })),
    tools: [],
    usage: [],
    repairs: [],
    tests: [],
    output: [],
    warnings: [],
    recoveries: [],
  };
}

export function reduce(timeline: Timeline, event: LiveEvent): Timeline {
  switch (event.type) {
    case 'deployment.started':
      timeline.startedAt ??= event.ts;
      // A resumed run: what its dead process left running was interrupted.
      if (event.resumed) for (const s of timeline.steps) if (s.state === 'running') s.state = 'interrupted';
      timeline.finished = undefined;
      break;
    case 'step.started': {
      const step = stepOf(timeline, event.step);
      // A continued run (resume, ship) takes up steps an earlier run did not reach.
      for (const s of timeline.steps) if (s.state === 'unreached') s.state = 'pending';
      step.state = 'running';
      step.startedAt = event.ts;
      step.progress = undefined;
      step.error = undefined;
      break;
    }
    case 'step.progress':
      stepOf(timeline, event.step).progress = event.message;
      break;
    case 'step.finished': {
      const step = stepOf(timeline, event.step);
      step.state = event.status;
      step.durationMs = event.durationMs;
      step.summary = event.summary;
      step.attention = event.attention;
      step.progress = undefined;
      if (event.error) step.error = event.error;
      break;
    }
    case 'log':
      if (event.level === 'warn' || event.level === 'error') timeline.warnings.push(event.message);
      break;
    case 'model.output': {
      let last = timeline.output.at(-1);
      if (!last || last.phase !== event.phase) {
        last = { phase: event.phase, text: '' };
        timeline.output.push(last);
      }
      if (last.text.length < OUTPUT_CAP) last.text = (last.text + event.text).slice(0, OUTPUT_CAP);
      break;
    }
    case 'agent.tool':
      timeline.tools.push({ phase: event.phase, name: event.name, ok: event.ok, ts: event.ts, ...(event.path ? { path: event.path } : {}), ...(event.error ? { error: event.error } : {}) });
      break;
    case 'agent.call': {
      let usage = timeline.usage.find((u) => u.phase === event.phase && u.provider === event.provider && u.model === event.model);
      if (!usage) {
        usage = { phase: event.phase, provider: event.provider, model: event.model, calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, cached: 0 };
        timeline.usage.push(usage);
      }
      usage.calls++;
      usage.inputTokens += event.inputTokens;
      usage.outputTokens += event.outputTokens;
      usage.costUsd += event.costUsd;
      if (event.cached) usage.cached++;
      break;
    }
    case 'repair.round':
      timeline.repairs.push({ round: event.round, limit: event.limit, escalation: event.escalation, failingOutput: event.failingOutput, ...(event.pattern ? { pattern: event.pattern } : {}) });
      break;
    case 'test.result': {
      timeline.tests.push({ round: event.round, counts: event.counts, durationMs: event.durationMs, failures: event.failures, ...(event.command ? { command: event.command } : {}) });
      const open = timeline.repairs.at(-1);
      if (open && !open.after && timeline.tests.length > 1) open.after = event.counts;
      break;
    }
    case 'release.plan': {
      const { type: _type, deploymentId: _id, ts: _ts, steps, ...plan } = event;
      timeline.releasePlan = plan;
      // The batches are decided now: the plan's steps replace the guess the header started with, keeping what already ran.
      const known = new Map(timeline.steps.map((s) => [s.name, s]));
      const planned = steps.map((s) => known.get(s.name) ?? { name: s.name, title: s.title, state: 'pending' as const });
      for (const s of planned) s.title = steps.find((p) => p.name === s.name)!.title;
      const started = timeline.steps.filter((s) => !steps.some((p) => p.name === s.name) && s.state !== 'pending');
      timeline.steps = [...planned, ...started];
      break;
    }
    case 'release.host': {
      const step = stepOf(timeline, event.step);
      step.hosts ??= [];
      let run = step.hosts.find((h) => h.host === event.host);
      if (!run) {
        run = { host: event.host, state: event.status };
        step.hosts.push(run);
      }
      run.state = event.status;
      if (event.durationMs !== undefined) run.durationMs = event.durationMs;
      // A host's part run again (a retry, a resume) starts clean.
      if (event.status === 'running') {
        run.durationMs = undefined;
        run.error = undefined;
      }
      if (event.error) run.error = event.error;
      break;
    }
    case 'release.recovery':
      timeline.recoveries.push({ host: event.host, step: event.step, patternId: event.patternId, action: event.action, worked: event.worked, recoveredMs: event.recoveredMs, ts: event.ts, ...(event.detail ? { detail: event.detail } : {}) });
      break;
    case 'deployment.finished':
      timeline.finished = { status: event.status, goalReached: event.goalReached, durationMs: event.durationMs, ...(event.error ? { error: event.error } : {}) };
      for (const s of timeline.steps) if (s.state === 'running') s.state = event.status === 'cancelled' ? 'cancelled' : 'failed';
      // A run that stopped short leaves the rest of its plan unreached (a review pause is not short: shipping comes later).
      if (!event.goalReached) for (const s of timeline.steps) if (s.state === 'pending') s.state = 'unreached';
      break;
  }
  return timeline;
}

export function reduceAll(header: Pick<DeploymentHeader, 'plan'>, events: readonly LiveEvent[]): Timeline {
  return events.reduce(reduce, emptyTimeline(header));
}

/** The step named `name`; a step not in the plan (a newer core) is added at the end. */
function stepOf(timeline: Timeline, name: string): StepModel {
  let step = timeline.steps.find((s) => s.name === name);
  if (!step) {
    step = { name, title: name, state: 'pending' };
    timeline.steps.push(step);
  }
  return step;
}

/** The tool calls made while `step` ran (between its start and its end). */
export function toolsOfPhase(timeline: Timeline, phase: string): ToolCallModel[] {
  return timeline.tools.filter((t) => t.phase === phase);
}

export function totals(timeline: Timeline): { inputTokens: number; outputTokens: number; costUsd: number } {
  return timeline.usage.reduce((t, u) => ({ inputTokens: t.inputTokens + u.inputTokens, outputTokens: t.outputTokens + u.outputTokens, costUsd: t.costUsd + u.costUsd }), { inputTokens: 0, outputTokens: 0, costUsd: 0 });
}
