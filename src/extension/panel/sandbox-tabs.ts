// Editors that show a sandbox file must not outlive the sandbox: once a ship (or a discard)
// removed the worktree, a diff tab's right side pointed at a deleted folder. Such tabs are
// closed, and a diff is opened again on what remains (the file on the deployment's branch).
import path from 'node:path';
import * as vscode from 'vscode';
import type { ReviewData } from '../../core/report/review-data';
import { openDiff } from './review';

/** The sandbox-relative path of `uri` when it lies in `sandbox`. */
function inSandbox(uri: vscode.Uri | undefined, sandbox: string): string | undefined {
  if (!uri || uri.scheme !== 'file') return undefined;
  const relative = path.relative(sandbox, uri.fsPath);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : undefined;
}

/** After the sandbox is gone: its tabs closed; with `reopen` (a commit kept the branch), its diffs reopened against the branch. Returns the files reopened. */
export async function retargetSandboxTabs(data: ReviewData, sandbox: string, reopen: boolean): Promise<string[]> {
  if (data.sandboxExists) return [];
  const stale: { tab: vscode.Tab; file: string; diff: boolean }[] = [];
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      const file = input instanceof vscode.TabInputTextDiff ? inSandbox(input.modified, sandbox) : input instanceof vscode.TabInputText ? inSandbox(input.uri, sandbox) : undefined;
      if (file) stale.push({ tab, file, diff: input instanceof vscode.TabInputTextDiff });
    }
  }
  if (!stale.length) return [];
  await vscode.window.tabGroups.close(stale.map((s) => s.tab), true);
  const reopened: string[] = [];
  for (const { file, diff } of stale) {
    if (!reopen || !diff || !data.files.some((f) => f.path === file) || reopened.includes(file)) continue;
    await openDiff(data, file);
    reopened.push(file);
  }
  return reopened;
}
