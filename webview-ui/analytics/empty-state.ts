// What the Analytics view shows when its window has nothing to measure. Kept apart from main.ts
// (which needs the webview's API) so that the words of each case are tested in plain Node.
import type { AnalyticsData, AnalyticsSelection, HistoryContext } from '../../src/protocol/analytics';
import { count, escapeHtml } from '../shared/format';

const WINDOW_WORDS: Record<string, string> = { 7: 'the last 7 days', 30: 'the last 30 days', 90: 'the last 90 days', all: 'the whole history' };

const deployments = (n: number) => `${count(n)} deployment${n === 1 ? '' : 's'}`;

/**
 * The empty state of a window whose figures count no deployment (`data.deployments.total` is 0).
 * Four cases: nothing recorded here ever (deploy, or import CI history); deployments recorded in
 * the window that count for nothing yet (stopped before any model or test ran, or still running /
 * waiting for review: say so, not "earlier"); deployments only before the window (show all
 * history); and with the whole history selected there is no "earlier" to offer.
 */
export function emptyState(selection: AnalyticsSelection, data: AnalyticsData, context: HistoryContext): string {
  const repo = context.repository;
  const fromRepo = selection.scope === 'repository' && repo ? `from ${escapeHtml(repo.name)} ` : '';
  if (context.scopeDeployments === 0) return neverDeployed(selection, context);
  const window = WINDOW_WORDS[String(selection.window)] ?? 'this window';
  const stopped = data.setupFailures.total;
  const unfinished = Math.max(0, context.windowDeployments - stopped);
  const earlier = selection.window === 'all' ? 0 : Math.max(0, context.scopeDeployments - context.windowDeployments);
  const lines: string[] = [];
  if (stopped) lines.push(`<p class="muted">${deployments(stopped)} ${fromRepo}in ${window} stopped before the work: no model or test ran (no model reachable, not a git repository, the repository busy …), so there is nothing to measure. The Deployments view lists ${stopped === 1 ? 'it' : 'them'} with why.</p>`);
  if (unfinished) lines.push(`<p class="muted">${deployments(unfinished)} ${fromRepo}in ${window} ${unfinished === 1 ? 'is' : 'are'} still running or waiting for review: ${unfinished === 1 ? 'it counts' : 'they count'} once finished.</p>`);
  if (earlier) lines.push(`<p class="muted">${deployments(earlier)} ${fromRepo}happened before ${window}.</p>`);
  const title = context.windowDeployments ? `No finished deployment in ${window} yet.` : `No deployment in ${window}.`;
  const action = earlier
    ? '<p><button data-action="all-history">Show all history</button></p>'
    : '<p><button data-action="deploy">Deploy Recommendation…</button></p>';
  return `<div class="empty"><p><strong>${title}</strong></p>${lines.join('')}${action}</div>`;
}

function neverDeployed(selection: AnalyticsSelection, context: HistoryContext): string {
  const repo = context.repository;
  const where = selection.scope === 'repository' && repo ? `from <span class="repo-name" title="${escapeHtml(repo.path)}">${escapeHtml(repo.name)}</span> ` : '';
  const others =
    selection.scope === 'repository' && context.allDeployments > 0
      ? `<p><button class="link" data-action="all-repositories">Show all repositories (${deployments(context.allDeployments)})</button></p>`
      : '';
  const builds = context.ciBuilds > 0 ? `<p class="muted">${count(context.ciBuilds)} CI build${context.ciBuilds === 1 ? '' : 's'} imported so far: the strategy already learns from them.</p>` : '';
  return `<div class="empty">
      <p><strong>No deployments ${where}yet.</strong></p>
      <p class="muted">Deploy a recommendation and its outcome, duration, strategy, repairs and model cost show here, with the four DORA keys.</p>
      <p><button data-action="deploy">Deploy Recommendation…</button></p>
      <p class="muted">Past CI builds give the strategy model a head start before your first deployments:</p>
      <p class="buttons"><button class="secondary" data-action="import-github">Import from GitHub Actions</button><button class="secondary" data-action="import-travistorrent">Import a TravisTorrent CSV…</button></p>
      <p id="import-status" role="status" aria-live="polite"></p>
      ${builds}${others}
    </div>`;
}
