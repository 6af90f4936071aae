import type { DeployStep, Patch } from '../deployment-state';
import { hookEnv } from './shared/hook-env';

/** Creates the sandbox worktree on a new branch, runs the user's pre-hooks in it, and records its content to resume from. */
export const sandboxStep: DeployStep = {
  name: 'sandbox',
  async run(state, ctx) {
    const { ports } = ctx;
    if (ctx.resuming) await ports.discardPartialSandbox(state.repoRoot!, state.id);
    const sandbox = await ports.createSandbox(state.repoRoot!, { deploymentId: state.id, title: state.recommendation!.title, signal: ctx.signal });
    ctx.deployments.update(state.id, { branch: sandbox.branch });
    ctx.progress(`worktree ${sandbox.path} on ${sandbox.branch}`);
    const patch: Patch = { sandbox };
    if (ports.runPreHooks) {
      await ports.runPreHooks(state.repoRoot!, sandbox, hookEnv(state, sandbox, 'running'), ctx.signal);
    }
    // A fresh worktree holds exactly its base commit (plus what pre-hooks wrote).
    patch.treeAfterSandbox = ports.runPreHooks ? await ports.snapshotSandbox(sandbox) : `${sandbox.baseSha}^{tree}`;
    return patch;
  },
  summary: (state) => state.sandbox?.branch,
};
