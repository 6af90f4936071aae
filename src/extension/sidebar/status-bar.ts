// The status bar item: while a deployment runs, its current step and elapsed time with a spinner;
// otherwise this repository's last outcome; an open circuit breaker above all. Clicking it opens
// the deployment. It follows the pipeline's events (never polls); the one-second timer only
// ticks the elapsed time while something runs.
import * as vscode from 'vscode';
import { resolveConfig } from '../../core/config/resolve';
import { formatDuration } from '../../core/learning/format';
import { circuitSettingsFrom, circuitState } from '../../core/pipeline/circuit-breaker';
import { STEP_TITLES, type PipelineEvent, type StepName } from '../../core/pipeline/events';
import { latestDeployment, type DeploymentState } from '../../core/store/deployment-states';
import { explicitEditorSettings } from '../editor-settings';
import type { Repository, SidebarContext } from './sidebar';

/** The status bar item for a repository when nothing runs. */
export interface StatusView {
  text: string;
  /** Markdown. */
  tooltip: string;
  background: 'warning' | 'error' | undefined;
  deploymentId: string;
  label: string;
}

const OUTCOME_TEXT: Record<DeploymentState, [icon: string, words: string]> = {
  running: ['sync~spin', 'running'],
  'awaiting-review': ['eye', 'awaiting review'],
  interrupted: ['debug-pause', 'interrupted'],
  shipped: ['pass', 'shipped'],
  tested: ['beaker', 'tested (dry run)'],
  failed: ['error', 'failed'],
  stopped: ['warning', 'stopped before the work'],
  cancelled: ['circle-slash', 'cancelled'],
  'rolled-back': ['discard', 'rolled back'],
};

export class DeploymentStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('deployAgent.status', vscode.StatusBarAlignment.Left, 40);
  private running: { id: string; step: StepName; startedAt: number } | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: SidebarContext) {
    this.item.name = 'Deploy Agent';
  }

  onEvent(event: PipelineEvent): void {
    if (event.type === 'deployment.started') {
      this.running = { id: event.deploymentId, step: event.fromStep, startedAt: event.ts };
      this.startTicker();
    } else if (event.type === 'step.started' && this.running?.id === event.deploymentId) {
      this.running.step = event.step;
      this.renderRunning();
    } else if (event.type === 'deployment.finished' && this.running?.id === event.deploymentId) {
      this.running = undefined;
      this.stopTicker();
      void this.refresh();
    }
  }

  /** Shows the running deployment, or this repository's last outcome and its circuit breaker. */
  async refresh(): Promise<void> {
    if (this.running) return this.renderRunning();
    const repository = await this.ctx.repository();
    const view = repository ? this.describe(repository) : undefined;
    if (!view) return this.item.hide();
    this.item.text = view.text;
    this.item.tooltip = new vscode.MarkdownString(view.tooltip);
    this.item.backgroundColor = view.background ? new vscode.ThemeColor(`statusBarItem.${view.background}Background`) : undefined;
    this.item.command = { command: 'deployAgent.sidebar.open', title: 'Open Deployment', arguments: [view.deploymentId] };
    this.item.accessibilityInformation = { label: view.label };
    this.item.show();
  }

  /** What the item says for a repository when nothing runs: its last outcome, or an open circuit breaker above all. */
  describe(repository: Repository): StatusView | undefined {
    const db = this.ctx.openStore().db;
    const last = latestDeployment(db, repository.path);
    if (!last) return undefined;
    const circuit = circuitState(db, repository.path, circuitSettingsFrom(resolveConfig({ workspaceDir: repository.path, editor: explicitEditorSettings() })));
    const [icon, words] = OUTCOME_TEXT[last.state];
    const when = `${formatDuration(Date.now() - last.createdAt).replace(/ \d+ (s|min)$/, '')} ago`;
    let tooltip = `**Deploy Agent** — ${repository.name}\n\nLast deployment: ${last.title}, ${words} ${when}.`;
    const open = circuit.state === 'open';
    if (open) {
      tooltip += `\n\nThe circuit breaker is **open**: ${circuit.failures} of the last ${circuit.window} deployments failed (${Math.round(circuit.rate * 100)}%). It lets the next deployment through at ${new Date(circuit.reopensAt!).toLocaleTimeString()}.`;
    } else if (circuit.state === 'half-open') {
      tooltip += `\n\nThe circuit breaker is half-open: the next deployment is let through; one more failure opens it again.`;
    }
    return {
      text: open ? `$(circle-slash) Deploy Agent: circuit open` : `$(${icon}) Deploy Agent: ${words}`,
      tooltip: `${tooltip}\n\nClick to open it.`,
      background: open ? 'warning' : last.state === 'failed' ? 'error' : undefined,
      deploymentId: last.id,
      label: `Deploy Agent: last deployment ${words} ${when}${open ? '; circuit breaker open' : ''}`,
    };
  }

  /** The item's text as shown now (tests). */
  get text(): string {
    return this.item.text;
  }

  private renderRunning(): void {
    const r = this.running!;
    const elapsed = Math.max(0, Math.floor((Date.now() - r.startedAt) / 1000));
    const clock = `${Math.floor(elapsed / 60)}:${String(elapsed % 60).padStart(2, '0')}`;
    this.item.text = `$(sync~spin) Deploy Agent: ${STEP_TITLES[r.step]} · ${clock}`;
    this.item.backgroundColor = undefined;
    this.item.tooltip = `Deployment ${r.id} is running: ${STEP_TITLES[r.step]} (${clock} so far). Click to open it.`;
    this.item.command = { command: 'deployAgent.sidebar.open', title: 'Open Deployment', arguments: [r.id] };
    this.item.accessibilityInformation = { label: `Deploy Agent deployment running: ${STEP_TITLES[r.step]}, ${elapsed} seconds` };
    this.item.show();
  }

  private startTicker(): void {
    this.stopTicker();
    this.renderRunning();
    this.ticker = setInterval(() => this.renderRunning(), 1000);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  dispose(): void {
    this.stopTicker();
    this.item.dispose();
  }
}
