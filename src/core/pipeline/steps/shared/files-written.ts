import type { DeploymentState } from '../../deployment-state';

/** The one-line summary of a step in which the model writes files. */
export function filesWrittenSoFar(state: Readonly<DeploymentState>): string {
  return `${state.filesWritten.length} file(s) written so far`;
}
