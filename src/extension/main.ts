// Extension entry. Kept tiny so activation is fast: it registers the commands and an output
// channel, and loads everything else (extension-services.js) the first time a command needs it.
import * as vscode from 'vscode';
import path from 'node:path';
import type { ExtensionServices } from './services';
import { PANEL_VIEW_TYPE, type PanelState } from '../protocol/panel';
import { registerSidebar } from './sidebar/register';
import { registerRelease } from './release/register';
import { registerEditor } from './editor/register';
import { keepSandboxesOutOfSourceControl } from './sandbox-scm';
import { createPanelShell } from './panel/shell';
import { HAND_OVER_MS } from './hand-over';
import { loadWithCodeCache } from './services-loader';

export interface DeployAgentApi {
  /** Milliseconds from the start of activate() to its end (performance.now marks). */
  readonly activationMs: number;
  services(): ExtensionServices;
}

export function activate(context: vscode.ExtensionContext): DeployAgentApi {
  const started = performance.now();
  performance.mark('deploy-agent:activate:start');
  const output = vscode.window.createOutputChannel('Deploy Agent', { log: true });
  context.subscriptions.push(output);

  let services: ExtensionServices | undefined;
  let activationMs = 0;
  const load = (): ExtensionServices => {
    if (!services) {
      const loading = performance.now();
      // A runtime path keeps the bundler from inlining the services into this file; the V8 code cache
      // in the global storage spares most of the bundle's compile (services-loader.ts).
      const storage = context.globalStorageUri.scheme === 'file' ? path.join(context.globalStorageUri.fsPath, 'code-cache') : undefined;
      const mod = loadWithCodeCache<typeof import('./services')>(path.join(__dirname, 'extension-services.js'), { cacheDir: storage, version: String(context.extension.packageJSON.version), log: (m) => output.debug(m) });
      services = mod.exports.createServices(context, output, activationMs);
      output.info(`Deploy Agent services loaded in ${(performance.now() - loading).toFixed(0)} ms (code cache: ${mod.cache})`);
    }
    return services;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('deployAgent.showDiagnostics', () => load().showDiagnostics()),
    // The panel: its first paint is measured from here (loading the services included).
    vscode.commands.registerCommand('deployAgent.deployRecommendation', (file?: vscode.Uri) => {
      const commandAt = performance.now();
      if (services) return void services.panel().open({ file: file?.fsPath, commandAt });
      // The first command in this window: VS Code is handed the panel's document first, and the
      // services load (about a second) while it loads.
      const shell = createPanelShell(context.extensionUri);
      setTimeout(() => {
        try {
          load().panel().open({ file: file?.fsPath, commandAt, shell });
        } catch (error) {
          shell.dispose();
          output.error(`Deploy Recommendation: ${(error as Error).stack ?? String(error)}`);
          void vscode.window.showErrorMessage(`Deploy Agent could not open its panel: ${(error as Error).message}`);
        }
      }, HAND_OVER_MS);
    }),
    // With an id (the sidebar's Open), that deployment; without, one picked from the history.
    vscode.commands.registerCommand('deployAgent.openDeployment', (id?: unknown) => (typeof id === 'string' ? load().panel().openDeployment(id) : load().panel().pickDeployment())),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, { deserializeWebviewPanel: async (panel, state) => load().panel().restore(panel, state as PanelState | undefined) }),
    vscode.commands.registerCommand('deployAgent.setAnthropicApiKey', () => load().setAnthropicApiKey()),
    vscode.commands.registerCommand('deployAgent.clearAnthropicApiKey', () => load().clearAnthropicApiKey()),
    vscode.commands.registerCommand('deployAgent.checkModelProviders', () => load().checkModelProviders()),
  );

  // The sidebar's views and commands; the sidebar itself loads when a view shows or a command runs.
  registerSidebar(context, () => load().sidebar());
  // The Targets view and the release commands; the release code loads when one is used.
  registerRelease(context, () => load().release());
  // Code lenses, the Testing view's controller and the editor's commands; the editor loads on first use.
  registerEditor(context, () => load().editor());
  // Sandbox worktrees are reviewed in the panel, never committed to from Source Control.
  keepSandboxesOutOfSourceControl(context, output);

  performance.mark('deploy-agent:activate:end');
  activationMs = performance.now() - started;
  output.info(`Deploy Agent activated in ${activationMs.toFixed(2)} ms`);
  return { activationMs, services: load };
}

export function deactivate(): void {
  // Disposables are registered on context.subscriptions; VS Code disposes them.
}
