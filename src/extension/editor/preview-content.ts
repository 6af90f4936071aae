// Read-only documents held in memory (`deploy-agent-preview:` URIs): the file as a revert would
// leave it, and the file as a deployment shipped it — the sides of the editor's diff previews.
import path from 'node:path';
import * as vscode from 'vscode';

export const PREVIEW_SCHEME = 'deploy-agent-preview';

export class PreviewContent implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this);
  }

  /** A URI showing `text`, named like `file` (so it is highlighted as the file is) under a label saying what it is. */
  put(label: string, file: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${label}/${path.basename(file)}`, query: file });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
