// The deployments this window runs for the panel: started, followed (every core event forwarded
// to the panel and kept for a panel that opens later), cancelled. The panel may close and reopen
// while one runs; the work itself is core's Orchestrator.
import type * as vscode from 'vscode';
import type { DeploymentOutcome } from '../../core/pipeline/orchestrator';
import type { DeployMode } from '../../core/pipeline/ports';
import type { HistoryStore } from '../../core/store/database';
import type { MetricsReading } from '../../core/strategy/types';
import type { DeploymentChoiceView, DeploymentHeader, LiveEvent } from '../../protocol/panel';
import { createOrchestrator } from '../orchestrator';
import { planSteps, toLiveEvent } from './events';

export interface RunsDeps {
  openStore(): HistoryStore;
  secrets: vscode.SecretStorage;
  output: vscode.LogOutputChannel;
  latestMetrics?(repoRoot: string): MetricsReading | undefined;
}

interface Run {
  header: DeploymentHeader;
  events: LiveEvent[];
  controller: AbortController;
  done: Promise<DeploymentOutcome>;
  live: boolean;
}

/** The panel's deployments stop for review (the CLI's `pipeline.mode` does not apply to the panel). */
export const PANEL_MODE: DeployMode = 'dry-run';

/** What the panel keeps of one phase's streamed output (the report's transcript has all of it). */
const OUTPUT_KEPT = 200_000;

export class DeploymentRuns {
  private readonly runs = new Map<string, Run>();
  private readonly listeners = new Set<(event: LiveEvent) => void>();

  constructor(private readonly deps: RunsDeps) {}

  /** Every event of every run of this window, as it happens. */
  onEvent(listener: (event: LiveEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Starts a deployment of `file` and returns at once (its header); `done` resolves when it has ended. */
  async start(input: { workspaceDir: string; file: string; title: string; choice: DeploymentChoiceView; forceReason?: string; strategy: string }): Promise<{ header: DeploymentHeader; done: Promise<DeploymentOutcome> }> {
    const [{ newDeploymentId }, { planFor }] = await Promise.all([import('../../core/pipeline/orchestrator'), import('../../core/pipeline/plan')]);
    const id = newDeploymentId();
    const store = this.deps.openStore();
    const orchestrator = await createOrchestrator({ store, secrets: this.deps.secrets, newId: () => id, ...(this.deps.latestMetrics ? { latestMetrics: this.deps.latestMetrics } : {}) });
    const header: DeploymentHeader = {
      id,
      title: input.title,
      file: input.file,
      mode: PANEL_MODE,
      status: 'running',
      plan: planSteps(planFor(PANEL_MODE)),
      createdAt: Date.now(),
      choice: input.choice,
    };
    const controller = new AbortController();
    const run: Run = { header, events: [], controller, done: undefined as unknown as Promise<DeploymentOutcome>, live: true };
    this.runs.set(id, run);
    const detach = orchestrator.events.on((event) => this.record(run, toLiveEvent(event)));
    run.done = orchestrator
      .deploy(
        {
          recommendationFile: input.file,
          workspaceDir: input.workspaceDir,
          mode: PANEL_MODE,
          strategy: input.strategy as never,
          keepWorktree: false,
          wait: false,
          ...(input.forceReason ? { forceReason: input.forceReason } : {}),
        },
        controller.signal,
      )
      .finally(() => {
        detach();
        run.live = false;
      });
    return { header, done: run.done };
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

  /** The deployments still running in this window. */
  running(): string[] {
    return [...this.runs.values()].filter((r) => r.live).map((r) => r.header.id);
  }

  private record(run: Run, event: LiveEvent): void {
    // Streamed output comes in small pieces: kept merged per phase, and capped.
    const last = run.events.at(-1);
    if (event.type === 'model.output' && last?.type === 'model.output' && last.phase === event.phase) {
      if (last.text.length < OUTPUT_KEPT) last.text = (last.text + event.text).slice(0, OUTPUT_KEPT);
    } else {
      run.events.push(event.type === 'model.output' ? { ...event } : event);
    }
    if (event.type === 'step.finished') this.deps.output.info(`${run.header.id} ${event.step}: ${event.status} (${event.durationMs} ms)${event.error ? ` — ${event.error.code}: ${event.error.message}` : ''}`);
    else if (event.type === 'log' && event.level !== 'debug') this.deps.output[event.level](`${run.header.id} ${event.message}`);
    else if (event.type === 'deployment.finished') run.header.status = event.status;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A closed panel must not stop the deployment.
      }
    }
  }
}
