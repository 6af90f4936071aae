// The deployment panel's webview before anything else: its options and its HTML. Small and
// vscode-only, so that the command (in the tiny extension.js) can hand VS Code the panel's
// document before the services (about a second to load the first time in a window) are loaded:
// the webview's document then loads while they do.
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE } from '../../protocol/panel';
import { webviewHtml } from '../webview-html';

export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  // Only the built webview may be loaded (its script, inline under the nonce, brings its CSS); state survives hiding through getState/setState.
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')], retainContextWhenHidden: false };
}

/** Gives `panel` its options and document (a panel VS Code restored after a reload has neither). */
export function loadPanelDocument(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
  panel.webview.options = panelOptions(extensionUri);
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
  panel.webview.html = webviewHtml(panel.webview, extensionUri, 'panel.js', 'Deploy Agent', { inlineScript: true });
}

/** A new panel in the active column, its document already on its way. */
export function createPanelShell(extensionUri: vscode.Uri): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Deploy Agent', vscode.ViewColumn.Active, panelOptions(extensionUri));
  loadPanelDocument(panel, extensionUri);
  return panel;
}
