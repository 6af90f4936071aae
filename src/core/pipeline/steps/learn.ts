import type { ClosingStep, FinalStatus } from '../../flow/step';
import { toEventError } from '../../flow/event-error';
import type { StepName } from '../../deployment/events';
import type { DeployStepContext, DeploymentState } from '../deployment-state';
import { hookEnv } from './shared/hook-env';
import { keepingUserFiles } from './shared/user-files';

/**
 * Ends every code deployment, also a failed or cancelled one (so it is the runner's closing step,
 * not part of a plan): the user's post-hooks, then the sandbox kept (--keep-worktree) or removed —
 * with its branch, unless a commit on it is the result. The outcome and the report follow in
 * the orchestrator's `recordEnd`.
 */
export const learnStep: ClosingStep<DeploymentState, StepName, DeployStepContext> = {
  name: 'learn',
  async run(state, ctx, ending) {
    const { status } = ending;
    const { ports } = ctx;
    if (!state.sandbox) return;
    if (status === 'awaiting-review') {
      // The review pause: the sandbox is the change under review; hooks run when it is shipped or discarded.
      ctx.log('info', `The change waits for review in ${state.sandbox.path} (branch ${state.sandbox.branch}): ship it with \`deploy-agent ship ${state.id} --mode local-commit|full-pr\`, or discard it with \`deploy-agent discard ${state.id}\`.`);
      return;
    }
    // A run that only pushes a branch committed earlier (a `ship --mode full-pr` after a local commit) has no worktree left to run hooks in.
    if (ports.runPostHooks && (await ports.sandboxExists(state.repoRoot!, state.sandbox))) {
      await keepingUserFiles(state, ctx, 'the post-deployment hooks', () => postHooks(state, ctx, status));
    }
    if (ending.error && HISTORY_STOPPED.includes(ending.error.code)) {
      // The work is fine; only its record could not be written. Nothing of it is thrown away.
      state.keptForResume = true;
      ctx.log('warn', `The history database stopped the deployment (${ending.error.code}); the sandbox is kept with the work done so far: ${state.sandbox.path} (branch ${state.sandbox.branch}). Continue it with \`deploy-agent resume ${state.id}\` once the database is free.`);
      return;
    }
    const kept = keptWorktree(state, status);
    if (kept) {
      ctx.log('info', `Kept the worktree for inspection: ${state.sandbox.path} (branch ${state.sandbox.branch}).`);
    } else {
      // dry-run keeps nothing; otherwise a branch with a commit is kept (it is the result, or what a failed push leaves).
      const deleteBranch = state.request.mode === 'dry-run' || !state.commit;
      await ports.removeSandbox(state.repoRoot!, state.sandbox, { deleteBranch });
      if (deleteBranch) ctx.deployments.update(state.id, { branch: null });
    }
  },
};

/** The worktree the closing step keeps: for inspection (--keep-worktree), the change waiting for review, or the work the history database stopped (for `resume`). */
export function keptWorktree(state: DeploymentState, status?: FinalStatus): string | null {
  return (state.request.keepWorktree || status === 'awaiting-review' || state.keptForResume) && state.sandbox ? state.sandbox.path : null;
}

/** Failures of the history database, not of the deployment: its sandbox is kept and `resume` continues it. */
export const HISTORY_STOPPED: readonly string[] = ['DB_LOCKED', 'DB_READ_ONLY', 'DB_DISK_FULL'];

/** The user's after-deploy hooks, then (when the change was committed) the after-ship ones; a failure is a warning. */
async function postHooks(state: DeploymentState, ctx: DeployStepContext, status: FinalStatus | 'awaiting-review'): Promise<void> {
  const { ports } = ctx;
  try {
    await ports.runPostHooks!(state.repoRoot!, state.sandbox!, hookEnv(state, state.sandbox!, status), 'after-deploy', ctx.signal);
  } catch (hookError) {
    ctx.log('warn', `A post-deployment hook failed: ${toEventError(hookError, ctx.signal).message}`);
  }
  if (status === 'succeeded' && state.commit) {
    try {
      await ports.runPostHooks!(state.repoRoot!, state.sandbox!, hookEnv(state, state.sandbox!, status), 'after-ship', ctx.signal);
    } catch (hookError) {
      ctx.log('warn', `An after-ship hook failed: ${toEventError(hookError, ctx.signal).message}`);
    }
  }
}
