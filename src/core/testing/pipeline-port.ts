import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Confinement } from '../confinement';
import type { ContextInfo, StrategyLevers } from '../deployment/types';
import type { ProcessWatch } from './run-process';
import { runTests } from './run-tests';
import type { RunTestsResult } from './types';

/**
 * The pipeline's `runTests` port: the strategy's levers become the run's scope and limits, a
 * configured coverage threshold asks for coverage, and the user's repository (whose
 * node_modules, virtualenv and caches are reused) is the one the sandbox is a worktree of.
 */
export function runSandboxTests(
  sandboxPath: string,
  input: { context: ContextInfo; levers: StrategyLevers; filesWritten: string[]; signal: AbortSignal; env: NodeJS.ProcessEnv; confinement?: Confinement; watch?: ProcessWatch },
): Promise<RunTestsResult> {
  const { levers } = input;
  const repoRoot = repositoryOf(sandboxPath, input.context);
  return runTests({
    dir: sandboxPath,
    ...(repoRoot ? { repoRoot } : {}),
    scope: levers.testScope,
    filesWritten: input.filesWritten,
    ...(input.context.profile ? { profile: input.context.profile } : {}),
    limits: {
      timeLimitMs: levers.timeLimitMs,
      ...(levers.testConcurrency ? { concurrency: levers.testConcurrency } : {}),
      ...(levers.cpuLimit ? { cpuLimit: levers.cpuLimit } : {}),
      ...(levers.memoryLimitMb ? { memoryLimitMb: levers.memoryLimitMb } : {}),
    },
    coverage: levers.coverageThreshold !== undefined && levers.coverageThreshold > 0,
    env: input.env,
    signal: input.signal,
    ...(input.confinement ? { confinement: input.confinement } : {}),
    ...(input.watch ? { watch: input.watch } : {}),
  });
}

/** The main working tree of the repository the sandbox worktree belongs to (the profile's root, else git's common dir). */
function repositoryOf(sandboxPath: string, context: ContextInfo): string | undefined {
  const root = (context.profile as { root?: unknown } | undefined)?.root;
  if (typeof root === 'string' && root && path.resolve(root) !== path.resolve(sandboxPath)) return root;
  try {
    const common = execFileSync('git', ['rev-parse', '--git-common-dir'], { cwd: sandboxPath, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dir = path.dirname(path.resolve(sandboxPath, common));
    return path.resolve(dir) === path.resolve(sandboxPath) ? undefined : dir;
  } catch {
    return undefined;
  }
}
