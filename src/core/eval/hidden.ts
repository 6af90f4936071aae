import { chooseConfinement, detectConfinementTool, sandboxConfinement, type ChosenConfinement } from '../confinement';
import { runTests } from '../testing';
import type { EvalTask } from './types';
import { overlay } from './workspace';

/** How long the hidden tests of one task may run. */
export const HIDDEN_TEST_LIMIT_MS = 180_000;

export interface HiddenOutcome {
  /** Every hidden test ran and passed (and so did the tests they share a package with, in Go). */
  solved: boolean;
  passed: number;
  failed: number;
  /** Why the tests did not run to a result (a compile error, a missing tool, a timeout). */
  error?: string;
  output: string;
}

/**
 * Copies the task's hidden acceptance tests into `dir` (a deployment's sandbox once it has ended,
 * or a repository) and runs them with the task's framework, confined like every run of
 * model-written code: the sandbox writable, the network off. Solved means they ran and none failed.
 */
export async function runHiddenTests(task: EvalTask, dir: string, input: { confinement: ChosenConfinement; env: NodeJS.ProcessEnv; repoRoot?: string; signal?: AbortSignal }): Promise<HiddenOutcome> {
  overlay(task, 'hidden', dir);
  const confinement = sandboxConfinement({ kind: input.confinement.kind, ...(input.confinement.tool ? { tool: input.confinement.tool } : {}), sandboxDir: dir, ...(input.repoRoot ? { repoRoot: input.repoRoot } : {}), network: false, env: input.env });
  const result = await runTests({
    dir,
    scope: 'generated',
    filesWritten: task.hiddenFiles,
    framework: task.framework,
    limits: { timeLimitMs: HIDDEN_TEST_LIMIT_MS },
    env: input.env,
    confinement,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const { passed, failed } = result.counts;
  return { solved: !result.error && failed === 0 && passed > 0, passed, failed, ...(result.error ? { error: result.error } : {}), output: result.output };
}

/** The confinement the hidden tests run in: the tool this machine has, or unconfined only when the settings allow it. */
export async function hiddenTestConfinement(env: NodeJS.ProcessEnv, allowUnconfined: boolean): Promise<ChosenConfinement> {
  return chooseConfinement(await detectConfinementTool(env), { allowUnconfined, network: false });
}
