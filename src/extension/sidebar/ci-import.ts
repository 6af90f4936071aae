// "Import CI history" from the sidebar: core's `history import`, from GitHub Actions runs (signed
// in with VS Code's GitHub account, scope repo) or from a TravisTorrent CSV file the user picks;
// then the outcome model is retrained, as `deploy-agent history import` does.
import * as vscode from 'vscode';
import { DeployAgentError } from '../../core/errors';
import { repositoryName } from '../../core/git/pull-request';
import type { HistoryStore } from '../../core/store/database';
import type { Repository } from './sidebar';

export type CiSource = 'github' | 'travistorrent';

export interface CiImportInput {
  store: HistoryStore;
  repository: Repository | undefined;
  output: vscode.LogOutputChannel;
  /** The CSV file (tests); otherwise the user picks one. */
  file?: string;
  /** A GitHub token (tests against a local GitHub API); otherwise VS Code's GitHub sign-in. */
  token?: string;
}

/** Imports, retrains, and says what happened in one sentence; undefined when the user backed out. */
export async function importCiHistory(source: CiSource, input: CiImportInput): Promise<string | undefined> {
  const strategy = await import('../../core/strategy');
  const db = input.store.db;
  let counts: { project: string; imported: number; skipped: number }[];
  if (source === 'travistorrent') {
    const file =
      input.file ??
      (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'TravisTorrent CSV': ['csv'] }, title: 'Deploy Agent: choose a TravisTorrent CSV file', openLabel: 'Import' }))?.[0]?.fsPath;
    if (!file) return undefined;
    counts = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Deploy Agent: importing CI history from the CSV file' }, async () =>
      strategy.importHistoryFile(db, file, { format: 'travistorrent' }),
    );
  } else {
    if (!input.repository) throw new DeployAgentError('NO_REPOSITORY', 'No repository is open, so there are no GitHub Actions runs to read.', 'Open the repository folder, then import again.');
    const { owner, repo } = await repositoryName(input.repository.path, process.env);
    const token = input.token ?? (await githubToken());
    if (!token) return undefined;
    const { fetchGithubActionsHistory } = await import('../../core/strategy/github-history');
    const builds = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Deploy Agent: importing the GitHub Actions runs of ${owner}/${repo}`, cancellable: true },
      (progress, cancel) => {
        const controller = new AbortController();
        cancel.onCancellationRequested(() => controller.abort(new Error('cancelled in VS Code')));
        return fetchGithubActionsHistory({
          owner,
          repo,
          token,
          baseUrl: process.env.GITHUB_API_URL || undefined,
          signal: controller.signal,
          onProgress: (phase, done, total) => progress.report({ message: `${phase === 'runs' ? 'workflow runs' : 'commit diff stats'} ${done}/${total}` }),
        });
      },
    );
    counts = strategy.importHistoryBuilds(db, builds, 'github');
  }
  const imported = counts.reduce((n, c) => n + c.imported, 0);
  const skipped = counts.reduce((n, c) => n + c.skipped, 0);
  const projects = counts.map((c) => c.project).join(', ') || 'no project';
  if (!imported) return `No new CI builds: ${skipped.toLocaleString('en-US')} of ${projects} were imported before.`;
  const model = await strategy.maybeRetrain(input.store, { trigger: 'import' });
  const retrained = model.retrained ? `the outcome model (v${model.version}) was retrained on ${model.trainingSize?.toLocaleString('en-US')} rows` : `the outcome model was not retrained (${model.reason})`;
  return `Imported ${imported.toLocaleString('en-US')} CI builds of ${projects}${skipped ? ` (${skipped.toLocaleString('en-US')} were there already)` : ''}; ${retrained}. They teach the strategy; these charts fill as Deploy Agent deploys.`;
}

/** VS Code's GitHub sign-in with the repo scope (asked for when not signed in); undefined when declined. */
async function githubToken(): Promise<string | undefined> {
  try {
    return (await vscode.authentication.getSession('github', ['repo'], { createIfNone: true }))?.accessToken;
  } catch (error) {
    if (/cancel/i.test((error as Error).message)) return undefined;
    throw new DeployAgentError('GITHUB_SIGN_IN_FAILED', `Signing in to GitHub failed: ${(error as Error).message}`, 'Sign in with the Accounts menu (bottom left), or import a TravisTorrent CSV file instead.', { cause: error });
  }
}
