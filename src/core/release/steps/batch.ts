import { splitStep, type ReleaseStepContext } from '../release-state';
import type { ReleaseState } from '../types';

/** The hosts a batch step works on: its batch (`switch@2` → the second), or every host. */
export function batchHosts(state: Readonly<ReleaseState>, ctx: ReleaseStepContext): string[] {
  const { batch } = splitStep(ctx.step);
  const batches = state.batches ?? [state.request.target.hosts];
  return batch === null ? batches.flat() : (batches[batch - 1] ?? []);
}
