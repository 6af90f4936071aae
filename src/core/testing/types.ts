import type { Confinement } from '../confinement';
import type { TestCaseResult, TestRunOutcome } from '../deployment/types';
import type { ProcessWatch } from './run-process';

/** The test frameworks the runner drives, by the names the project profile uses. */
export type FrameworkId = 'mocha' | 'jest' | 'vitest' | 'node-test' | 'pytest' | 'go-test' | 'cargo-test';
export const FRAMEWORK_IDS: readonly FrameworkId[] = ['mocha', 'jest', 'vitest', 'node-test', 'pytest', 'go-test', 'cargo-test'];

export type TestScope = 'generated' | 'related' | 'full';

export interface TestFailure {
  name: string;
  message: string;
}

/** What a reporter said: counts, the failing tests and, when measured, line coverage in percent. */
export interface ParsedResults {
  counts: { passed: number; failed: number; skipped: number };
  failures: TestFailure[];
  /**
   * Every test the report names, with its file when the report gives one (absolute, or relative
   * to the project folder; the runner makes it sandbox-relative) and a failure's line.
   */
  cases?: TestCaseResult[];
  coverage?: number;
}

/** Resource levers from the strategy (all optional: a missing one means no limit of that kind). */
export interface RunLimits {
  /** Kills the whole process tree when the run takes longer. */
  timeLimitMs: number;
  /** Parallel test workers (jest/vitest workers, node --test-concurrency, go -p, cargo test-threads). */
  concurrency?: number;
  /** Share of the machine's cores the tests may use (0..1); caps `concurrency`. */
  cpuLimit?: number;
  /** Kills the process tree when its resident memory together exceeds this. */
  memoryLimitMb?: number;
}

export interface RunTestsRequest {
  /** The folder tests run in (the sandbox worktree). */
  dir: string;
  /** The user's repository, when `dir` is a worktree of it: its node_modules, virtualenv and caches are reused. */
  repoRoot?: string;
  scope: TestScope;
  /** Files the deployment wrote (worktree-relative): generated tests and the sources they exercise. */
  filesWritten: string[];
  /** The project profile from src/core/analysis (`tests.framework`, `packageManager`, `projects`), when known. */
  profile?: Record<string, unknown>;
  /** Force a framework (tests, or a setting); otherwise the profile's, else detected from the files. */
  framework?: FrameworkId;
  limits: RunLimits;
  /** Measure line coverage when the framework can. */
  coverage?: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** How model-written code runs (src/core/confinement); without it, unconfined (callers that run trusted code only). */
  confinement?: Confinement;
  /** Told when the install and the test command start and end (see ProcessWatch). */
  watch?: ProcessWatch;
  /** Time limit of a dependency install (default 10 minutes). */
  installTimeLimitMs?: number;
  onProgress?(message: string): void;
}

export type RunTestsResult = TestRunOutcome & {
  /** How dependencies were made available (`linked`, `installed with npm ci`, `none needed` …). */
  dependencies?: string;
  /** Why coverage is missing although it was asked for. */
  coverageNote?: string;
};
