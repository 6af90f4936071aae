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
import type { SidebarContext } from './sidebar';

const OUTCOME_TEXT: Record<DeploymentState, [icon: string, words: string]> = {
  running: ['sync~spin', 'running'],
  'awaiting-review': ['eye', 'awaiting review'],
  interrupted: ['debug-pause', 'interrupted'],
  shipped: ['pass', 'shipped'],
  tested: ['beaker', 'tested (dry run)'],
  failed: ['error', 'failed'],
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
    if (!repository) return this.item.hide();
    const db = this.ctx.openStore().db;
    const last = latestDeployment(db, repository.path);
    if (!last) return this.item.hide();
    const circuit = circuitState(db, repository.path, circuitSettingsFrom(resolveConfig({ workspaceDir: repository.path, editor: explicitEditorSettings() })));
    const [icon, words] = OUTCOME_TEXT[last.state];
    const when = `${formatDuration(Date.now() - last.createdAt).replace(/ \d+ (s|min)$/, '')} ago`;
    const tooltip = new vscode.MarkdownString(`**Deploy Agent** — ${repository.name}\n\nLast deployment: ${last.title}, ${words} ${when}.`);
    if (circuit.state === 'open') {
      this.item.text = `$(circle-slash) Deploy Agent: circuit open`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      tooltip.appendMarkdown(
        `\n\nThe circuit breaker is **open**: ${circuit.failures} of the last ${circuit.window} deployments failed (${Math.round(circuit.rate * 100)}%). It lets the next deployment through at ${new Date(circuit.reopensAt!).toLocaleTimeString()}.`,
      );
    } else {
      this.item.text = `$(${icon}) Deploy Agent: ${words}`;
      this.item.backgroundColor = last.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
      if (circuit.state === 'half-open') tooltip.appendMarkdown(`\n\nThe circuit breaker is half-open: the next deployment is let through; one more failure opens it again.`);
    }
    tooltip.appendMarkdown('\n\nClick to open it.');
    this.item.tooltip = tooltip;
    this.item.command = { command: 'deployAgent.sidebar.open', title: 'Open Deployment', arguments: [last.id] };
    this.item.accessibilityInformation = { label: `Deploy Agent: last deployment ${words} ${when}${circuit.state === 'open' ? '; circuit breaker open' : ''}` };
    this.item.show();
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
