import { CHANGE_DIFF_EVENT, type ChangeDiffRecord } from '../../../deployment/types';
import type { DeployStepContext, DeploymentState } from '../../deployment-state';

/** The largest diff kept in the history (a dry run's report shows it; the rest is cut with a note). */
export const CHANGE_DIFF_MAX_CHARS = 1024 * 1024;

/**
 * Records the change as a unified diff (base commit → `tree`), so that the report shows it even
 * after the sandbox is gone (a dry run keeps nothing). Called only once the credential scan of
 * that tree passed: a secret must not reach the history.
 */
export async function recordChangeDiff(state: DeploymentState, ctx: DeployStepContext, tree: string): Promise<void> {
  if (!ctx.ports.changeDiff || !state.sandbox) return;
  const diff = await ctx.ports.changeDiff(state.sandbox, tree);
  const truncated = diff.length > CHANGE_DIFF_MAX_CHARS;
  const record: ChangeDiffRecord = { baseSha: state.sandbox.baseSha, tree, diff: truncated ? diff.slice(0, CHANGE_DIFF_MAX_CHARS) : diff, chars: diff.length, truncated };
  ctx.record(CHANGE_DIFF_EVENT, record);
}
