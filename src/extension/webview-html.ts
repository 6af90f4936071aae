import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/**
 * The HTML shell of a webview: a strict Content-Security-Policy with a per-load nonce, one
 * bundled script from dist/webview, and the theme through --vscode-* CSS variables.
 *
 * Styles are put in the document (`<style>`), never linked: a linked stylesheet is fetched through
 * the webview's service worker and, until it arrives, holds back both the first paint and the
 * script (a deferred script waits for the stylesheets before it). In code-server that fetch cost
 * the Analytics view about 200 ms before its script could even say it was ready.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, title: string, options: { styles?: string[]; inlineScript?: boolean } = {}): string {
  const nonce = randomBytes(16).toString('base64');
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', script));
  // `styles`: files of media/ (the panel's script brings its own styles, bundled into it).
  const styles = (options.styles ?? []).map((name) => `\n  <style>${inlineText(vscode.Uri.joinPath(extensionUri, 'media', name).fsPath, 'style')}</style>`).join('');
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">${styles}
  <title>${title}</title>
</head>
<body>
  <main id="app" aria-live="polite"><p class="muted">Loading…</p></main>
  ${options.inlineScript ? `<script type="module" nonce="${nonce}">${inlineText(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', script).fsPath, 'script')}</script>` : `<script type="module" nonce="${nonce}" src="${scriptUri}"></script>`}
</body>
</html>`;
}

/**
 * A file's text for an inline <script> or <style> (still under the nonce): the view starts without
 * a round trip through the webview's resource loader. Its closing tag inside it is escaped. Kept
 * while the file is unchanged: the panel's bundle is 200 KB, read and escaped at every open otherwise.
 */
function inlineText(file: string, tag: 'script' | 'style'): string {
  const mtimeMs = statSync(file).mtimeMs;
  const cached = inlined.get(file);
  if (cached?.mtimeMs === mtimeMs) return cached.text;
  const text = readFileSync(file, 'utf8').replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
  inlined.set(file, { mtimeMs, text });
  return text;
}

const inlined = new Map<string, { mtimeMs: number; text: string }>();
