import type { DeploymentState } from '../../deployment-state';

/**
 * The one-line summary of a step in which the model writes files: the files this step wrote (a
 * finished step is no "so far", and the tests step is not credited with the implementation's files).
 */
export function filesWrittenByStep(state: Readonly<DeploymentState>): string {
  const files = state.stepFilesWritten ?? [];
  if (!files.length) return 'wrote no file';
  const shown = files.slice(0, 3).join(', ');
  return files.length === 1 ? `wrote ${shown}` : `wrote ${files.length} files: ${shown}${files.length > 3 ? ` and ${files.length - 3} more` : ''}`;
}
