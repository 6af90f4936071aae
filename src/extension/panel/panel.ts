// The deployment panel's host side: one WebviewPanel per window (restored after a reload by the
// serializer), translating between the webview's messages (protocol/panel.ts) and core.
import * as vscode from 'vscode';
import path from 'node:path';
import { DeployAgentError } from '../../core/errors';
import type { HistoryStore } from '../../core/store/database';
import { DeploymentsRepository } from '../../core/store/deployments';
import { EventsRepository } from '../../core/store/steps';
import { PANEL_VIEW_TYPE, type HostToPanel, type PanelAction, type PanelState, type PanelToHost, type RecommendationsView } from '../../protocol/panel';
import { webviewHtml } from '../webview-html';
import { recordedEvents, planSteps } from './events';
import { problemOf } from './problems';
import { draftProblems, listRecommendations, saveDraft } from './recommendations';
import type { DeploymentRuns } from './runs';

export interface PanelDeps {
  extensionUri: vscode.Uri;
  output: vscode.LogOutputChannel;
  openStore(): HistoryStore;
  runs: DeploymentRuns;
  folder(): vscode.WorkspaceFolder | undefined;
  /** The `pipeline.strategy` setting for the folder. */
  strategy(dir: string): string;
  /** Runs one of the panel's action buttons (commands, settings, sign-in …). */
  runAction(action: PanelAction, context: { file?: string; panel: DeploymentPanel }): Promise<void>;
}

/** What the next `ready` shows: set by the command that opened the panel. */
interface Pending {
  file?: string;
  deploymentId?: string;
  /** performance.now() when the command ran: the first paint is measured from it. */
  commandAt?: number;
}

export class DeploymentPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private pending: Pending = {};
  /** The webview said `ready` and has not been hidden since (a hidden webview is unloaded and says `ready` again). */
  private webviewReady = false;
  /** The recommendations read ahead for the next `ready`. */
  private prepared: Promise<RecommendationsView> | undefined;
  /** The deployment the panel shows (its live events are forwarded). */
  private shown: string | undefined;
  disposed = false;
  /** Command → first rendered recommendations list, in ms (the e2e run and the bench read it from the log). */
  firstPaintMs: number | undefined;
  /** When the first paint's parts happened (performance.now()): the log line breaks the figure down. */
  private readonly marks: Record<string, number> = {};

  mark(what: string): void {
    this.marks[what] ??= performance.now();
  }

  static create(deps: PanelDeps): DeploymentPanel {
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Deploy Agent', vscode.ViewColumn.Active, DeploymentPanel.options(deps.extensionUri));
    return new DeploymentPanel(panel, deps);
  }

  static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    // Only the built webview (script, its CSS) may be loaded; state survives hiding through getState/setState.
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')], retainContextWhenHidden: false };
  }

  /** Takes over a panel VS Code restored after a window reload. */
  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: PanelDeps,
  ) {
    panel.webview.options = DeploymentPanel.options(deps.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, 'panel.js', 'Deploy Agent', { style: 'panel.css' });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.webviewReady = false;
      }),
      panel.webview.onDidReceiveMessage((message: PanelToHost) => void this.onMessage(message).catch((error) => this.fail(error, 'recommendations'))),
      deps.runs.onEvent((event) => {
        if (event.deploymentId === this.shown) void this.post({ type: 'event', event });
      }),
    );
  }

  /** Shows the panel: the list with `file` selected, or deployment `deploymentId`. */
  show(pending: Pending): void {
    this.pending = pending;
    // The list is read while the webview loads (the first paint waits for whichever is last).
    if (!pending.deploymentId) this.prepared = this.readRecommendations(pending.file);
    const loaded = this.webviewReady && this.panel.visible;
    this.panel.reveal();
    // A webview already past `ready` is brought to what was asked now; otherwise its `ready` does it.
    if (loaded) void this.bringTo(undefined).catch((error) => this.fail(error, 'recommendations'));
  }

  post(message: HostToPanel): Thenable<boolean> {
    return this.disposed ? Promise.resolve(false) : this.panel.webview.postMessage(message);
  }

  private async onMessage(message: PanelToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.mark('ready');
        this.webviewReady = true;
        await this.bringTo(message.state);
        break;
      case 'refresh':
        await this.sendRecommendations();
        break;
      case 'painted':
        if (this.pending.commandAt !== undefined && this.firstPaintMs === undefined) {
          this.firstPaintMs = performance.now() - this.pending.commandAt;
          const parts = Object.entries(this.marks).map(([what, at]) => `${what} ${(at - this.pending.commandAt!).toFixed(0)} ms`).join(', ');
          this.deps.output.info(`Deploy Agent panel: first paint of ${message.items} recommendation(s) ${this.firstPaintMs.toFixed(1)} ms after the command (${parts})`);
        }
        break;
      case 'openFile':
        await this.openFile(message.file, message.line);
        break;
      case 'newRecommendation':
        break;
      case 'validateDraft':
        await this.post({ type: 'draftProblems', problems: draftProblems(message.draft) });
        break;
      case 'saveDraft': {
        const problems = draftProblems(message.draft);
        if (problems.length) {
          await this.post({ type: 'draftProblems', problems });
          break;
        }
        const folder = this.requireFolder();
        const saved = await saveDraft(folder, message.draft);
        this.deps.output.info(`Recommendation saved: ${saved.relativePath}`);
        await this.post({ type: 'saved', file: saved.file, relativePath: saved.relativePath });
        await this.sendRecommendations(saved.file);
        break;
      }
      case 'preview':
        // Until the preview is in core, Deploy starts the deployment straight away.
        await this.deploy(message.file, { excludedIntegrationPoints: [], addedFiles: [] });
        break;
      case 'deploy':
        await this.deploy(message.file, message.choice, message.forceReason);
        break;
      case 'cancel':
        if (!this.deps.runs.cancel(message.deploymentId)) this.deps.output.warn(`Deployment ${message.deploymentId} is not running in this window; nothing to cancel.`);
        break;
      case 'openDiff':
      case 'openTest':
      case 'ship':
        await this.post({ type: 'problem', context: 'review', problem: problemOf(new DeployAgentError('NOT_AVAILABLE', 'Review and shipping come with the review pause.', 'Use the CLI for now.')) });
        break;
      case 'action':
        await this.deps.runAction(message.action, { ...(message.file ? { file: message.file } : {}), panel: this });
        break;
      case 'openExternal':
        if (/^https?:\/\//.test(message.url)) await vscode.env.openExternal(vscode.Uri.parse(message.url));
        break;
      case 'back':
        this.shown = undefined;
        await this.sendRecommendations();
        break;
    }
  }

  /** Brings the webview to what was asked (`pending`), or back to what it showed before a reload (`state`). */
  private async bringTo(state: PanelState | undefined): Promise<void> {
    const pending = this.pending;
    this.pending = { ...(pending.commandAt !== undefined ? { commandAt: pending.commandAt } : {}) };
    const prepared = this.prepared;
    this.prepared = undefined;
    const deploymentId = pending.deploymentId ?? (state?.view === 'deployment' ? state.deploymentId : undefined);
    await this.post({ type: 'recommendations', data: await (prepared ?? this.readRecommendations(pending.file)) });
    if (deploymentId) await this.showDeployment(deploymentId);
  }

  async sendRecommendations(preselect?: string): Promise<void> {
    await this.post({ type: 'recommendations', data: await this.readRecommendations(preselect) });
  }

  private async readRecommendations(preselect?: string): Promise<RecommendationsView> {
    let store: HistoryStore | undefined;
    try {
      store = this.deps.openStore();
    } catch (error) {
      this.deps.output.warn(`The history could not be opened, so the last deployment of each recommendation is not shown: ${(error as Error).message}`);
    }
    this.mark('store open');
    const data = await listRecommendations(this.deps.folder(), store, preselect);
    this.mark('list read');
    return data;
  }

  /** Shows a deployment: the one this window runs (live), or one from the history. */
  async showDeployment(id: string): Promise<void> {
    this.shown = id;
    const live = this.deps.runs.snapshot(id);
    if (live) {
      await this.post({ type: 'deployment', ...live });
      return;
    }
    const store = this.deps.openStore();
    const row = new DeploymentsRepository(store.db).get(id);
    if (!row) throw new DeployAgentError('DEPLOYMENT_NOT_FOUND', `There is no deployment ${id} in the history.`, 'Run "Deploy Agent: Open Deployment" to pick one from the history.');
    const { planFor } = await import('../../core/pipeline/plan');
    const request = new EventsRepository(store.db).latest(id, 'request')?.payload as { recommendationFile?: string; mode?: string } | undefined;
    const mode = (row.mode ?? request?.mode ?? 'dry-run') as Parameters<typeof planFor>[0];
    await this.post({
      type: 'deployment',
      header: { id, title: row.title, ...(request?.recommendationFile ? { file: request.recommendationFile } : {}), mode, status: row.status, plan: planSteps(planFor(mode)), createdAt: row.createdAt },
      events: recordedEvents(store, id),
      live: false,
    });
  }

  private async deploy(file: string, choice: { excludedIntegrationPoints: string[]; addedFiles: string[] }, forceReason?: string): Promise<void> {
    try {
      if (!vscode.workspace.isTrusted) {
        throw new DeployAgentError('UNTRUSTED_WORKSPACE', 'Deploy Agent cannot deploy in an untrusted workspace: a deployment runs the repository’s tests and writes files.', 'Trust this folder (Manage Workspace Trust), then deploy again.');
      }
      const folder = this.requireFolder();
      const running = this.deps.runs.running();
      if (running.length) {
        throw new DeployAgentError('REPOSITORY_BUSY', `Deployment ${running[0]} is still running in this window.`, 'Wait for it to end, or open it to follow or cancel it.', { details: { holder: { deploymentId: running[0] } } });
      }
      const title = (await listTitle(file)) ?? path.basename(file);
      const { header, done } = await this.deps.runs.start({ workspaceDir: folder.uri.fsPath, file, title, choice, ...(forceReason ? { forceReason } : {}), strategy: this.deps.strategy(folder.uri.fsPath) });
      this.shown = header.id;
      await this.post({ type: 'deployment', header, events: this.deps.runs.snapshot(header.id)?.events ?? [], live: true });
      void done.then(async (outcome) => {
        if (outcome.error && !outcome.goalReached && this.shown === header.id) {
          // The panel shows the failure from the events; an error before the first step (none recorded) comes here.
          if (!this.deps.runs.snapshot(header.id)?.events.some((e) => e.type === 'deployment.finished')) await this.post({ type: 'problem', context: 'deploy', problem: problemOf(outcome.error) });
        }
        await this.sendRecommendations();
      });
    } catch (error) {
      this.fail(error, 'deploy');
    }
  }

  private requireFolder(): vscode.WorkspaceFolder {
    const folder = this.deps.folder();
    if (!folder) throw new DeployAgentError('NO_FOLDER', 'No folder is open: a recommendation is deployed into the repository open in this window.', 'Open the repository’s folder, then deploy.');
    return folder;
  }

  private async openFile(file: string, line?: number): Promise<void> {
    const folder = this.deps.folder();
    const absolute = path.isAbsolute(file) ? file : folder ? path.join(folder.uri.fsPath, file) : file;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(absolute));
    const position = line ? new vscode.Position(Math.max(0, line - 1), 0) : undefined;
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true, ...(position ? { selection: new vscode.Range(position, position) } : {}) });
  }

  /** A problem in the panel (and the log), with its buttons; never a silent stop. */
  fail(error: unknown, context: 'recommendations' | 'preview' | 'deploy' | 'review'): void {
    const problem = problemOf(error);
    this.deps.output.warn(`${problem.code}: ${problem.message} ${problem.hint}`);
    void this.post({ type: 'problem', context, problem });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The recommendation's title, for the panel's header before the validate step names the deployment. */
async function listTitle(file: string): Promise<string | undefined> {
  try {
    const { loadRecommendation } = await import('../../core/recommendation/load');
    return (await loadRecommendation(file)).recommendation.title;
  } catch {
    return undefined;
  }
}
