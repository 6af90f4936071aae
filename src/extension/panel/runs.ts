// The deployments this window runs for the panel: started (in review mode), continued (ship,
// discard, run the tests again), followed (every core event forwarded to the panel, to the
// extension's shared bus for the sidebar and status bar, and kept for a panel that opens later),
// cancelled. The panel may close and reopen while one runs; the work itself is core's Orchestrator.
import type * as vscode from 'vscode';
import { DeployAgentError } from '../../core/errors';
import type { PipelineEventBus } from '../../core/pipeline/events';
import type { DeploymentOutcome, Orchestrator, ReviewCheckOutcome } from '../../core/pipeline/orchestrator';
import type { DeployMode, StrategyChoice } from '../../core/pipeline/ports';
import type { HistoryStore } from '../../core/store/database';
import type { MetricsReading } from '../../core/strategy/types';
import type { DeploymentChoiceView, DeploymentHeader, LiveEvent, ShipAction } from '../../protocol/panel';
import { createOrchestrator } from '../orchestrator';
import { displayPlan, toLiveEvent } from './events';

export interface RunsDeps {
  openStore(): HistoryStore;
  secrets: vscode.SecretStorage;
  output: vscode.LogOutputChannel;
  /** The extension's shared bus (the sidebar and the status bar follow every deployment on it). */
  events?: PipelineEventBus;
  latestMetrics?(repoRoot: string): MetricsReading | undefined;
}

interface Run {
  header: DeploymentHeader;
  events: LiveEvent[];
  controller: AbortController;
  live: boolean;
}

/** The panel's deployments stop for review before anything is committed (`pipeline.mode` rules the CLI, not the panel). */
export const PANEL_MODE: DeployMode = 'review';

/** What the panel keeps of one phase's streamed output (the report's transcript has all of it). */
const OUTPUT_KEPT = 200_000;

export type ContinueOutcome = { action: 'retest'; outcome: ReviewCheckOutcome } | { action: Exclude<ShipAction, 'retest'>; outcome: DeploymentOutcome };

export class DeploymentRuns {
  private readonly runs = new Map<string, Run>();
  private readonly listeners = new Set<(event: LiveEvent) => void>();

  constructor(private readonly deps: RunsDeps) {}

  /** Every event of every run of this window, as it happens. */
  onEvent(listener: (event: LiveEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Starts a deployment of `file` in review mode and returns at once (its header); `done` resolves when it has stopped. */
  async start(input: { workspaceDir: string; file: string; title: string; choice: DeploymentChoiceView; forceReason?: string; strategy: StrategyChoice }): Promise<{ header: DeploymentHeader; done: Promise<DeploymentOutcome> }> {
    const { newDeploymentId } = await import('../../core/pipeline/orchestrator');
    const id = newDeploymentId();
    const header: DeploymentHeader = { id, title: input.title, file: input.file, mode: PANEL_MODE, status: 'running', plan: displayPlan(PANEL_MODE), createdAt: Date.now(), choice: input.choice };
    const run = this.track(header);
    const orchestrator = await this.orchestrator(run, { newId: () => id });
    const choice = { ...(input.choice.excludedIntegrationPoints.length ? { excludedIntegrationPoints: input.choice.excludedIntegrationPoints } : {}), ...(input.choice.addedFiles.length ? { addedFiles: input.choice.addedFiles } : {}) };
    const done = orchestrator
      .deploy(
        {
          recommendationFile: input.file,
          workspaceDir: input.workspaceDir,
          mode: PANEL_MODE,
          strategy: input.strategy,
          keepWorktree: false,
          wait: false,
          ...(Object.keys(choice).length ? { choice } : {}),
          ...(input.forceReason ? { forceReason: input.forceReason } : {}),
        },
        run.controller.signal,
      )
      .finally(() => (run.live = false));
    return { header, done };
  }

  /**
   * Continues a deployment that waits for review: commit (`local-commit`), push and open the
   * pull request (`full-pr`, also after a local commit), discard, or run the tests again.
   * `header` and `events` are what the panel shows of it so far; the steps that run are added live.
   */
  async continue(header: DeploymentHeader, events: LiveEvent[], action: ShipAction): Promise<ContinueOutcome> {
    if (this.runs.get(header.id)?.live) {
      throw new DeployAgentError('DEPLOYMENT_BUSY', `Deployment ${header.id} is busy in this window.`, 'Wait for what it is doing to end, then try again.');
    }
    const run = this.track({ ...header, status: 'running' }, [...events]);
    const orchestrator = await this.orchestrator(run, { github: action === 'pull-request' });
    const signal = run.controller.signal;
    try {
      switch (action) {
        case 'commit':
          return { action, outcome: await orchestrator.ship(header.id, 'local-commit', signal) };
        case 'pull-request':
          return { action, outcome: await orchestrator.ship(header.id, 'full-pr', signal) };
        case 'discard':
          return { action, outcome: await orchestrator.discard(header.id, signal) };
        case 'retest':
          return { action, outcome: await orchestrator.retest(header.id, signal) };
      }
    } finally {
      run.live = false;
    }
  }

  /**
   * Follows a flow run outside the panel (a release, run by the release controller): its events
   * reach an open panel as a deployment's do, a panel opening later gets them all, and the panel's
   * Cancel aborts `controller`. The controller writes its own log lines, so these are not logged again.
   */
  follow(header: DeploymentHeader, controller: AbortController): { record(event: LiveEvent): void; end(): void } {
    const run = this.track(header, [], controller);
    return {
      // A release's debug lines (its own scripts' output) are not shown; they stay in the events table.
      record: (event) => (event.type === 'log' && event.level === 'debug' ? undefined : this.record(run, event, { quiet: true })),
      end: () => void (run.live = false),
    };
  }

  cancel(id: string): boolean {
    const run = this.runs.get(id);
    if (!run?.live) return false;
    run.controller.abort(new Error('cancelled in the panel'));
    return true;
  }

  /** What a panel opening now shows of a deployment this window runs (or ran). */
  snapshot(id: string): { header: DeploymentHeader; events: LiveEvent[]; live: boolean } | undefined {
    const run = this.runs.get(id);
    return run ? { header: run.header, events: [...run.events], live: run.live } : undefined;
  }

  /** The code deployments still running in this window (a release runs beside them). */
  running(): string[] {
    return [...this.runs.values()].filter((r) => r.live && !r.header.release).map((r) => r.header.id);
  }

  private track(header: DeploymentHeader, events: LiveEvent[] = [], controller = new AbortController()): Run {
    const run: Run = { header, events, controller, live: true };
    this.runs.set(header.id, run);
    return run;
  }

  private async orchestrator(run: Run, options: { newId?: () => string; github?: boolean }): Promise<Orchestrator> {
    const orchestrator = await createOrchestrator({
      store: this.deps.openStore(),
      secrets: this.deps.secrets,
      ...options,
      ...(this.deps.latestMetrics ? { latestMetrics: this.deps.latestMetrics } : {}),
    });
    orchestrator.events.on((event) => {
      this.record(run, toLiveEvent(event));
      this.deps.events?.emit(event);
    });
    return orchestrator;
  }

  private record(run: Run, event: LiveEvent, options: { quiet?: boolean } = {}): void {
    // Streamed output comes in small pieces: kept merged per phase, and capped.
    const last = run.events.at(-1);
    if (event.type === 'model.output' && last?.type === 'model.output' && last.phase === event.phase) {
      if (last.text.length < OUTPUT_KEPT) last.text = (last.text + event.text).slice(0, OUTPUT_KEPT);
    } else {
      run.events.push(event.type === 'model.output' ? { ...event } : event);
    }
    if (event.type === 'deployment.finished') run.header.status = event.status;
    if (!options.quiet && event.type === 'step.finished') this.deps.output.info(`${run.header.id} ${event.step}: ${event.status} (${event.durationMs} ms)${event.error ? ` — ${event.error.code}: ${event.error.message}` : ''}`);
    else if (!options.quiet && event.type === 'log' && event.level !== 'debug') this.deps.output[event.level](`${run.header.id} ${event.message}`);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A closed panel must not stop the deployment.
      }
    }
  }
}
