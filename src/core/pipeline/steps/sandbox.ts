import type { DeployStep, Patch } from '../deployment-state';
import { throwIfAborted } from '../../recovery/retry';
import { hookEnv } from './shared/hook-env';

/** Creates the sandbox worktree on a new branch, runs the user's pre-hooks in it, and records its content to resume from. */
export const sandboxStep: DeployStep = {
  name: 'sandbox',
  async run(state, ctx) {
    const { ports } = ctx;
    if (ctx.resuming) await ports.discardPartialSandbox(state.repoRoot!, state.id);
    const sandbox = await ports.createSandbox(state.repoRoot!, { deploymentId: state.id, title: state.recommendation!.title, signal: ctx.signal });
    try {
      ctx.deployments.update(state.id, { branch: sandbox.branch });
      ctx.progress(`worktree ${sandbox.path} on ${sandbox.branch}`);
      const patch: Patch = { sandbox };
      if (ports.runPreHooks) {
        await ports.runPreHooks(state.repoRoot!, sandbox, hookEnv(state, sandbox, 'running'), ctx.signal);
      }
      // A fresh worktree holds exactly its base commit (plus what pre-hooks wrote).
      patch.treeAfterSandbox = ports.runPreHooks ? await ports.snapshotSandbox(sandbox) : `${sandbox.baseSha}^{tree}`;
      // A cancel now would drop this step's result (the runner checks the signal after the step), and with it the
      // only record of the worktree that the closing step removes: cancel here instead, and clean up below.
      throwIfAborted(ctx.signal);
      return patch;
    } catch (error) {
      await ports.removeSandbox(state.repoRoot!, sandbox, { deleteBranch: true });
      ctx.deployments.update(state.id, { branch: null });
      throw error;
    }
  },
  summary: (state) => state.sandbox?.branch,
};
