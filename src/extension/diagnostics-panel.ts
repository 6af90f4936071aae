import * as vscode from 'vscode';
import { describeError, isDeployAgentError } from '../core/errors';
import type { Diagnostics } from '../core/diagnostics/collect';
import type { DiagnosticsToHost, DiagnosticsView, HostToDiagnostics } from '../protocol/diagnostics';
import { webviewHtml } from './webview-html';

/** The "Deploy Agent: Diagnostics" webview: renders what the extension host computed. */
export class DiagnosticsPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private latest: Diagnostics | undefined;
  disposed = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly compute: () => Promise<Diagnostics>,
    private readonly output: vscode.LogOutputChannel,
    private readonly activationMs?: number,
  ) {
    this.panel = vscode.window.createWebviewPanel('deployAgent.diagnostics', 'Deploy Agent: Diagnostics', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    });
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, 'diagnostics.js', 'Deploy Agent: Diagnostics', { styles: ['webview.css'] });
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((message: DiagnosticsToHost) => this.onMessage(message)),
    );
  }

  async show(): Promise<Diagnostics> {
    this.panel.reveal();
    return this.refresh();
  }

  private async refresh(): Promise<Diagnostics> {
    try {
      this.latest = await this.compute();
      this.output.info(`Diagnostics collected in ${this.latest.durationMs} ms`);
      await this.post({ type: 'diagnostics', data: this.view(this.latest), collectedAt: new Date().toISOString() });
      return this.latest;
    } catch (error) {
      this.output.error(`Diagnostics failed: ${describeError(error)}`);
      await this.post({ type: 'error', message: (error as Error).message, ...(isDeployAgentError(error) ? { hint: error.hint } : {}) });
      throw error;
    }
  }

  private async onMessage(message: DiagnosticsToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (this.latest) await this.post({ type: 'diagnostics', data: this.view(this.latest), collectedAt: new Date().toISOString() });
        break;
      case 'refresh':
        await this.refresh().catch(() => undefined); // already shown in the panel and logged
        break;
      case 'copyJson':
        if (this.latest) {
          await vscode.env.clipboard.writeText(JSON.stringify(this.latest, null, 2));
          void vscode.window.showInformationMessage('Deploy Agent diagnostics copied as JSON.');
        }
        break;
    }
  }

  /** What the panel shows: the diagnostics plus this window's activation time. */
  private view(diagnostics: Diagnostics): DiagnosticsView {
    return this.activationMs === undefined ? diagnostics : { ...diagnostics, activationMs: this.activationMs };
  }

  private post(message: HostToDiagnostics): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
