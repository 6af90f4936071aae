// What happened after shipping, asked of GitHub periodically (strategy.syncIntervalMinutes):
// the same core as `deploy-agent sync`. It runs only when a token is there and something was
// shipped; failures are logged once per kind, never shown as pop-ups every half hour.
import type * as vscode from 'vscode';
import { resolveConfig } from '../core/config/resolve';
import type { HistoryStore } from '../core/store/database';
import type { SyncResult } from '../core/strategy/outcome-sync';
import { explicitEditorSettings } from './editor-settings';
import { plural } from '../core/plural';

export function startPeriodicSync(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  openStore: () => HistoryStore,
  workspaceDir: string | undefined,
  /** Called after a sync that changed an outcome (the sidebar redraws). */
  onChanged?: () => void,
): { runNow(): Promise<SyncResult | undefined> } {
  const minutes = resolveConfig({ workspaceDir, editor: explicitEditorSettings() }).get<number>('strategy.syncIntervalMinutes');
  let running = false;
  let lastProblem = '';
  const run = async (): Promise<SyncResult | undefined> => {
    if (running || !process.env.GITHUB_TOKEN) return undefined;
    running = true;
    try {
      const store = openStore();
      const shipped = (store.db.prepare(`SELECT count(*) AS n FROM deployments WHERE pr_url IS NOT NULL`).get() as { n: number }).n;
      if (!shipped) return undefined;
      const { syncShippedOutcomes } = await import('../core/strategy/outcome-sync');
      const result = await syncShippedOutcomes({ db: store.db, env: process.env });
      if (result.updated) {
        output.info(`Sync with GitHub: ${plural(result.updated, 'deployment outcome')} changed (${result.checked} checked).`);
        onChanged?.();
      }
      const problem = result.stopped ? `${result.stopped.code}: ${result.stopped.message}` : '';
      if (problem && problem !== lastProblem) output.warn(`Sync with GitHub stopped — ${result.stopped!.message} ${result.stopped!.hint}`);
      lastProblem = problem;
      return result;
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      if (problem !== lastProblem) output.warn(`Sync with GitHub failed: ${problem}`);
      lastProblem = problem;
      return undefined;
    } finally {
      running = false;
    }
  };
  if (!minutes) return { runNow: run };
  const first = setTimeout(() => void run(), 60_000);
  const timer = setInterval(() => void run(), minutes * 60_000);
  first.unref();
  timer.unref();
  context.subscriptions.push({ dispose: () => (clearTimeout(first), clearInterval(timer)) });
  return { runNow: run };
}
