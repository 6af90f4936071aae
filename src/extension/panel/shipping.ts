// Review and ship from the panel: the review data sent to the webview, the diff and test links,
// and the one-click actions (commit, push + pull request, discard, run the tests again) — each is
// core's Orchestrator.ship / discard / retest, as `deploy-agent ship|discard` runs them.
import { DeployAgentError } from '../../core/errors';
import { git } from '../../core/git/run';
import { DeploymentsRepository } from '../../core/store/deployments';
import type { ShipAction } from '../../protocol/panel';
import { githubToken } from '../orchestrator';
import { deploymentSnapshot } from './deploy-flow';
import type { DeploymentPanel } from './panel';
import { problemOf } from './problems';
import { openDiff, openTest, reviewData, reviewView } from './review';
import { retargetSandboxTabs } from './sandbox-tabs';

/** Sends the deployment's review (files, tests, requirements, gates, shipping so far), when it has one. */
export async function sendReview(panel: DeploymentPanel, id: string): Promise<void> {
  const store = panel.deps.openStore();
  const data = await reviewData(store, id);
  // Nothing to review: the change never passed its checks (the timeline shows why).
  if (data.source === 'none' && !data.awaitingReview) return;
  const row = new DeploymentsRepository(store.db).get(id);
  await panel.post({ type: 'review', data: reviewView(data, { commitSha: row?.commitSha ?? null, prUrl: row?.prUrl ?? null }) });
}

export async function openReviewDiff(panel: DeploymentPanel, id: string, file: string): Promise<void> {
  await openDiff(await reviewData(panel.deps.openStore(), id), file);
}

export async function openReviewTest(panel: DeploymentPanel, id: string, file: string, line?: number): Promise<void> {
  await openTest(await reviewData(panel.deps.openStore(), id), file, line);
}

const RUNNING: Record<ShipAction, string> = { commit: 'committing', 'pull-request': 'pushing and opening the pull request', discard: 'discarding', retest: 'running the tests again' };

/** A push needs somewhere to go: said before GitHub's sign-in is asked for (a repository without a remote is no sign-in problem). */
async function assertHasRemote(panel: DeploymentPanel, id: string): Promise<void> {
  const repoRoot = new DeploymentsRepository(panel.deps.openStore().db).get(id)?.repoPath;
  if (!repoRoot) return;
  const remotes = (await git(repoRoot, ['remote']).catch(() => '')).split('\n').filter(Boolean);
  if (!remotes.length) {
    throw new DeployAgentError('NO_REMOTE', `The repository ${repoRoot} has no remote to push to.`, 'Add a remote that points at GitHub, then push again; the commit stays on its local branch.', { details: { repoRoot } });
  }
}

/** One click of the ship area. A refusal is shown in the panel with what to do; what was done (a commit) is kept. */
export async function shipAction(panel: DeploymentPanel, id: string, action: ShipAction): Promise<void> {
  const { deps } = panel;
  await panel.post({ type: 'shipping', action, running: true });
  try {
    if (action === 'pull-request') await assertHasRemote(panel, id);
    if (action === 'pull-request' && !(await githubToken(false))) {
      throw new DeployAgentError('GITHUB_SIGN_IN_REQUIRED', 'A pull request needs GitHub: this window is not signed in to GitHub and has no GITHUB_TOKEN or GH_TOKEN.', 'Sign in to GitHub, then push again. Nothing was pushed; the change is kept.');
    }
    const { header, events } = await deploymentSnapshot(panel, id);
    deps.output.info(`Deployment ${id}: ${RUNNING[action]} (from the panel)`);
    const done = await deps.runs.continue(header, events, action);
    let message: string | undefined;
    let problem = done.outcome.error ? problemOf(done.outcome.error) : undefined;
    if (done.action === 'retest') {
      const check = done.outcome;
      message = check.ok
        ? `The tests pass (${check.tests.passed} passed${check.changed ? ', with your edits' : ''}); the change can be shipped.`
        : undefined;
      if (!check.ok && !problem) problem = problemOf(new DeployAgentError('CHECK_FAILED', `The check found problems: ${check.problems.join(' ')}`, 'Fix them in the sandbox (the right side of a diff), then run the tests again.'));
    } else if (done.action === 'discard' && !problem) {
      await panel.post({ type: 'discarded', deploymentId: id });
      message = 'Discarded: the sandbox worktree and its branch were removed. Your working tree is as it was.';
    }
    // A commit or a pull request shows in the review itself (sent below), with its link.
    await panel.post({ type: 'shipping', action, running: false, ...(problem ? { problem } : {}), ...(message ? { message } : {}) });
    if (action === 'commit' || action === 'discard') {
      // The sandbox is gone: a diff whose right side was in it now shows the branch (a discard removed that too: its tabs just close).
      const data = await reviewData(deps.openStore(), id);
      if (data.sandboxPath) await retargetSandboxTabs(data, data.sandboxPath, action === 'commit').catch((error: unknown) => deps.output.warn(`Reopening the diffs of ${id}: ${String(error)}`));
    }
  } catch (error) {
    const problem = problemOf(error);
    deps.output.warn(`${problem.code}: ${problem.message} ${problem.hint}`);
    await panel.post({ type: 'shipping', action, running: false, problem });
  }
  await sendReview(panel, id).catch((error) => panel.fail(error, 'review'));
  await panel.sendRecommendations();
}
