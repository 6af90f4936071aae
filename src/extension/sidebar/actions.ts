// What the Deployments tree's context menu and the status bar do with one deployment: open it,
// open its report, resume it, roll it back, open its pull request; and "Import CI history".
// Each calls the core function the CLI's command of the same name calls.
import * as vscode from 'vscode';
import { DeployAgentError } from '../../core/errors';
import type { DeploymentOutcome } from '../../core/pipeline/orchestrator';
import { DeploymentsRepository } from '../../core/store/deployments';
import { importCiHistory, type CiSource } from './ci-import';
import type { DeploymentNode } from './deployments-tree';
import type { SidebarCommand } from './register';
import type { Repository, SidebarContext } from './sidebar';

export interface ActionsDeps extends SidebarContext {
  resume(deploymentId: string): Promise<DeploymentOutcome | undefined>;
  refresh(): Promise<void>;
}

/** The command of the deployment panel ([panel]); "Open" uses it once it exists, the report until then. */
export const OPEN_DEPLOYMENT_COMMAND = 'deployAgent.openDeployment';

export class DeploymentActions {
  constructor(private readonly deps: ActionsDeps) {}

  async run(command: SidebarCommand, target: unknown): Promise<unknown> {
    const id = idOf(target);
    if (!id) throw new DeployAgentError('NO_DEPLOYMENT', 'No deployment was chosen.', 'Run this from a deployment in the Deploy Agent sidebar.');
    switch (command) {
      case 'deployAgent.sidebar.open':
        return this.open(id);
      case 'deployAgent.sidebar.openReport':
        return this.openReport(id);
      case 'deployAgent.sidebar.resume':
        return this.deps.resume(id);
      case 'deployAgent.sidebar.rollBack':
        return this.rollBack(id);
      case 'deployAgent.sidebar.openPullRequest':
        return this.openPullRequest(id);
      default:
        return undefined;
    }
  }

  async open(id: string): Promise<unknown> {
    if ((await vscode.commands.getCommands(true)).includes(OPEN_DEPLOYMENT_COMMAND)) return vscode.commands.executeCommand(OPEN_DEPLOYMENT_COMMAND, id);
    return this.openReport(id);
  }

  /** Writes the report afresh (as `deploy-agent report ID` does) and shows its Markdown preview. */
  async openReport(id: string): Promise<vscode.Uri> {
    const [{ writeReport }] = await Promise.all([import('../../core/report/write-report')]);
    const store = this.deps.openStore();
    const files = writeReport(store.db, store.path, id);
    if (!files) throw new DeployAgentError('DEPLOYMENT_NOT_FOUND', `There is no deployment ${id} in the history.`, 'Refresh the sidebar: it may have been removed.');
    const uri = vscode.Uri.file(files.markdown);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(uri, { preview: true });
    }
    return uri;
  }

  async rollBack(id: string): Promise<unknown> {
    const row = this.row(id);
    const choice = await vscode.window.showWarningMessage(
      `Roll back "${row.title}"?`,
      {
        modal: true,
        detail: `A revert of commit ${row.commitSha?.slice(0, 12) ?? '—'} is made on a new branch (deploy-agent/revert-…), in a temporary worktree: your working tree is not touched.${row.prUrl ? ' The branch is pushed and a pull request opened, as the deployment was.' : ''}`,
      },
      'Roll Back',
    );
    if (choice !== 'Roll Back') return undefined;
    const { rollbackDeployment } = await import('../../core/pipeline/rollback');
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploy Agent: rolling back ${row.title}` }, () =>
      rollbackDeployment({ db: this.deps.openStore().db, deploymentId: id, env: process.env }),
    );
    this.deps.output.info(`Rolled back ${id}: revert commit ${result.revertCommit.slice(0, 12)} on ${result.branch}${result.prUrl ? `, pull request ${result.prUrl}` : ''}`);
    await this.deps.refresh();
    const open = await vscode.window.showInformationMessage(`Rolled back: revert commit on ${result.branch}.`, ...(result.prUrl ? ['Open Pull Request'] : []));
    if (open && result.prUrl) await vscode.env.openExternal(vscode.Uri.parse(result.prUrl));
    return result;
  }

  async openPullRequest(id: string): Promise<boolean> {
    const row = this.row(id);
    if (!row.prUrl) throw new DeployAgentError('NO_PULL_REQUEST', `Deployment ${id} has no pull request.`, 'Only full-pr deployments open one.');
    return vscode.env.openExternal(vscode.Uri.parse(row.prUrl));
  }

  /** "Import CI history": asks where from when not told, runs `history import`, says what it did. */
  async importCiHistory(source?: CiSource, given: { file?: string; token?: string; repository?: Repository } = {}): Promise<string | undefined> {
    const chosen =
      source ??
      (
        await vscode.window.showQuickPick(
          [
            { label: '$(github) GitHub Actions runs of this repository', detail: 'Signs in to GitHub (repo scope) and reads the workflow runs of the origin remote.', source: 'github' as const },
            { label: '$(file) A TravisTorrent CSV file…', detail: 'The DL-CIBuild layout with build_Failed, or the full TravisTorrent layout.', source: 'travistorrent' as const },
          ],
          { placeHolder: 'Import past CI builds: the outcome model learns from them before your first deployments' },
        )
      )?.source;
    if (!chosen) return undefined;
    const summary = await importCiHistory(chosen, { store: this.deps.openStore(), repository: given.repository ?? (await this.deps.repository()), output: this.deps.output, ...(given.file ? { file: given.file } : {}), ...(given.token ? { token: given.token } : {}) });
    if (summary) {
      this.deps.output.info(`Import CI history: ${summary}`);
      void vscode.window.showInformationMessage(`Deploy Agent: ${summary}`);
      await this.deps.refresh();
    }
    return summary;
  }

  private row(id: string) {
    const row = new DeploymentsRepository(this.deps.openStore().db).get(id);
    if (!row) throw new DeployAgentError('DEPLOYMENT_NOT_FOUND', `There is no deployment ${id} in the history.`, 'Refresh the sidebar: it may have been removed.');
    return row;
  }
}

/** A deployment id from a command argument: the id itself (item click, status bar) or a tree node (context menu). */
function idOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  const node = target as DeploymentNode | undefined;
  return node?.kind === 'deployment' ? node.deployment.id : undefined;
}
