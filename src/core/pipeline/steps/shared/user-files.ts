import { toEventError } from '../../../flow/event-error';
import type { DeployStepContext, DeploymentState } from '../../deployment-state';

/**
 * Runs model-written code (a test round, the gates, the post-hooks) with the user's work in
 * progress kept: whatever in the main working tree changed meanwhile is put back exactly, and
 * that it happened is said — an event (`user-files.restored`), a warning in the step log and the
 * report. The review then refuses the change (WRITE_OUTSIDE_SANDBOX): code that wrote outside
 * its sandbox is not shipped.
 */
export async function keepingUserFiles<T>(state: Readonly<DeploymentState>, ctx: DeployStepContext, during: string, run: () => Promise<T>): Promise<T> {
  const guard = state.repoRoot ? await ctx.ports.guardUserFiles?.(state.repoRoot, state.id) : undefined;
  try {
    return await run();
  } finally {
    if (guard) {
      try {
        const result = await guard.restore();
        if (result.restored.length || result.notRestored.length) {
          ctx.record('user-files.restored', { during, ...result });
          const names = (paths: string[]) => paths.slice(0, 10).join(', ') + (paths.length > 10 ? ` and ${paths.length - 10} more` : '');
          const parts = [];
          if (result.restored.length) parts.push(`${names(result.restored)} in your working tree changed while ${during} ran and ${result.restored.length === 1 ? 'was' : 'were'} put back exactly as ${result.restored.length === 1 ? 'it was' : 'they were'}${result.keptAt ? `; what was there instead is kept in ${result.keptAt} (copy it back if it was your own edit)` : ''}`);
          if (result.notRestored.length) parts.push(`${names(result.notRestored)} changed too and could not be put back (larger than the snapshot keeps, or not writable)`);
          ctx.log('warn', `${parts.join('. ')}.`);
        }
      } catch (error) {
        ctx.log('warn', `Checking your working tree after ${during} failed: ${toEventError(error, ctx.signal).message}`);
      }
    }
  }
}
