import type { DeployStep } from '../deployment-state';
import { filesWrittenByStep } from './shared/files-written';
import { deploymentConfigOf } from './shared/deployment-config';
import { addUsage, phaseFailed, runModelPhase, union } from './shared/model-phase';

/** The model implements the change in the sandbox (agent phase `implement`); the sandbox's content is recorded to resume from. */
export const implementStep: DeployStep = {
  name: 'implement',
  async run(state, ctx) {
    const config = deploymentConfigOf(state, ctx);
    if (config) {
      // Deployment configuration: the templates' baseline first, then (optionally) the model adapts it.
      ctx.progress('writing the templates\' baseline from the project profile');
      const baseline = await config.baseline(state.sandbox!, state.recommendation!);
      ctx.log('info', baseline.filesWritten.length ? `The templates wrote ${baseline.filesWritten.join(', ')}.` : 'The templates wrote nothing: the model writes the configuration.');
      const withNotes = { ...state, configNotes: baseline.notes, filesWritten: union(state.filesWritten, baseline.filesWritten) };
      const adapt = config.adaptWithModel(state.repoRoot!) || !baseline.filesWritten.length;
      const outcome = adapt ? await runModelPhase(withNotes, ctx, 'implement') : undefined;
      if (outcome && !outcome.ok) throw phaseFailed('implement', outcome);
      const treeAfterImplement = await ctx.ports.snapshotSandbox(state.sandbox!);
      return {
        configNotes: baseline.notes,
        filesWritten: union(withNotes.filesWritten, outcome?.filesWritten ?? []),
        stepFilesWritten: union(baseline.filesWritten, outcome?.filesWritten ?? []),
        usage: outcome ? addUsage(state.usage, outcome) : state.usage,
        treeAfterImplement,
        implementSummary: outcome?.summary ?? `The templates wrote ${baseline.filesWritten.join(', ')} (no model adaptation: configgen.adaptWithModel is off).`,
      };
    }
    const outcome = await runModelPhase(state, ctx, 'implement');
    if (!outcome.ok) throw phaseFailed('implement', outcome);
    const treeAfterImplement = await ctx.ports.snapshotSandbox(state.sandbox!);
    return { filesWritten: union(state.filesWritten, outcome.filesWritten), stepFilesWritten: outcome.filesWritten, usage: addUsage(state.usage, outcome), treeAfterImplement, implementSummary: outcome.summary };
  },
  summary: filesWrittenByStep,
};
