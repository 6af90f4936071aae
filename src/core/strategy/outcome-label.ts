/**
 * The rules that turn what GitHub says about a shipped pull request into an outcome label.
 * Pure functions, so the analytics, the model and the tests share one definition.
 */
export type OutcomeLabel = 'success' | 'failure' | 'pending';
export type ChecksConclusion = 'success' | 'failure' | 'pending' | 'none';

/** Check-run conclusions that mean "this CI did not pass". */
const FAILING = new Set(['failure', 'timed_out', 'cancelled', 'action_required', 'startup_failure', 'stale']);

/** The check runs of one commit, combined: any failing one → failure; any unfinished → pending; none at all → none. */
export function combineChecks(runs: readonly { status?: string | null; conclusion?: string | null }[]): ChecksConclusion {
  if (!runs.length) return 'none';
  if (runs.some((r) => r.conclusion && FAILING.has(r.conclusion))) return 'failure';
  if (runs.some((r) => r.status !== 'completed' || !r.conclusion)) return 'pending';
  return 'success';
}

export interface PullFacts {
  state: 'open' | 'closed';
  merged: boolean;
  checks: ChecksConclusion;
  reverted: boolean;
}

/**
 * The real outcome of a shipped deployment. A failed CI or a revert is a failure whatever the
 * local tests said; a pull request closed without merging was rejected (failure); merged with no
 * failing check is a success (checks still running: pending); an open one is pending.
 */
export function labelFor(facts: PullFacts): { label: OutcomeLabel; reason: string } {
  if (facts.reverted) return { label: 'failure', reason: 'the change was reverted after shipping' };
  if (facts.checks === 'failure') return { label: 'failure', reason: "the pull request's CI checks failed" };
  if (facts.state === 'closed' && !facts.merged) return { label: 'failure', reason: 'the pull request was closed without merging' };
  if (facts.merged && facts.checks === 'pending') return { label: 'pending', reason: 'merged, CI checks still running' };
  if (facts.merged) return { label: 'success', reason: facts.checks === 'none' ? 'merged (no CI checks reported)' : 'merged with passing CI checks' };
  return { label: 'pending', reason: facts.checks === 'pending' ? 'open, CI checks running' : 'open, not merged yet' };
}

/**
 * The label to learn from: GitHub's once it is final, else the local status (succeeded → success;
 * failed / rolled_back → failure; anything else → null, not an outcome). The SQL view
 * `deployment_outcomes` (migration 006) applies the same rule.
 */
export function effectiveOutcomeLabel(localStatus: string, githubLabel?: OutcomeLabel | null): 'success' | 'failure' | null {
  if (githubLabel === 'success' || githubLabel === 'failure') return githubLabel;
  if (localStatus === 'succeeded') return 'success';
  if (localStatus === 'failed' || localStatus === 'rolled_back') return 'failure';
  return null;
}

export interface RevertTarget {
  /** The pull request's title (GitHub's revert button writes `Revert "<title>"`). */
  title: string;
  /** Shas whose revert undoes the change: the deployment's commit, the PR's merge commit and head. */
  shas: readonly (string | null | undefined)[];
  /** The deployment's own title and id (deploy-agent rollback writes `Revert: <title>` on `deploy-agent/revert-…-<id8>`). */
  deploymentTitle?: string;
  deploymentId?: string;
}

/** Does this commit message undo the target? */
export function isRevertOf(message: string, target: RevertTarget): boolean {
  const text = message.trim();
  const firstLine = text.split('\n', 1)[0]!.trim();
  const shas = target.shas.filter((s): s is string => Boolean(s && s.length >= 7)).map((s) => s.toLowerCase());
  // git revert: "This reverts commit <full sha>."
  for (const m of text.matchAll(/reverts? commit ([0-9a-f]{7,40})/gi)) {
    const quoted = m[1]!.toLowerCase();
    if (shas.some((s) => s.startsWith(quoted) || quoted.startsWith(s))) return true;
  }
  const titles = [target.title, target.deploymentTitle].filter((t): t is string => Boolean(t?.trim())).map((t) => t.trim());
  for (const title of titles) {
    // GitHub's "Revert" button: `Revert "<PR title>"` (as the commit or in the merge commit's body).
    if (text.includes(`Revert "${title}"`)) return true;
    if (text.includes(`Revert: ${title}`)) return true;
  }
  if (target.deploymentId && new RegExp(`deploy-agent/revert-[\\w.-]*-${escapeRegExp(target.deploymentId.slice(0, 8))}\\b`).test(text)) return true;
  // Any other revert commit that names one of the shas.
  if (/^revert\b/i.test(firstLine) && shas.some((s) => text.toLowerCase().includes(s.slice(0, 12)))) return true;
  return false;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
