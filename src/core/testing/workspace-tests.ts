import { existsSync } from 'node:fs';
import path from 'node:path';
import { chooseConfinement, detectConfinementTool, sandboxConfinement } from '../confinement';
import { DeployAgentError } from '../errors';
import { runTests } from './run-tests';
import type { RunTestsResult } from './types';

/** A generous limit for a deployment's own tests run again by hand (the pipeline's levers do not apply outside a deployment). */
export const WORKSPACE_TEST_LIMIT_MS = 5 * 60_000;

export interface WorkspaceTestsInput {
  /** The user's repository (its working tree is where the tests run). */
  repoRoot: string;
  /** Repository-relative test files a deployment generated. */
  testFiles: string[];
  /** `pipeline.allowUnconfinedTests` and `pipeline.testNetwork` of the repository's settings. */
  config: { get<T>(key: string): T };
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeLimitMs?: number;
  onProgress?(message: string): void;
}

/**
 * Runs a shipped deployment's generated tests again in the user's working tree ("Run its tests",
 * the Testing view), through the same framework adapters and reporters as the pipeline. They are
 * model-written code, so they run confined as in a deployment, with the working tree read-only
 * (only the run's scratch folder and the package caches are writable); secrets are scrubbed from
 * the environment. The files must exist: a test the user deleted since is named, not guessed.
 */
export async function runWorkspaceTests(input: WorkspaceTestsInput): Promise<RunTestsResult> {
  const missing = input.testFiles.filter((f) => !existsSync(path.join(input.repoRoot, f)));
  if (!input.testFiles.length || missing.length === input.testFiles.length) {
    throw new DeployAgentError(
      'NO_TESTS_HERE',
      input.testFiles.length ? `The deployment's tests are not in this working tree: ${missing.join(', ')}.` : 'The deployment generated no tests.',
      input.testFiles.length ? 'Check out the deployment’s branch (or merge its pull request), then run the tests again.' : 'Nothing to run.',
    );
  }
  const network = input.config.get<boolean>('pipeline.testNetwork');
  const tool = await detectConfinementTool(input.env);
  const chosen = chooseConfinement(tool, { allowUnconfined: input.config.get<boolean>('pipeline.allowUnconfinedTests'), network });
  // The working tree as both the run's folder and the repository: bound read-only over itself.
  const confinement = sandboxConfinement({ kind: chosen.kind, ...(chosen.tool ? { tool: chosen.tool } : {}), sandboxDir: input.repoRoot, repoRoot: input.repoRoot, network, env: input.env });
  input.onProgress?.(`confinement: ${chosen.description}`);
  return runTests({
    dir: input.repoRoot,
    scope: 'generated',
    filesWritten: input.testFiles.filter((f) => !missing.includes(f)),
    limits: { timeLimitMs: input.timeLimitMs ?? WORKSPACE_TEST_LIMIT_MS },
    env: input.env,
    confinement,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
}
