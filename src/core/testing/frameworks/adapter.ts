import type { Confinement } from '../../confinement';
import type { FrameworkId, ParsedResults } from '../types';

/** What a framework adapter is given to build its command. */
export interface AdapterContext {
  /** Absolute project folder in the sandbox (the command's working directory). */
  projectDir: string;
  /** The same folder in the user's repository, when known (its virtualenv, its caches). */
  userProjectDir?: string;
  /** The user's repository root, when known. */
  repoRoot?: string;
  /** Project-relative test files to run; empty: the whole suite. */
  files: string[];
  /** A private folder for reports, removed after the run. */
  scratch: string;
  coverage: boolean;
  /** Test workers after the strategy's concurrency and CPU share. */
  workers: number;
  memoryLimitMb?: number;
  /** The scrubbed environment the command runs with. */
  env: NodeJS.ProcessEnv;
  /** How the command, and any probe that may load the project's files, run (model-written code). */
  confinement?: Confinement;
}

export interface FinishedCommand {
  code: number | null;
  /** Capped stdout + stderr. */
  output: string;
  /** Capped stderr alone. */
  stderr: string;
  /** The whole stdout, when the plan asked for it. */
  stdout?: string;
}

export interface CommandPlan {
  command: string;
  args: string[];
  /** Added to the environment. */
  env?: Record<string, string>;
  /** The command as a person would type it (no scratch paths). */
  display: string;
  /** Keep the whole stdout for the parser (the capped output may have lost the middle). */
  wholeStdout?: boolean;
  /** Why coverage will be missing although it was asked for. */
  coverageNote?: string;
  /** Project-relative files the tool itself writes (Cargo.lock): removed after the run when they did not exist before. */
  byproducts?: string[];
  parse(finished: FinishedCommand): ParsedOutcome;
}

export interface ParsedOutcome extends ParsedResults {
  /** Replaces the captured output for people (e.g. Go's events rendered back to text). */
  output?: string;
  coverageNote?: string;
  /** The reporter wrote nothing: the command failed before running tests. */
  noReport?: boolean;
}

export interface FrameworkAdapter {
  id: FrameworkId;
  /** Builds the command; throws a DeployAgentError when a tool is missing. */
  plan(ctx: AdapterContext): Promise<CommandPlan>;
}
