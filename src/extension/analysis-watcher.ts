import * as vscode from 'vscode';
import type { AnalysisCache } from '../core/analysis/cache';

/**
 * Keeps the structure-map cache honest while the editor is open: every created, changed or
 * deleted file under `folder` is forgotten by the cache, so the next analysis re-reads it
 * (size + mtime already catch most edits; this also catches same-size saves within the mtime
 * granularity). Returns the watcher; the lead registers it in `context.subscriptions`.
 */
export function createAnalysisWatcher(context: vscode.ExtensionContext, cache: AnalysisCache, folder: vscode.WorkspaceFolder, root: string = folder.uri.fsPath): vscode.FileSystemWatcher {
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    if (!pending.size) return;
    const paths = [...pending];
    pending.clear();
    try {
      cache.invalidate(root, paths);
    } catch {
      // The database may be closed during shutdown; the size/mtime check still protects the next run.
    }
  };
  const onChange = (uri: vscode.Uri) => {
    const rel = vscode.workspace.asRelativePath(uri, false).replace(/\\/g, '/');
    if (!rel || rel.startsWith('..') || rel.startsWith('.git/')) return;
    pending.add(rel);
    timer ??= setTimeout(flush, 300);
  };
  context.subscriptions.push(
    watcher.onDidChange(onChange),
    watcher.onDidCreate(onChange),
    watcher.onDidDelete(onChange),
    { dispose: () => (timer ? (clearTimeout(timer), flush()) : undefined) },
  );
  return watcher;
}
