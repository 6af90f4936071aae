import type { DeployStep } from '../deployment-state';

/** Commits the change on the sandbox's branch (once: a resumed run takes the commit a killed process already made). */
export const commitStep: DeployStep = {
  name: 'commit',
  async run(state, ctx) {
    const sandbox = state.sandbox!;
    // A process killed right after committing left the commit on the branch: take it, do not commit twice.
    const head = ctx.resuming ? await ctx.ports.sandboxHead(sandbox) : sandbox.baseSha;
    const sha = head !== sandbox.baseSha ? head : (await ctx.ports.commit(sandbox, { recommendation: state.recommendation!, deploymentId: state.id, summary: state.implementSummary ?? '' })).sha;
    ctx.deployments.update(state.id, { commitSha: sha });
    return { commit: sha };
  },
  summary: (state) => state.commit?.slice(0, 12),
};
