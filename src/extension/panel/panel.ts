// The deployment panel's host side: one WebviewPanel per window (restored after a window reload
// by the serializer), translating between the webview's messages (protocol/panel.ts) and core.
import * as vscode from 'vscode';
import path from 'node:path';
import type { ResolvedConfig } from '../../core/config/resolve';
import { DeployAgentError } from '../../core/errors';
import type { StrategyChoice } from '../../core/pipeline/ports';
import type { HistoryStore } from '../../core/store/database';
import { type HostToPanel, type PanelAction, type PanelState, type PanelToHost, type RecommendationsView } from '../../protocol/panel';
import { createPanelShell, loadPanelDocument } from './shell';
import { HAND_OVER_MS } from '../hand-over';
import { plural } from '../../core/plural';
import { deploymentSnapshot, previewFor, startDeployment } from './deploy-flow';
import { problemOf } from './problems';
import { draftProblems, listRecommendations, saveDraft } from './recommendations';
import type { DeploymentRuns } from './runs';
import { openReviewDiff, openReviewTest, sendReview, shipAction } from './shipping';
import { missingConfigItems, releasesOf, saveMissingConfig } from './workspace-extras';

export interface PanelDeps {
  extensionUri: vscode.Uri;
  output: vscode.LogOutputChannel;
  openStore(): HistoryStore;
  runs: DeploymentRuns;
  secrets: vscode.SecretStorage;
  /** The folder deployments go into (the window's first folder, unless the command named another). */
  folder(): PanelFolder | undefined;
  /** The `pipeline.strategy` setting for the folder. */
  strategy(dir: string): StrategyChoice;
  /** Settings as core reads them for `dir` (editor values over .deploy-agent/config.json). */
  config(dir: string): ResolvedConfig;
  latestMetrics?(repoRoot: string): import('../../core/strategy/types').MetricsReading | undefined;
  /** Runs one of the panel's action buttons (commands, settings, sign-in …). */
  runAction(action: PanelAction, context: { file?: string; panel: DeploymentPanel }): Promise<void>;
}

/** A workspace folder as the panel needs it. */
export interface PanelFolder {
  uri: vscode.Uri;
  name: string;
}

/** What the next `ready` shows: set by the command that opened the panel. */
interface Pending {
  file?: string;
  deploymentId?: string;
  /** performance.now() when the command ran: the first paint is measured from it. */
  commandAt?: number;
  /** The command asked for the list: it is shown whatever the webview showed before (a restored deployment included). */
  list?: boolean;
}

export class DeploymentPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private pending: Pending = {};
  /** The webview said `ready` and has not been hidden since (a hidden webview is unloaded and says `ready` again). */
  private webviewReady = false;
  /** The recommendations read ahead for the next `ready`. */
  private prepared: Promise<RecommendationsView> | undefined;
  /** The deployment the panel shows (its live events are forwarded). */
  shown: string | undefined;
  disposed = false;
  /** Command → first rendered recommendations list, in ms (logged; the e2e run reads it). */
  firstPaintMs: number | undefined;
  /** With the first paint: when the webview's document started (ms after the command), and its script and paint (ms of the document). */
  firstPaintParts: { documentStartMs: number; scriptStartMs: number; paintedMs: number } | undefined;
  /** Opened by the first command in the window: the services loaded between the command and the first paint. */
  cold = false;
  /** When the first paint's parts happened (performance.now()): the log line breaks the figure down. */
  private readonly marks: Record<string, number> = {};

  static create(deps: PanelDeps): DeploymentPanel {
    return new DeploymentPanel(createPanelShell(deps.extensionUri), deps);
  }

  /** Takes over a new panel (its document already set, see shell.ts), or one VS Code restored after a window reload (given its document here). */
  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly deps: PanelDeps,
  ) {
    // Setting the HTML again would reload a document that is already loading.
    if (!panel.webview.html) loadPanelDocument(panel, deps.extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.webviewReady = false;
      }),
      panel.webview.onDidReceiveMessage((message: PanelToHost) => void this.receive(message)),
      deps.runs.onEvent((event) => {
        if (event.deploymentId === this.shown) void this.post({ type: 'event', event });
      }),
    );
  }

  mark(what: string): void {
    this.marks[what] ??= performance.now();
  }

  /** Shows the panel: the list with `file` selected, or deployment `deploymentId`. */
  show(pending: Pending): void {
    this.pending = pending.deploymentId ? pending : { ...pending, list: true };
    const loaded = this.webviewReady && this.panel.visible;
    // The list is read while the webview loads, and sent as soon as it is read: VS Code holds a
    // message until the webview's document has loaded, so the first paint needs no round trip.
    // (`ready` sends it again, in case the webview reloaded meanwhile.)
    // The read starts once VS Code has been handed a new panel's document (HAND_OVER_MS): begun at
    // once, its synchronous parts (git, the schema) held the document back ~50-100 ms, and the list
    // is read long before the document can show it anyway.
    if (!pending.deploymentId && !loaded) {
      this.prepared = new Promise((resolve) => setTimeout(resolve, HAND_OVER_MS)).then(() => this.readRecommendations(pending.file));
      void this.prepared.then((data) => this.post({ type: 'recommendations', data, show: true }), () => undefined);
    }
    this.panel.reveal();
    // A webview already past `ready` is brought to what was asked now; otherwise its `ready` does it.
    if (loaded) void this.bringTo(undefined).catch((error) => this.fail(error, 'recommendations'));
  }

  post(message: HostToPanel): Thenable<boolean> {
    if (this.disposed) return Promise.resolve(false);
    this.posted.fire(message);
    return this.panel.webview.postMessage(message);
  }

  private readonly posted = new vscode.EventEmitter<HostToPanel>();
  /** Every message sent to the webview (the extension-host tests read the panel through it). */
  readonly onDidPost = this.posted.event;

  /** Handles `message` as if the webview sent it (the extension-host tests drive the panel through it). */
  receive(message: PanelToHost): Promise<void> {
    return this.onMessage(message).catch((error) => this.fail(error, contextOf(message)));
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
        this.painted(message.items, message.webview);
        break;
      case 'openFile':
        await this.openFile(message.file, message.line);
        break;
      case 'validateDraft':
        await this.post({ type: 'draftProblems', problems: draftProblems(message.draft) });
        break;
      case 'saveDraft':
        await this.saveDraft(message.draft);
        break;
      case 'addBuiltin':
        await this.addBuiltin(message.id);
        break;
      case 'preview':
        await previewFor(this, message.file);
        break;
      case 'chooseFile': {
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Recommendation (JSON)': ['json'] }, openLabel: 'Deploy', title: 'Deploy Agent: the recommendation to deploy' });
        const file = picked?.[0]?.fsPath;
        if (!file) break;
        await this.sendRecommendations(file);
        await previewFor(this, file);
        break;
      }
      case 'deploy':
        await startDeployment(this, message.file, message.choice, message.forceReason);
        break;
      case 'cancel':
        if (!this.deps.runs.cancel(message.deploymentId)) this.deps.output.warn(`Deployment ${message.deploymentId} is not running in this window; nothing to cancel.`);
        break;
      case 'openDiff':
        await openReviewDiff(this, message.deploymentId, message.path);
        break;
      case 'openTest':
        await openReviewTest(this, message.deploymentId, message.path, message.line);
        break;
      case 'ship':
        await shipAction(this, message.deploymentId, message.action);
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
    // What the command asked for wins over what the webview showed before a reload (its state).
    const restored = pending.list ? undefined : state;
    const deploymentId = pending.deploymentId ?? (restored?.view === 'deployment' ? restored.deploymentId : undefined);
    const data = await (prepared ?? this.readRecommendations(pending.file));
    await this.post({ type: 'recommendations', data, ...(pending.list ? { show: true } : {}) });
    this.sendExtras(data);
    if (deploymentId) await this.showDeployment(deploymentId);
    else if (restored?.view === 'preview' && restored.selectedFile) await previewFor(this, restored.selectedFile, restored.choice);
  }

  async sendRecommendations(preselect?: string): Promise<void> {
    const data = await this.readRecommendations(preselect);
    await this.post({ type: 'recommendations', data });
    this.sendExtras(data);
  }

  /** The release targets and the missing deployment configuration, sent once read (the list does not wait for them). */
  private sendExtras(list: RecommendationsView): void {
    const folder = this.deps.folder();
    if (!folder) return;
    const dir = folder.uri.fsPath;
    const config = this.deps.config(dir);
    let store: HistoryStore | undefined;
    try {
      store = this.deps.openStore();
    } catch {
      // said when the list was read
    }
    void releasesOf(dir, config, store).then((data) => this.post({ type: 'releases', data }));
    const listed = new Set(list.items.flatMap((i) => (i.id ? [i.id] : [])));
    void missingConfigItems(dir, config, store, listed).then(
      (items) => this.post({ type: 'missingConfig', items }),
      (error) => this.deps.output.warn(`The missing deployment configuration could not be read: ${(error as Error).message}`),
    );
  }

  /** "Add & deploy…": the built-in recommendation saved as a file of the workspace, then previewed like any other. */
  private async addBuiltin(id: string): Promise<void> {
    const folder = this.requireFolder();
    const dir = folder.uri.fsPath;
    let store: HistoryStore | undefined;
    try {
      store = this.deps.openStore();
    } catch {
      // the analysis runs without its cache
    }
    const saved = await saveMissingConfig(dir, id, this.deps.config(dir), store);
    this.deps.output.info(`Recommendation saved: ${saved.relativePath}`);
    await this.sendRecommendations(saved.file);
    await previewFor(this, saved.file);
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

  private painted(items: number, webview: { scriptStartMs: number; paintedMs: number; timeOrigin: number }): void {
    const commandAt = this.pending.commandAt;
    if (commandAt === undefined || this.firstPaintMs !== undefined) return;
    this.firstPaintMs = performance.now() - commandAt;
    const parts = Object.entries(this.marks)
      .map(([what, at]) => `${what} ${(at - commandAt).toFixed(0)} ms`)
      .join(', ');
    const documentStartMs = webview.timeOrigin - (performance.timeOrigin + commandAt);
    this.firstPaintParts = { documentStartMs, scriptStartMs: webview.scriptStartMs, paintedMs: webview.paintedMs };
    // In the webview's own clock: from its document's start to its script, and to the painted list.
    const inWebview = `webview: document started ${documentStartMs.toFixed(0)} ms after the command, script at ${webview.scriptStartMs.toFixed(0)} ms, list painted at ${webview.paintedMs.toFixed(0)} ms of its document`;
    const start = this.cold ? 'cold: the services loaded with this command' : 'warm: the services were loaded';
    this.deps.output.info(`Deploy Agent panel: first paint of ${plural(items, 'recommendation')} ${this.firstPaintMs.toFixed(1)} ms after the command (${start}; ${parts}; ${inWebview})`);
  }

  /** Shows a deployment: the one this window runs (live), or one from the history; then its review when it has one. */
  async showDeployment(id: string): Promise<void> {
    this.shown = id;
    const snapshot = await deploymentSnapshot(this, id);
    await this.post({ type: 'deployment', ...snapshot });
    // A release has no review; its outcome and problem are drawn from its events.
    if (snapshot.live || snapshot.header.release) return;
    const failure = snapshot.events.findLast((e) => e.type === 'deployment.finished');
    if (failure?.type === 'deployment.finished' && failure.error && !failure.goalReached) await this.post({ type: 'problem', context: 'deploy', problem: problemOf(failure.error) });
    await sendReview(this, id);
  }

  private async saveDraft(draft: Parameters<typeof draftProblems>[0]): Promise<void> {
    const problems = draftProblems(draft);
    if (problems.length) {
      await this.post({ type: 'draftProblems', problems });
      return;
    }
    const saved = await saveDraft(this.requireFolder(), draft);
    this.deps.output.info(`Recommendation saved: ${saved.relativePath}`);
    await this.post({ type: 'saved', file: saved.file, relativePath: saved.relativePath });
    await this.sendRecommendations(saved.file);
  }

  requireFolder(): PanelFolder {
    const folder = this.deps.folder();
    if (!folder) throw new DeployAgentError('NO_FOLDER', 'No folder is open: a recommendation is deployed into the repository open in this window.', 'Open the repository’s folder, then deploy.');
    return folder;
  }

  private async openFile(file: string, line?: number): Promise<void> {
    const folder = this.deps.folder();
    const absolute = path.isAbsolute(file) ? file : folder ? path.join(folder.uri.fsPath, file) : file;
    const position = line ? new vscode.Position(Math.max(0, line - 1), 0) : undefined;
    await vscode.window.showTextDocument(vscode.Uri.file(absolute), { viewColumn: vscode.ViewColumn.Beside, preview: true, ...(position ? { selection: new vscode.Range(position, position) } : {}) });
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
    this.posted.dispose();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function contextOf(message: PanelToHost): 'recommendations' | 'preview' | 'deploy' | 'review' {
  switch (message.type) {
    case 'preview':
      return 'preview';
    case 'deploy':
    case 'cancel':
      return 'deploy';
    case 'openDiff':
    case 'openTest':
    case 'ship':
      return 'review';
    default:
      return 'recommendations';
  }
}

