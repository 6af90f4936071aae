import type { ClosingStep } from '../../flow/step';
import { toEventError } from '../../flow/event-error';
import type { StepName } from '../../deployment/events';
import type { DeployStepContext, DeploymentState } from '../deployment-state';
import { hookEnv } from './shared/hook-env';

/**
 * Ends every code deployment, also a failed or cancelled one (so it is the runner's closing step,
 * not part of a plan): the user's post-hooks, then the sandbox kept (--keep-worktree) or removed —
 * with its branch, unless a commit on it is the result. The outcome and the report follow in
 * the orchestrator's `recordEnd`.
 */
export const learnStep: ClosingStep<DeploymentState, StepName, DeployStepContext> = {
  name: 'learn',
  async run(state, ctx, { status }) {
    const { ports } = ctx;
    if (!state.sandbox) return;
    if (ports.runPostHooks) {
      try {
        await ports.runPostHooks(state.repoRoot!, state.sandbox, hookEnv(state, state.sandbox, status), 'after-deploy', ctx.signal);
      } catch (hookError) {
        ctx.log('warn', `A post-deployment hook failed: ${toEventError(hookError, ctx.signal).message}`);
      }
      if (status === 'succeeded' && state.commit) {
        try {
          await ports.runPostHooks(state.repoRoot!, state.sandbox, hookEnv(state, state.sandbox, status), 'after-ship', ctx.signal);
        } catch (hookError) {
          ctx.log('warn', `An after-ship hook failed: ${toEventError(hookError, ctx.signal).message}`);
        }
      }
    }
    const kept = keptWorktree(state);
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

/** The worktree the closing step keeps for inspection (--keep-worktree), if any. */
export function keptWorktree(state: DeploymentState): string | null {
  return state.request.keepWorktree && state.sandbox ? state.sandbox.path : null;
}
