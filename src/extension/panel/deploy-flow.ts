// From a recommendation to a running deployment: the preview before the model runs (core's
// previewDeployment), then the deployment itself in review mode with the user's choice of
// integration points; and a deployment's header and events for a panel that (re)opens it.
import * as vscode from 'vscode';
import { DeployAgentError } from '../../core/errors';
import type { DeployMode } from '../../core/pipeline/ports';
import { DeploymentsRepository } from '../../core/store/deployments';
import { EventsRepository } from '../../core/store/steps';
import type { DeploymentChoiceView, DeploymentHeader, LiveEvent } from '../../protocol/panel';
import { deploymentEnvironment } from '../orchestrator';
import { displayPlan, recordedEvents } from './events';
import type { DeploymentPanel } from './panel';
import { checkModelProviders } from '../model-providers';
import { noModelProblem, problemOf } from './problems';
import { previewView } from './preview';
import { recordedRelease } from './release-view';

/** Analyses the workspace for `file` and shows what the deployment would do; nothing is written, no model is called. */
export async function previewFor(panel: DeploymentPanel, file: string, choice?: DeploymentChoiceView): Promise<void> {
  const { deps } = panel;
  try {
    const folder = panel.requireFolder();
    const dir = folder.uri.fsPath;
    await panel.post({ type: 'previewing', file, message: 'Analysing the workspace…' });
    const { previewDeployment } = await import('../../core/pipeline/preview');
    // The providers are checked beside the analysis (no model is called): a deployment without one would stop at its pre-checks.
    const models = checkModelProviders({ secrets: deps.secrets, config: deps.config(dir), store: deps.openStore(), repoKey: dir }).catch(() => undefined);
    const preview = await previewDeployment({
      store: deps.openStore(),
      workspaceDir: dir,
      recommendation: { file },
      mode: 'review',
      env: await deploymentEnvironment(deps.secrets),
      config: deps.config(dir),
      ...(choice ? { choice } : {}),
      ...(deps.latestMetrics ? { latestMetrics: deps.latestMetrics } : {}),
      onProgress: (message) => void panel.post({ type: 'previewing', file, message: `${message[0]?.toUpperCase() ?? ''}${message.slice(1)}…` }),
    });
    const check = await models;
    const modelProblem = check && !check.ok ? noModelProblem(check.providers) : undefined;
    await panel.post({ type: 'preview', data: { ...previewView(file, preview), ...(modelProblem ? { modelProblem } : {}) } });
  } catch (error) {
    panel.fail(error, 'preview');
  }
}

/** Starts the deployment (review mode) and shows it live; a refusal before it starts is shown with its action. */
export async function startDeployment(panel: DeploymentPanel, file: string, choice: DeploymentChoiceView, forceReason?: string): Promise<void> {
  const { deps } = panel;
  try {
    if (!vscode.workspace.isTrusted) {
      throw new DeployAgentError('UNTRUSTED_WORKSPACE', 'Deploy Agent cannot deploy in an untrusted workspace: a deployment runs the repository’s tests and writes files.', 'Trust this folder (Manage Workspace Trust), then deploy again.');
    }
    const folder = panel.requireFolder();
    const running = deps.runs.running();
    if (running.length) {
      throw new DeployAgentError('REPOSITORY_BUSY', `Deployment ${running[0]} is still running in this window.`, 'One deployment runs at a time. Wait for it to end, or open it to follow or cancel it.', {
        details: { holder: { deploymentId: running[0] } },
      });
    }
    const title = (await titleOf(file)) ?? file;
    const { header, done } = await deps.runs.start({ workspaceDir: folder.uri.fsPath, file, title, choice, strategy: deps.strategy(folder.uri.fsPath), ...(forceReason ? { forceReason } : {}) });
    panel.shown = header.id;
    await panel.post({ type: 'deployment', header, events: deps.runs.snapshot(header.id)?.events ?? [], live: true });
    void done.then(async (outcome) => {
      if (panel.shown !== header.id) return;
      // What stopped it, with the buttons that help (Check Model Providers, Deploy anyway…, …).
      if (outcome.error && !outcome.goalReached) await panel.post({ type: 'problem', context: 'deploy', problem: problemOf(outcome.error) });
      if (outcome.status === ('awaiting-review' as string) || outcome.goalReached) await import('./shipping').then(({ sendReview }) => sendReview(panel, header.id));
    });
  } catch (error) {
    panel.fail(error, 'deploy');
  }
}

/** A deployment as the panel opens it: live from this window, or its header and recorded events from the history. */
export async function deploymentSnapshot(panel: DeploymentPanel, id: string): Promise<{ header: DeploymentHeader; events: LiveEvent[]; live: boolean }> {
  const live = panel.deps.runs.snapshot(id);
  // An ended release is read back from the history: whether it is still its target's latest (its Roll Back) may have changed since.
  if (live && (live.live || !live.header.release)) return live;
  const store = panel.deps.openStore();
  const row = new DeploymentsRepository(store.db).get(id);
  // A release refused before it was recorded is only in this window.
  if (!row && live) return live;
  if (!row) throw new DeployAgentError('DEPLOYMENT_NOT_FOUND', `There is no deployment ${id} in the history.`, 'Run "Deploy Agent: Open Deployment" to pick one from the history.');
  if (row.kind === 'release') return recordedRelease(store, row);
  const requests = new EventsRepository(store.db).list(id, 'request').map((e) => e.payload as { recommendationFile?: string; mode?: string; choice?: DeploymentChoiceView });
  // The first request is what was deployed (a ship records a later one); its mode names the plan.
  const first = requests[0];
  const mode = (first?.mode ?? row.mode ?? 'dry-run') as DeployMode;
  return {
    header: {
      id,
      title: row.title,
      ...(first?.recommendationFile ? { file: first.recommendationFile } : {}),
      mode,
      status: row.status,
      plan: displayPlan(mode),
      createdAt: row.createdAt,
      ...(first?.choice ? { choice: { excludedIntegrationPoints: first.choice.excludedIntegrationPoints ?? [], addedFiles: first.choice.addedFiles ?? [] } } : {}),
    },
    events: recordedEvents(store, id),
    live: false,
  };
}

async function titleOf(file: string): Promise<string | undefined> {
  try {
    const { loadRecommendation } = await import('../../core/recommendation/load');
    return (await loadRecommendation(file)).recommendation.title;
  } catch {
    return undefined;
  }
}
