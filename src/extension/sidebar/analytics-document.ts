// The Analytics view's options and document. Small and vscode-only, so that register.ts (in the
// tiny extension.js) hands VS Code the document before the sidebar itself is loaded.
import * as vscode from 'vscode';
import { webviewHtml } from '../webview-html';

/** Sets the view's options and HTML; returns when (ms since the epoch), for the first-paint log line. */
export function loadAnalyticsDocument(view: vscode.WebviewView, extensionUri: vscode.Uri): number {
  view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
  view.webview.html = webviewHtml(view.webview, extensionUri, 'analytics.js', 'Deploy Agent: Analytics', { styles: ['webview.css', 'analytics.css'], inlineScript: true });
  return performance.timeOrigin + performance.now();
}
