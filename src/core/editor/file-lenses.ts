import type { HunkSummary } from './patch';
import { gitBlobSha } from './patch';
import type { GeneratedFilesRepository, LatestGeneratedFile } from '../store/generated-files';

/**
 * What the editor shows on a file a deployment shipped (the code lenses), decided here so that the
 * CLI's tests and the benchmark measure exactly what VS Code calls on every file open.
 *
 * `unchanged`: the open text is byte-for-byte what was shipped — the lenses mark each hunk.
 * `edited`: it differs — one lens says so, and no hunk lens is shown (its lines may have moved).
 * `elsewhere`: the text is the one from before the deployment — its change is on its branch, not
 * in this checkout.
 */
export type GeneratedFileState = 'unchanged' | 'edited' | 'elsewhere';

export interface GeneratedFileLenses {
  file: LatestGeneratedFile;
  state: GeneratedFileState;
  /** The hunks to mark (only when unchanged). */
  hunks: HunkSummary[];
  /** The tests the deployment generated (repository-relative); "Run its tests" runs these. */
  testFiles: string[];
}

export function generatedFileLenses(repository: GeneratedFilesRepository, input: { path: string; text: string }): GeneratedFileLenses | undefined {
  const file = repository.latestAt(input.path);
  if (!file) return undefined;
  const blob = gitBlobSha(input.text);
  const state: GeneratedFileState = blob === file.blobSha ? 'unchanged' : file.baseBlobSha !== null && blob === file.baseBlobSha ? 'elsewhere' : 'edited';
  return { file, state, hunks: state === 'unchanged' ? file.hunks : [], testFiles: file.isTest ? [file.path] : repository.testFiles(file.deploymentId) };
}
