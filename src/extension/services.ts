// Everything the commands need, created on first use (see main.ts). It translates between
// VS Code and core; the work itself happens in core.
import * as vscode from 'vscode';
import path from 'node:path';
import { resolveConfig } from '../core/config/resolve';
import { collectDiagnostics, type Diagnostics } from '../core/diagnostics/collect';
import { openHistoryStore, type HistoryStore } from '../core/store/database';
import { adoptEarlierEditorHistory, historyLocation } from './history-location';
import { DEPLOY_AGENT_VERSION } from '../core/version';
import { DiagnosticsPanel } from './diagnostics-panel';
import { AnalysisCache } from '../core/analysis/cache';
import { createAnalysisWatcher } from './analysis-watcher';
import { explicitEditorSettings } from './editor-settings';
import { ANTHROPIC_KEY_SECRET, checkModelProviders, promptForAnthropicKey } from './model-providers';
import { requireTrust } from './trust';
import { startBackgroundSampler } from './background-sampler';
import { startPeriodicSync } from './periodic-sync';
import type { SyncResult } from '../core/strategy/outcome-sync';
import { deployRecommendationCommand, resumeDeploymentCommand } from './deploy-command';
import { PipelineEventBus } from '../core/pipeline/events';
import { createSidebar, type Sidebar } from './sidebar/sidebar';
import type { DeploymentOutcome } from '../core/pipeline/orchestrator';
import type { DeployMode } from '../core/pipeline/ports';
import { createPanelController, type PanelController } from './panel';
import { createReleaseController, type ReleaseController } from './release/controller';
import { Editor } from './editor/editor';

export interface ExtensionServices {
  showDiagnostics(): Promise<Diagnostics>;
  computeDiagnostics(): Promise<Diagnostics>;
  /** Asks for what it is not given (the file, the mode), runs the pipeline with progress, offers the report. */
  deployRecommendation(options?: { recommendationFile?: string; mode?: DeployMode; workspaceDir?: string }): Promise<DeploymentOutcome | undefined>;
  /** Prompts for the Anthropic API key and keeps it in SecretStorage. */
  setAnthropicApiKey(): Promise<void>;
  storeAnthropicApiKey(key: string): Promise<void>;
  clearAnthropicApiKey(): Promise<void>;
  /** Checks the model providers with the stored key and writes the result to the output channel. */
  checkModelProviders(): Promise<Awaited<ReturnType<typeof checkModelProviders>>>;
  /** The periodic sync with GitHub, now (tests, and a future "Sync now" button). */
  syncOutcomesNow(): Promise<SyncResult | undefined>;
  /** The Deploy Agent sidebar (views, status bar), created on first use. */
  sidebar(): Sidebar;
  readonly historyDbPath: string;
  /** The deployment panel (Deploy Recommendation, Open Deployment, the serializer). */
  panel(): PanelController;
  /** Releases to targets: the Targets view and the release commands (src/extension/release). */
  release(): ReleaseController;
  /** Code lenses, reverts, the Testing view's controller, New Recommendation (src/extension/editor). */
  editor(): Editor;
}

export function createServices(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, activationMs?: number): ExtensionServices {
  let store: HistoryStore | undefined;
  const history = historyLocation(context);
  const historyDbPath = history.path;

  const openStore = (): HistoryStore => {
    if (!store) {
      adoptEarlierEditorHistory(history, output);
      store = openHistoryStore(historyDbPath, { busyTimeoutMs: resolveConfig({ editor: explicitEditorSettings() }).get<number>('history.busyTimeoutSeconds') * 1000 });
      const opened = store;
      context.subscriptions.push({ dispose: () => opened.close() });
      // The structure-map cache lives in this database; keep it honest while files change.
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (folder) context.subscriptions.push(createAnalysisWatcher(context, new AnalysisCache(opened.db), folder));
      output.info(`History database ${opened.path} (schema ${opened.schemaVersion}, SQLite ${opened.sqliteVersion})`);
      if (opened.movedAside) {
        const message = `Deploy Agent's history database was damaged (not a readable SQLite database). It was moved to ${opened.movedAside} and a new one was created.`;
        output.warn(message);
        void vscode.window.showWarningMessage(message);
      }
    }
    return store;
  };

  const workspaceDir = (): string | undefined => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

  // The machine sampled in the background for the open repository (interval: strategy.metricsIntervalMs),
  // started the first time a command loads the services; the strategy reads its newest reading.
  const sampler = startBackgroundSampler(context, output, workspaceDir());
  // Every deployment run here reports on this bus; the sidebar and the status bar follow it.
  const deploymentEvents = new PipelineEventBus();
  let sidebar: Sidebar | undefined;
  let release: ReleaseController | undefined;
  let editor: Editor | undefined;
  const periodicSync = startPeriodicSync(context, output, openStore, workspaceDir(), () => void sidebar?.refresh('sync'));

  const computeDiagnostics = async (): Promise<Diagnostics> => {
    const opened = openStore();
    const dir = workspaceDir();
    const config = resolveConfig({ workspaceDir: dir, editor: explicitEditorSettings() });
    return collectDiagnostics({
      version: DEPLOY_AGENT_VERSION,
      host: 'vscode',
      vscodeVersion: vscode.version,
      env: process.env,
      workingDir: dir ?? path.dirname(opened.path),
      store: { path: opened.path, pathSource: history.source, schemaVersion: opened.schemaVersion, sqliteVersion: opened.sqliteVersion, movedAside: opened.movedAside },
      config,
    });
  };

  let panel: DiagnosticsPanel | undefined;
  let panels: PanelController | undefined;
  const deployInput = (dir: string) => ({ store: openStore(), secrets: context.secrets, output, workspaceDir: dir, events: deploymentEvents, latestMetrics: (root: string) => (root === sampler?.repoPath ? sampler.latest() : undefined) });
  const services: ExtensionServices = {
    historyDbPath,
    panel: () => {
      services.sidebar(); // its status bar and views follow the panel's deployments (the shared bus)
      return (panels ??= createPanelController({ context, output, openStore, events: deploymentEvents, latestMetrics: (root) => (root === sampler?.repoPath ? sampler.latest() : undefined) }));
    },
    computeDiagnostics,
    syncOutcomesNow: () => periodicSync.runNow(),
    async showDiagnostics() {
      if (!panel || panel.disposed) {
        panel = new DiagnosticsPanel(context.extensionUri, computeDiagnostics, output, activationMs);
        context.subscriptions.push(panel);
      }
      return panel.show();
    },
    async setAnthropicApiKey() {
      if (await promptForAnthropicKey(context.secrets)) {
        output.info('Anthropic API key stored in secret storage.');
        void vscode.window.showInformationMessage('Deploy Agent: the Anthropic API key is stored in VS Code’s secret storage.');
      }
    },
    async storeAnthropicApiKey(key: string) {
      await context.secrets.store(ANTHROPIC_KEY_SECRET, key);
    },
    async clearAnthropicApiKey() {
      await context.secrets.delete(ANTHROPIC_KEY_SECRET);
      output.info('Anthropic API key removed from secret storage.');
    },
    async checkModelProviders() {
      const dir = workspaceDir();
      const config = resolveConfig({ workspaceDir: dir, editor: explicitEditorSettings() });
      const result = await checkModelProviders({ secrets: context.secrets, config, store: openStore(), ...(dir ? { repoKey: dir } : {}) });
      // The CLI's `ai check` text, a line at a time (state, why, fix, each phase's model).
      for (const line of (await import('../core/ai/check-text')).formatProvidersCheck(result).trimEnd().split('\n')) if (line) output.info(line);
      const summary = result.ok ? 'Deploy Agent: a model is ready for every phase.' : 'Deploy Agent: no provider can serve every phase — see the "Deploy Agent" output.';
      void (result.ok ? vscode.window.showInformationMessage(summary) : vscode.window.showWarningMessage(summary));
      output.show(true);
      return result;
    },
    async deployRecommendation(options = {}) {
      if (!requireTrust('deploy a recommendation (it runs the repository’s tests and writes files)')) return undefined;
      const dir = options.workspaceDir ?? workspaceDir();
      if (!dir) {
        void vscode.window.showWarningMessage('Deploy Agent: open the repository folder first — a recommendation is deployed into the open workspace.');
        return undefined;
      }
      services.sidebar(); // the status bar and the views follow the deployment
      return deployRecommendationCommand({ ...deployInput(dir), ...options });
    },
    editor: () => (editor ??= new Editor({ context, output, openStore, events: deploymentEvents, deploy: (options) => services.deployRecommendation(options) })),
    release() {
      const editorConfig = (dir: string) => resolveConfig({ workspaceDir: dir, editor: explicitEditorSettings() });
      return (release ??= createReleaseController({ output, openStore, workspaceDir, config: editorConfig, onEnded: () => void sidebar?.refresh('release'), follow: (r, c) => services.panel().followRelease(r, c) }));
    },
    sidebar() {
      return (sidebar ??= createSidebar({
        context,
        output,
        openStore,
        workspaceDir,
        events: deploymentEvents,
        deploy: () => services.deployRecommendation(),
        resume: (deploymentId) => resumeDeploymentCommand({ ...deployInput(workspaceDir() ?? path.dirname(openStore().path)), deploymentId }),
      }));
    },
  };
  services.editor(); // it follows every deployment on the bus (lenses, tests, the walkthrough)
  return services;
}
