// Where the extension's history lives: the same database as the deploy-agent CLI (one history),
// unless the user's own deployAgent.historyDatabase setting or DEPLOY_AGENT_DB says otherwise.
// The history the extension kept in its global storage before is adopted the first time.
import * as vscode from 'vscode';
import { SETTINGS_PREFIX } from '../core/config/schema';
import { adoptEarlierHistory } from '../core/store/adopt';
import { resolveDbPath, type DbPathSource } from '../core/store/location';

export function historyLocation(context: vscode.ExtensionContext): { path: string; source: DbPathSource; earlier: string } {
  // Only the user's own (global) value: a workspace must not move the history (machine scope says so too).
  const setting = vscode.workspace.getConfiguration(SETTINGS_PREFIX).inspect<string>('historyDatabase')?.globalValue;
  const location = resolveDbPath({ setting, env: process.env });
  return { ...location, earlier: vscode.Uri.joinPath(context.globalStorageUri, 'history.db').fsPath };
}

/** Copies the earlier per-extension history to the shared location when that does not exist yet; says what it did. */
export function adoptEarlierEditorHistory(location: { path: string; earlier: string }, output: vscode.LogOutputChannel): void {
  try {
    const result = adoptEarlierHistory(location.earlier, location.path);
    if (result.adopted) output.info(`The history this extension kept in ${result.from} is now the shared history at ${location.path} (the original is left in place).`);
    else if (result.reason === 'target-exists') output.info(`An earlier history of this extension is at ${result.from}; the shared one at ${location.path} is used (they are not merged).`);
  } catch (error) {
    output.warn(`Could not copy the earlier history ${location.earlier} to ${location.path}: ${(error as Error).message}. Starting with the shared history as it is.`);
  }
}
