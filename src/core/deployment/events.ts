/**
 * The typed events a deployment emits while it runs — a code deployment or a release, both on
 * the step runner (src/core/flow). Core never prints: the CLI turns these into spinners or plain
 * lines, the extension into its panel. Every event is also written to the `events` table (except
 * streamed model output, which the agent keeps in its transcript).
 *
 * This module sits below every area that records or shows a deployment (store, report, the
 * flows, the CLI, the extension) and imports none of them.
 */

/** The steps of a code deployment, in order (DESIGN.md "The flow of one deployment"). */
export const STEP_NAMES = [
  'validate',
  'safety',
  'context',
  'strategy',
  'sandbox',
  'implement',
  'write-tests',
  'run-tests',
  'repair',
  'review',
  'retest',
  'commit',
  'push',
  'pull-request',
  'learn',
] as const;

export type StepName = (typeof STEP_NAMES)[number];

export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export const STEP_TITLES: Record<StepName, string> = {
  validate: 'Validate the recommendation',
  safety: 'Safety pre-checks',
  context: 'Analyse the workspace',
  strategy: 'Choose a strategy',
  sandbox: 'Create the sandbox worktree',
  implement: 'Implement the change',
  'write-tests': 'Write the tests',
  'run-tests': 'Run the tests',
  repair: 'Repair failing tests',
  review: 'Review gates',
  retest: 'Run the tests again (review)',
  commit: 'Commit on the branch',
  push: 'Push the branch',
  'pull-request': 'Open the pull request',
  learn: 'Record the outcome and write the report',
};

export interface EventError {
  code: string;
  message: string;
  hint: string;
}

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

interface Base {
  deploymentId: string;
  /** ms since epoch */
  ts: number;
}

/** The events of a flow whose steps are named `Step` (a code deployment's by default). */
export type FlowEvent<Step extends string = StepName> =
  | (Base & { type: 'deployment.started'; mode: string; resumed: boolean; fromStep: Step })
  | (Base & { type: 'step.started'; step: Step })
  | (Base & { type: 'step.progress'; step: Step; message: string; fraction?: number })
  /** `attention`: the step did its part but left something wrong for a later step to judge (tests still failing after the repair rounds). */
  | (Base & { type: 'step.finished'; step: Step; status: Exclude<StepStatus, 'running'>; durationMs: number; summary?: string; attention?: string; error?: EventError })
  | (Base & { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; step?: Step })
  | (Base & { type: 'model.output'; phase: string; text: string })
  /** The model used a tool (read_file, write_file, edit_file …) in an agent phase; `path` is sandbox-relative. */
  | (Base & { type: 'agent.tool'; phase: string; name: string; path?: string; ok: boolean; error?: string })
  /** One model call of an agent phase: who served it and what it cost. */
  | (Base & { type: 'agent.call'; phase: string; provider: string; model: string; inputTokens: number; outputTokens: number; cacheReadTokens?: number; cacheWriteTokens?: number; costUsd: number; cached: boolean; durationMs: number })
  /** A repair round starts: the failing output it answers (capped) and the error pattern that matched it. */
  | (Base & { type: 'repair.round'; round: number; limit: number; escalation: boolean; failingOutput: string; pattern?: { id: string; category?: string; explanation: string } })
  | (Base & { type: 'test.result'; round: number; counts: TestCounts; durationMs: number; failures: { name: string; message: string }[]; command?: string })
  | (Base & { type: 'deployment.finished'; status: string; goalReached: boolean; durationMs: number; error?: EventError })
  | ReleaseOnlyEvent;

/**
 * What only a release emits (src/core/release): its plan once the strategy is decided (the batches
 * and why), each host's part of a step as it starts and ends, and each recovery tried.
 */
export type ReleaseOnlyEvent =
  | (Base & {
      type: 'release.plan';
      mode: 'release' | 'rollback';
      /** The release's folder under releases/ (a rollback: the one it goes back to). */
      release: string;
      ref: string;
      commit: string;
      strategy: string;
      batchSize: number;
      watchMinutes: number;
      reasons: string[];
      batches: string[][];
      /** The steps it runs, in order, with their titles (batch steps per batch: `switch@2` …), closing step included. */
      steps: { name: string; title: string }[];
    })
  | (Base & { type: 'release.host'; step: string; host: string; status: 'running' | 'succeeded' | 'failed' | 'cancelled'; durationMs?: number; error?: EventError })
  | (Base & { type: 'release.recovery'; host: string; step: string; patternId: string | null; action: string; worked: boolean; recoveredMs: number | null; detail?: string });

/** The events of a code deployment. */
export type PipelineEvent = FlowEvent<StepName>;

export type PipelineEventType = PipelineEvent['type'];

export type PipelineListener = (event: PipelineEvent) => void;

/** A tiny synchronous event bus; a listener that throws never breaks the deployment. */
export class EventBus<Event> {
  private readonly listeners = new Set<(event: Event) => void>();

  on(listener: (event: Event) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: Event): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken view must not stop a deployment; the event is still in the events table.
      }
    }
  }
}

/** The bus of a code deployment's events. */
export class PipelineEventBus extends EventBus<PipelineEvent> {}
