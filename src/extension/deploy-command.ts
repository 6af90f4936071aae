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
import { deploymentNotice } from './failure-notice';
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
  /** Deploy although the circuit breaker is open, for this reason (recorded like `--force --reason`). */
  forceReason?: string;
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
    orchestrator.deploy(
      { recommendationFile: file, workspaceDir: input.workspaceDir, mode, strategy: config.get('pipeline.strategy'), keepWorktree: false, wait: true, ...(input.forceReason ? { forceReason: input.forceReason } : {}) },
      signal,
    ),
  );
  // "Deploy anyway…" on an open circuit breaker: the same file and mode again, with the reason the user gives.
  void announce(outcome, input.output, (forceReason) => deployRecommendationCommand({ ...input, recommendationFile: file, mode, forceReason }));
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
        // A repair round names the error pattern it answers: kept in the log too.
        if (event.type === 'step.progress' && event.step === 'repair') input.output.info(`repair: ${event.message}`);
        if (event.type === 'log') input.output[event.level === 'error' ? 'error' : event.level === 'warn' ? 'warn' : 'info'](event.message);
        // A failure's message comes once, with what to do, when the deployment ends (announce).
        else if (event.type === 'step.finished') input.output[event.attention ? 'warn' : 'info'](`${event.step}: ${event.status} (${event.durationMs} ms)${event.error ? ` (${event.error.code})` : ''}${event.attention ? ` — ${event.attention}` : ''}`);
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

/** The end of a deployment: the message with what to do, in the notification and the output channel, and the buttons that do it. */
async function announce(outcome: DeploymentOutcome, output: vscode.LogOutputChannel, deployAnyway?: (reason: string) => Promise<unknown>): Promise<void> {
  const notice = deploymentNotice(outcome);
  output[notice.severity === 'info' ? 'info' : notice.severity === 'warning' ? 'warn' : 'error'](notice.message);
  const show = notice.severity === 'info' ? vscode.window.showInformationMessage : notice.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const picked = await show(notice.message, ...notice.actions.map((a) => a.title));
  const chosen = notice.actions.find((a) => a.title === picked);
  if (!chosen) return;
  if ('deployAnyway' in chosen) {
    const reason = await vscode.window.showInputBox({
      title: 'Deploy anyway: why?',
      prompt: 'The circuit breaker is open because recent deployments of this repository failed. Your reason is recorded with the deployment (as --force --reason is in the CLI).',
      placeHolder: 'e.g. hotfix for the outage; the earlier failures were a flaky test',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'Say why, in a few words: the reason is recorded.'),
    });
    if (reason?.trim() && deployAnyway) await deployAnyway(reason.trim());
  } else if ('command' in chosen) await vscode.commands.executeCommand(chosen.command, ...('args' in chosen ? chosen.args : []));
  else if ('report' in chosen) await vscode.window.showTextDocument(vscode.Uri.file(chosen.report));
  else if ('url' in chosen) await vscode.env.openExternal(vscode.Uri.parse(chosen.url));
}
