// The panel's entry for services.ts: the two commands (Deploy Recommendation, Open Deployment),
// the serializer's restore, and what the panel's buttons do in VS Code.
import * as vscode from 'vscode';
import path from 'node:path';
import { resolveConfig } from '../../core/config/resolve';
import type { PipelineEventBus } from '../../core/pipeline/events';
import type { StrategyChoice } from '../../core/pipeline/ports';
import type { HistoryStore } from '../../core/store/database';
import { DeploymentsRepository } from '../../core/store/deployments';
import type { MetricsReading } from '../../core/strategy/types';
import type { ReleaseTarget } from '../../core/release/types';
import type { PanelAction, PanelState } from '../../protocol/panel';
import { explicitEditorSettings } from '../editor-settings';
import { githubToken } from '../orchestrator';
import { registerGitContent } from './git-content';
import { DeploymentPanel, type PanelDeps, type PanelFolder } from './panel';
import { followRelease, type ReleaseFollower } from './release-view';
import { DeploymentRuns } from './runs';

export interface PanelControllerDeps {
  context: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  openStore(): HistoryStore;
  /** The extension's shared bus: the panel's deployments show in the sidebar and the status bar too. */
  events?: PipelineEventBus;
  latestMetrics?(repoRoot: string): MetricsReading | undefined;
}

export interface PanelController {
  /**
   * "Deploy Agent: Deploy Recommendation": the panel, with `file` (or the active recommendation)
   * selected; `workspaceDir` deploys into another folder than the window's first (tests);
   * `shell`: a panel the command already made (shell.ts), taken over when there is no panel yet.
   */
  open(options?: { file?: string | undefined; deploymentId?: string; commandAt?: number; workspaceDir?: string; shell?: vscode.WebviewPanel }): DeploymentPanel;
  /** The serializer: a panel VS Code brought back after a window reload. */
  restore(webviewPanel: vscode.WebviewPanel, state: PanelState | undefined): void;
  /** "Deploy Agent: Open Deployment": pick one from the history and show it in the panel. */
  pickDeployment(): Promise<string | undefined>;
  /** Shows deployment `id` in the panel (the sidebar's Open). */
  openDeployment(id: string): string;
  /**
   * Shows a release the release controller runs, live: its events go to `record`, the panel's
   * Cancel aborts `controller`; `end` with the error that refused it before it started.
   */
  followRelease(release: { id: string; target: ReleaseTarget; mode: 'release' | 'rollback' }, controller: AbortController): ReleaseFollower;
  readonly runs: DeploymentRuns;
  /** The open panel, if any (tests). */
  current(): DeploymentPanel | undefined;
}

export function createPanelController(deps: PanelControllerDeps): PanelController {
  const { context, output } = deps;
  const runs = new DeploymentRuns({ openStore: deps.openStore, secrets: context.secrets, output, ...(deps.events ? { events: deps.events } : {}), ...(deps.latestMetrics ? { latestMetrics: deps.latestMetrics } : {}) });
  let panel: DeploymentPanel | undefined;
  let folderOverride: PanelFolder | undefined;
  const folder = (): PanelFolder | undefined => folderOverride ?? vscode.workspace.workspaceFolders?.[0];
  const config = (dir: string) => resolveConfig({ workspaceDir: dir, editor: explicitEditorSettings() });
  registerGitContent(context);

  const panelDeps: PanelDeps = {
    extensionUri: context.extensionUri,
    output,
    openStore: deps.openStore,
    runs,
    secrets: context.secrets,
    folder,
    config,
    strategy: (dir) => config(dir).get<StrategyChoice>('pipeline.strategy'),
    ...(deps.latestMetrics ? { latestMetrics: deps.latestMetrics } : {}),
    runAction: (action, where) => runAction(action, where, output),
  };
  const adopt = (created: DeploymentPanel): DeploymentPanel => {
    panel = created;
    context.subscriptions.push(created);
    return created;
  };

  return {
    runs,
    current: () => (panel && !panel.disposed ? panel : undefined),
    open(options = {}) {
      if (options.workspaceDir) folderOverride = { uri: vscode.Uri.file(options.workspaceDir), name: path.basename(options.workspaceDir) };
      const file = options.file ?? activeRecommendation();
      const existing = panel && !panel.disposed ? panel : undefined;
      if (existing) options.shell?.dispose();
      const target = existing ?? adopt(options.shell ? new DeploymentPanel(options.shell, panelDeps) : DeploymentPanel.create(panelDeps));
      target.mark('panel created');
      // Made by the command before the services loaded: the first command in this window.
      if (options.shell && target.panel === options.shell) target.cold = true;
      target.show({ ...(file ? { file } : {}), ...(options.deploymentId ? { deploymentId: options.deploymentId } : {}), ...(options.commandAt !== undefined ? { commandAt: options.commandAt } : {}) });
      return target;
    },
    restore(webviewPanel, state) {
      if (panel && !panel.disposed) panel.dispose();
      adopt(new DeploymentPanel(webviewPanel, panelDeps));
      output.info(`Deploy Agent panel restored${state?.deploymentId ? ` with deployment ${state.deploymentId}` : ''}.`);
    },
    openDeployment(id) {
      this.open({ deploymentId: id });
      return id;
    },
    followRelease(release, controller) {
      const follower = followRelease(runs, release, controller);
      this.open({ deploymentId: release.id });
      return follower;
    },
    async pickDeployment() {
      const rows = new DeploymentsRepository(deps.openStore().db).list({ limit: 200 });
      if (!rows.length) {
        void vscode.window.showInformationMessage('Deploy Agent: there is no deployment in the history yet. Run "Deploy Agent: Deploy Recommendation" to make one.');
        return undefined;
      }
      // Those waiting for a decision first, then newest first.
      rows.sort((a, b) => Number(b.status === ('awaiting-review' as string)) - Number(a.status === ('awaiting-review' as string)) || b.createdAt - a.createdAt);
      const picked = await vscode.window.showQuickPick(
        rows.map((r) => ({
          label: r.title,
          description: `${r.status.replace('_', ' ')} · ${r.id}`,
          detail: `${path.basename(r.repoPath)} · ${r.mode ?? ''} · ${new Date(r.createdAt).toLocaleString()}${r.prUrl ? ` · ${r.prUrl}` : ''}`,
          id: r.id,
        })),
        { title: 'Deploy Agent: Open Deployment', placeHolder: 'The deployment to open (type to filter by title, status or id)', matchOnDescription: true, matchOnDetail: true },
      );
      if (!picked) return undefined;
      this.open({ deploymentId: picked.id });
      return picked.id;
    },
  };
}

/** The active editor's file when it is a recommendation (by the same patterns as the list). */
/** The active editor's JSON file: the panel lists it (when it is a valid recommendation) and selects it. */
function activeRecommendation(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' && uri.fsPath.endsWith('.json') ? uri.fsPath : undefined;
}

async function runAction(action: PanelAction, where: { file?: string; panel: DeploymentPanel }, output: vscode.LogOutputChannel): Promise<void> {
  switch (action.id) {
    case 'checkProviders':
      await vscode.commands.executeCommand('deployAgent.checkModelProviders');
      break;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', action.argument ?? 'deployAgent');
      break;
    case 'setAnthropicKey':
      await vscode.commands.executeCommand('deployAgent.setAnthropicApiKey');
      break;
    case 'manageTrust':
      await vscode.commands.executeCommand('workbench.trust.manage');
      break;
    case 'openFolder':
      await vscode.commands.executeCommand('workbench.action.files.openFolder');
      break;
    case 'openDeployment':
      if (action.argument) await where.panel.showDeployment(action.argument).catch((error) => where.panel.fail(error, 'recommendations'));
      break;
    case 'signInGitHub': {
      const token = await githubToken(true);
      void (token ? vscode.window.showInformationMessage('Deploy Agent: signed in to GitHub. Push again from the panel.') : vscode.window.showWarningMessage('Deploy Agent: no GitHub sign-in. Sign in from the Accounts menu, or start VS Code with GITHUB_TOKEN set.'));
      break;
    }
    case 'rollBackTarget':
    case 'releaseTarget':
      // The release commands ask first (a rollback, production) and show the new run in this panel.
      await vscode.commands.executeCommand(action.id === 'rollBackTarget' ? 'deployAgent.targets.rollBack' : 'deployAgent.targets.release', action.argument);
      break;
    case 'addRemote':
      await vscode.commands.executeCommand('git.addRemote', ...(action.argument ? [vscode.Uri.file(action.argument)] : []));
      break;
    case 'initRepository':
      // true: the workspace folder itself, without asking which folder.
      await vscode.commands.executeCommand('git.init', true);
      break;
    case 'openReport':
      if (action.argument) await vscode.commands.executeCommand('deployAgent.sidebar.openReport', action.argument);
      break;
    case 'showOutput':
    default:
      output.show(true);
      break;
  }
}
