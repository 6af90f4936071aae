// The Analytics view's host side: translates the webview's messages into core calls and core's
// analytics into one typed message. It computes nothing itself: the figures are
// computeAnalytics() with its chart series — what `deploy-agent analytics --json` prints.
import * as vscode from 'vscode';
import { describeError, isDeployAgentError } from '../../core/errors';
import { computeAnalytics, doraDefinitions } from '../../core/learning';
import { detectInterrupted } from '../../core/pipeline/owner';
import { historyCounts } from '../../core/store/deployment-states';
import { DEFAULT_SELECTION, type AnalyticsData, type AnalyticsScope, type AnalyticsSelection, type AnalyticsToHost, type AnalyticsWindow, type HostToAnalytics } from '../../protocol/analytics';
import { loadAnalyticsDocument } from './analytics-document';
import type { SidebarContext } from './sidebar';

export interface AnalyticsViewDeps extends SidebarContext {
  extensionUri: vscode.Uri;
  /** Where the chosen window is kept (the workspace's state), so that the figures can be computed before the view asks. */
  memento: vscode.Memento;
  setScope(scope: AnalyticsScope): Promise<void>;
  /** Runs `history import`; resolves to what was imported, in a sentence (undefined when the user backed out). */
  importCiHistory(source: 'github' | 'travistorrent'): Promise<string | undefined>;
  deploy(): Promise<unknown>;
}

type AnalyticsMessage = Extract<HostToAnalytics, { type: 'analytics' }>;

const WINDOW_KEY = 'deployAgent.sidebar.window';

export class AnalyticsViewHost {
  private view: vscode.WebviewView | undefined;
  private window: AnalyticsWindow;
  private ready = false;
  /** The figures computed while the view's document loads (posted as soon as it is ready). */
  private prefetched: Promise<AnalyticsMessage | undefined> | undefined;
  private stale = false;
  /** The last message posted (tests compare its data with the CLI's). */
  lastPosted: HostToAnalytics | undefined;
  /** When the first chart drew, as the webview measured it (ms after its document started). */
  firstChartMs: number | undefined;
  private lastQueryMs: number | undefined;
  /** When the view's HTML was set (ms since the epoch): the painted log line says how long its document took to start. */
  private htmlSetAt = 0;
  private computed = 0;

  constructor(private readonly deps: AnalyticsViewDeps) {
    this.window = deps.memento.get<AnalyticsWindow>(WINDOW_KEY) ?? DEFAULT_SELECTION.window;
  }

  /** Takes over the view; its document is set already (`htmlSetAt`), or set here. */
  resolveWebviewView(view: vscode.WebviewView, htmlSetAt?: number): void {
    this.view = view;
    this.ready = false;
    this.htmlSetAt = htmlSetAt ?? loadAnalyticsDocument(view, this.deps.extensionUri);
    view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    });
    view.onDidChangeVisibility(() => {
      if (view.visible && this.stale) void this.refresh();
    });
    view.webview.onDidReceiveMessage((message: AnalyticsToHost) => void this.onMessage(message));
    // The host's work overlaps the document's loading, and the figures are posted as soon as they
    // are computed: VS Code holds a message until the view's document has loaded, so the first
    // chart needs no round trip. (`ready` sends them again, in case the view reloaded meanwhile;
    // the view does not draw the same figures twice.)
    const prefetched = this.deps
      .scope()
      .then((scope) => this.compute({ scope, window: this.window }))
      .catch(() => undefined);
    this.prefetched = prefetched;
    void prefetched.then((message) => {
      if (message && this.view === view && this.prefetched === prefetched) void this.post(message);
    });
  }

  /** Posts the figures of the current selection (later, when the view is hidden). */
  async refresh(): Promise<void> {
    const view = this.view;
    if (!view || !this.ready) return;
    if (!view.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    const selection: AnalyticsSelection = { scope: await this.deps.scope(), window: this.window };
    try {
      await this.post(await this.compute(selection));
    } catch (error) {
      this.deps.output.error(`Analytics view: ${describeError(error)}`);
      await this.post({ type: 'error', message: (error as Error).message, ...(isDeployAgentError(error) ? { hint: error.hint } : {}) });
    }
  }

  /** The message the view is sent for `selection`. */
  async compute(selection: AnalyticsSelection): Promise<AnalyticsMessage> {
    const store = this.deps.openStore();
    const repository = (await this.deps.repository()) ?? null;
    const repoPath = selection.scope === 'repository' && repository ? repository.path : undefined;
    const started = performance.now();
    // A deployment whose process died is interrupted, not running (as the CLI's learning commands see it).
    detectInterrupted(store.db);
    const data: AnalyticsData = computeAnalytics(store, { series: true, ...(selection.window === 'all' ? {} : { days: selection.window }), ...(repoPath ? { repoPath } : {}) });
    const counts = historyCounts(store.db, repoPath, selection.window === 'all' || !data.window.from ? 0 : Date.parse(data.window.from));
    const queryMs = Math.round((performance.now() - started) * 10) / 10;
    this.lastQueryMs = queryMs;
    this.deps.output.debug(`Analytics view: ${selection.scope} × ${selection.window} computed in ${queryMs} ms (${data.deployments.total} deployments)`);
    return { type: 'analytics', id: `${process.pid}-${Date.now().toString(36)}-${++this.computed}`, selection, data, context: { repository, scopeDeployments: counts.scope, windowDeployments: counts.window, allDeployments: counts.all, ciBuilds: counts.ciBuilds, doraDefinitions: doraDefinitions() }, queryMs };
  }

  private async onMessage(message: AnalyticsToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        if (message.selection) await this.setWindow(message.selection.window);
        const prefetched = await this.prefetched;
        this.prefetched = undefined;
        if (prefetched && this.view?.visible && prefetched.selection.window === this.window && prefetched.selection.scope === (await this.deps.scope())) await this.post(prefetched);
        else await this.refresh();
        break;
      }
      case 'select':
        await this.setWindow(message.selection.window);
        if (message.selection.scope !== (await this.deps.scope())) await this.deps.setScope(message.selection.scope);
        else await this.refresh();
        break;
      case 'importCiHistory': {
        await this.post({ type: 'import', state: 'running', message: message.source === 'github' ? 'Importing GitHub Actions runs…' : 'Importing the CSV file…' });
        try {
          const summary = await this.deps.importCiHistory(message.source);
          await this.post({ type: 'import', state: 'done', message: summary ?? '' });
        } catch (error) {
          await this.post({ type: 'import', state: 'failed', message: (error as Error).message });
        }
        await this.refresh();
        break;
      }
      case 'deploy':
        await this.deps.deploy();
        break;
      case 'painted':
        this.firstChartMs ??= message.firstChartMs;
        this.deps.output.info(
          `Analytics view: first chart painted ${message.firstChartMs.toFixed(0)} ms after the view's document started (${message.fromSavedState ? 'from its saved state' : `ready at ${message.readyMs.toFixed(0)} ms, figures at ${message.dataMs.toFixed(0)} ms`}; last query ${this.lastQueryMs ?? '—'} ms; the document started ${(message.timeOrigin - this.htmlSetAt).toFixed(0)} ms after its HTML was set)`,
        );
        break;
    }
  }

  private async setWindow(window: AnalyticsWindow): Promise<void> {
    if (window === this.window) return;
    this.window = window;
    await this.deps.memento.update(WINDOW_KEY, window);
  }

  private post(message: HostToAnalytics): Thenable<boolean> {
    this.lastPosted = message;
    return this.view?.webview.postMessage(message) ?? Promise.resolve(false);
  }
}
