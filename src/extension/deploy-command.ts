// "Deploy Agent: Deploy Recommendation" — picks a recommendation file and a mode, runs the core
// pipeline with progress in a cancellable notification and the step log in the output channel,
// then offers the report (and the pull request). The webview panel comes later; this is the
// same pipeline the CLI runs.
import * as vscode from 'vscode';
import { resolveConfig } from '../core/config/resolve';
import type { DeploymentOutcome } from '../core/pipeline/orchestrator';
import type { PipelineEventBus } from '../core/pipeline/events';
import type { DeployMode } from '../core/pipeline/ports';
import type { HistoryStore } from '../core/store/database';
import type { MetricsReading } from '../core/strategy/types';
import { explicitEditorSettings } from './editor-settings';
import { createOrchestrator } from './orchestrator';

export interface DeployCommandInput {
  store: HistoryStore;
  secrets: vscode.SecretStorage;
  output: vscode.LogOutputChannel;
  workspaceDir: string;
  /** The background sampler's newest reading (trend, latencies), when one runs. */
  latestMetrics?(repoRoot: string): MetricsReading | undefined;
  /** Given by tests and by a future panel; otherwise the user is asked. */
  recommendationFile?: string;
  mode?: DeployMode;
  /** The extension's shared bus: the sidebar and the status bar follow every deployment on it. */
  events?: PipelineEventBus;
}

const MODES: { mode: DeployMode; label: string; detail: string }[] = [
  { mode: 'dry-run', label: 'Dry run', detail: 'Implement and test in a sandbox worktree, then remove it: nothing is kept.' },
  { mode: 'local-commit', label: 'Local commit', detail: 'Commit the tested change on its own branch; nothing is pushed.' },
  { mode: 'full-pr', label: 'Pull request', detail: 'Commit, push the branch and open a pull request (needs GITHUB_TOKEN).' },
];

export async function deployRecommendationCommand(input: DeployCommandInput): Promise<DeploymentOutcome | undefined> {
  const config = resolveConfig({ workspaceDir: input.workspaceDir, editor: explicitEditorSettings() });
  const file = input.recommendationFile ?? (await pickRecommendation());
  if (!file) return undefined;
  const mode = input.mode ?? (await pickMode(config.get<DeployMode>('pipeline.mode')));
  if (!mode) return undefined;
  const outcome = await runWithProgress(input, (orchestrator, signal) =>
    orchestrator.deploy({ recommendationFile: file, workspaceDir: input.workspaceDir, mode, strategy: config.get('pipeline.strategy'), keepWorktree: false, wait: true }, signal),
  );
  void announce(outcome, input.output);
  return outcome;
}

/** Resumes an interrupted deployment (the sidebar's Resume) with the same progress and announcement. */
export async function resumeDeploymentCommand(input: Omit<DeployCommandInput, 'recommendationFile' | 'mode'> & { deploymentId: string }): Promise<DeploymentOutcome> {
  const outcome = await runWithProgress(input, (orchestrator, signal) => orchestrator.resume(input.deploymentId, signal));
  void announce(outcome, input.output);
  return outcome;
}

/** Runs the real pipeline with progress in a cancellable notification and the step log in the output channel. */
async function runWithProgress(input: DeployCommandInput, run: (orchestrator: import('../core/pipeline/orchestrator').Orchestrator, signal: AbortSignal) => Promise<DeploymentOutcome>): Promise<DeploymentOutcome> {
  const [{ STEP_TITLES }, orchestrator] = await Promise.all([
    import('../core/pipeline/events'),
    createOrchestrator({ store: input.store, secrets: input.secrets, github: input.mode === 'full-pr', ...(input.latestMetrics ? { latestMetrics: input.latestMetrics } : {}) }),
  ]);
  // This deployment's events also go to the extension's shared bus (the sidebar, the status bar).
  const shared = input.events;
  if (shared) orchestrator.events.on((event) => shared.emit(event));

  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Deploy Agent', cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort(new Error('cancelled in VS Code')));
      const detach = orchestrator.events.on((event) => {
        if (event.type === 'step.started') progress.report({ message: STEP_TITLES[event.step] });
        else if (event.type === 'step.progress') progress.report({ message: `${STEP_TITLES[event.step]}: ${event.message}` });
        if (event.type === 'log') input.output[event.level === 'error' ? 'error' : event.level === 'warn' ? 'warn' : 'info'](event.message);
        else if (event.type === 'step.finished') input.output.info(`${event.step}: ${event.status} (${event.durationMs} ms)${event.error ? ` — ${event.error.code}: ${event.error.message}` : ''}`);
      });
      try {
        return await run(orchestrator, controller.signal);
      } finally {
        detach();
        cancel.dispose();
      }
    },
  );
}

async function pickRecommendation(): Promise<string | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.scheme === 'file' && active.fileName.endsWith('.json')) {
    const choice = await vscode.window.showQuickPick([{ label: `$(file) ${vscode.workspace.asRelativePath(active.uri)}`, file: active.fileName }, { label: '$(folder-opened) Choose another file…', file: undefined }], {
      placeHolder: 'The recommendation to deploy',
    });
    if (!choice) return undefined;
    if (choice.file) return choice.file;
  }
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Recommendation (JSON)': ['json'] }, openLabel: 'Deploy', title: 'Deploy Agent: choose the recommendation (JSON)' });
  return picked?.[0]?.fsPath;
}

async function pickMode(defaultMode: DeployMode): Promise<DeployMode | undefined> {
  const items = MODES.map((m) => ({ label: m.label, detail: m.detail, description: m.mode === defaultMode ? 'default' : undefined, mode: m.mode }));
  items.sort((a, b) => (a.mode === defaultMode ? -1 : b.mode === defaultMode ? 1 : 0));
  return (await vscode.window.showQuickPick(items, { placeHolder: 'How far should the deployment go?' }))?.mode;
}

async function announce(outcome: DeploymentOutcome, output: vscode.LogOutputChannel): Promise<void> {
  const tests = `${outcome.tests.passed} passed, ${outcome.tests.failed} failed`;
  const summary = outcome.goalReached
    ? `Deployment ${outcome.id} ${outcome.status}: ${tests}, ${outcome.repairs} repair round(s)${outcome.branch ? `, branch ${outcome.branch}` : ''}.`
    : `Deployment ${outcome.id} ${outcome.status}${outcome.error ? `: ${outcome.error.message}` : ''}`;
  output.info(summary);
  if (outcome.error?.hint) output.info(`→ ${outcome.error.hint}`);
  const actions = [...(outcome.report?.markdown ? ['Open Report'] : []), ...(outcome.prUrl ? ['Open Pull Request'] : [])];
  const show = outcome.goalReached ? vscode.window.showInformationMessage : outcome.status === 'cancelled' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const action = await show(summary, ...actions);
  if (action === 'Open Report' && outcome.report?.markdown) await vscode.window.showTextDocument(vscode.Uri.file(outcome.report.markdown));
  if (action === 'Open Pull Request' && outcome.prUrl) await vscode.env.openExternal(vscode.Uri.parse(outcome.prUrl));
}
