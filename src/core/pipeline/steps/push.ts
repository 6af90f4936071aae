import type { DeployStep } from '../deployment-state';

/** Pushes the branch (needs the branch only, not the worktree: a failed push can be retried with `resume`). */
export const pushStep: DeployStep = {
  name: 'push',
  async run(state, ctx) {
    const push = await ctx.ports.push(state.repoRoot!, state.sandbox!, ctx.signal);
    return { push };
  },
  summary: (state) => (state.push ? `${state.push.remote}/${state.push.branch}` : undefined),
};
