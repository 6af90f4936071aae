import type { DeploymentState } from '../../deployment-state';
import { plural } from '../../../plural';

/** The one-line summary of a step that ran the tests. */
export function testCountsSummary(state: Readonly<DeploymentState>, afterRepairs = false): string | undefined {
  const c = state.tests?.counts;
  return c ? `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${afterRepairs ? ` after ${plural(state.repairs, 'repair round')}` : ''}` : undefined;
}
