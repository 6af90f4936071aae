import type { DeployStep } from '../deployment-state';
import { filesWrittenByStep } from './shared/files-written';
import { deploymentConfigOf } from './shared/deployment-config';
import { addUsage, phaseFailed, runModelPhase, union } from './shared/model-phase';
import { skipped } from '../../flow/step';

/** The model writes the tests for the change (agent phase `tests`); the sandbox's content is recorded to resume from. */
export const writeTestsStep: DeployStep = {
  name: 'write-tests',
  async run(state, ctx) {
    // Deployment configuration is tested by the checks of its files, not by tests a model writes.
    if (deploymentConfigOf(state, ctx)) return skipped('deployment configuration is checked by the checks of its files, not by tests a model writes');
    const outcome = await runModelPhase(state, ctx, 'tests');
    if (!outcome.ok) throw phaseFailed('tests', outcome);
    const treeAfterTests = await ctx.ports.snapshotSandbox(state.sandbox!);
    return { filesWritten: union(state.filesWritten, outcome.filesWritten), stepFilesWritten: outcome.filesWritten, usage: addUsage(state.usage, outcome), treeAfterTests };
  },
  summary: filesWrittenByStep,
};
