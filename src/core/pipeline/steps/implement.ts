import type { DeployStep } from '../deployment-state';
import { filesWrittenSoFar } from './shared/files-written';
import { addUsage, phaseFailed, runModelPhase, union } from './shared/model-phase';

/** The model implements the change in the sandbox (agent phase `implement`); the sandbox's content is recorded to resume from. */
export const implementStep: DeployStep = {
  name: 'implement',
  async run(state, ctx) {
    const outcome = await runModelPhase(state, ctx, 'implement');
    if (!outcome.ok) throw phaseFailed('implement', outcome);
    const treeAfterImplement = await ctx.ports.snapshotSandbox(state.sandbox!);
    return { filesWritten: union(state.filesWritten, outcome.filesWritten), usage: addUsage(state.usage, outcome), treeAfterImplement, implementSummary: outcome.summary };
  },
  summary: filesWrittenSoFar,
};
