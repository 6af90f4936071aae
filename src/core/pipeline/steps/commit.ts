import { toEventError } from '../../flow/event-error';
import type { DeployStep } from '../deployment-state';

/** A failure that cannot abort anything (the commit is made): only described. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * Commits the change on the sandbox's branch (once: a resumed run takes the commit a killed
 * process already made), then records the files it shipped for the editor (lenses, revert).
 */
export const commitStep: DeployStep = {
  name: 'commit',
  async run(state, ctx) {
    const sandbox = state.sandbox!;
    // A process killed right after committing left the commit on the branch: take it, do not commit twice.
    const head = ctx.resuming ? await ctx.ports.sandboxHead(sandbox) : sandbox.baseSha;
    const sha = head !== sandbox.baseSha ? head : (await ctx.ports.commit(sandbox, { recommendation: state.recommendation!, deploymentId: state.id, summary: state.implementSummary ?? '' })).sha;
    ctx.deployments.update(state.id, { commitSha: sha });
    if (ctx.ports.recordShippedFiles) {
      try {
        await ctx.ports.recordShippedFiles({ deploymentId: state.id, repoRoot: state.repoRoot!, sandbox, commit: sha, title: state.recommendation!.title });
      } catch (error) {
        // The editor then shows no lens on these files; the deployment itself is not at stake.
        state.warnings.push(`Recording the shipped files for the editor failed: ${toEventError(error, NEVER_ABORTED).message}`);
      }
    }
    return { commit: sha };
  },
  summary: (state) => state.commit?.slice(0, 12),
};
