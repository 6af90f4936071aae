import type { EnvironmentDetection, MetricsReading } from '../strategy/types';
import type { TestCounts } from './events';

/**
 * The data a deployment's steps hand to the areas that do the work (sandbox, testing, git,
 * report, store) and get back from them. It lives here, below all of them and below the flows
 * (src/core/pipeline, src/core/release), so that no area imports a flow; `pipeline/ports.ts`
 * re-exports it for the pipeline's callers.
 */

/** The levers a strategy sets (from [strategy]'s decision). */
export interface StrategyLevers {
  name: string;
  /** 'generated' runs only the new tests, 'related' adds the existing tests near the change, 'full' the whole suite. */
  testScope: 'generated' | 'related' | 'full';
  repairRounds: number;
  draftPr: boolean;
  timeLimitMs: number;
  /** Minimum line coverage (percent) when configured. */
  coverageThreshold?: number;
  /** Parallel test workers, the share of the cores and the memory (MB) a test run may use (absent: no limit of that kind). */
  testConcurrency?: number;
  cpuLimit?: number;
  memoryLimitMb?: number;
  /** Run the project's type check / linter on the change before it is committed (when the project has one). */
  typecheckGate?: boolean;
  lintGate?: boolean;
  reasons: string[];
}

export interface SandboxInfo {
  path: string;
  branch: string;
  baseSha: string;
}

export interface TestRunOutcome {
  counts: TestCounts;
  durationMs: number;
  framework?: string;
  command?: string;
  coverage?: number;
  /** Why coverage was not measured although it was asked for (no tool for the framework, …). */
  coverageNote?: string;
  failures: { name: string; message: string }[];
  /**
   * Every test the reporter named, with its file and, for a failure, the line it failed at (when
   * the framework's report says): the review groups them by file. Absent for an older record or a
   * framework whose report names no files. At most `MAX_TEST_CASES`.
   */
  cases?: TestCaseResult[];
  /** Capped output, for the fix phase and the report. */
  output: string;
  /** The run itself failed (no framework, timeout …) rather than a test. */
  error?: string;
  setupMs?: number;
  /** Why a coverage threshold does not apply to this run (deployment-configuration checks measure no lines). */
  coverageNotApplicable?: string;
}

export interface TestCaseResult {
  name: string;
  /** Workspace-relative (in the sandbox) when the reporter names the file. */
  file?: string;
  status: 'passed' | 'failed' | 'skipped';
  /** A failure's message (first lines, with the first frame in the project's own code). */
  message?: string;
  /** The line in `file` the failure points at. */
  line?: number;
}

export const MAX_TEST_CASES = 2000;

export interface ContextInfo {
  environment: string;
  /** How the environment was told, with its evidence (src/core/strategy). */
  environmentDetection?: EnvironmentDetection;
  /** One reading of the machine when the context was gathered (the strategy's safety overrides use it). */
  metrics?: MetricsReading;
  profile?: Record<string, unknown>;
  integration?: Record<string, unknown>;
  /** Missing tables/fields the recommendation asks for, reported before any model call. */
  dataGaps: string[];
  /** What was left out when fitting the recommendation into the prompt budget. */
  omitted?: string[];
  /** Parts of the analysis that could not be done (the deployment goes on without them). */
  warnings?: string[];
  /** The user's choice of integration points (already applied to `integration.integrationPoints`); every phase's prompt states it. */
  choice?: DeploymentChoice;
}

/** The user's correction of the ranked integration points, before the model runs (pipeline/choice.ts). */
export interface DeploymentChoice {
  /** Workspace-relative paths of ranked integration points the user unticked: the model is told to leave them alone. */
  excludedIntegrationPoints?: string[];
  /** Workspace-relative files the user added: they become the first integration points. */
  addedFiles?: string[];
}

export interface ReviewFindings {
  secrets: { path: string; line?: number; kind: string }[];
  outsideSandbox: string[];
  /**
   * Files of the change under `.deploy-agent/` (Deploy Agent's own configuration): shown for review
   * like any other file and flagged; they never take effect during the deployment that wrote them.
   */
  configChanges?: string[];
  /** Files of the user's that changed while model-written code ran and were put back (they look untouched now). */
  restoredOutside?: string[];
  diffStat: { files: number; insertions: number; deletions: number; paths: string[] };
}

export interface RepoSnapshot {
  /** A digest of the user's working tree, index, HEAD and stash. */
  digest: string;
  detail?: unknown;
}

/** Something a flow holds until it ends (the repository's lock, a release target's lock). */
export interface LockHandle {
  release(): Promise<void> | void;
}

export interface ShipCommit {
  sha: string;
}

export interface ShipPush {
  remote: string;
  branch: string;
}

export interface ShipPullRequest {
  url: string;
  number: number;
  draft: boolean;
}

/** What the pull request body is made of (the ship area renders it). */
export interface PullRequestFacts {
  summary: string;
  tests: TestCounts;
  /** The last run's named tests: a requirement reads "passing" only when a test naming it ran (src/core/report/requirements.ts). */
  testCases?: TestCaseResult[];
  repairs: number;
  strategy: StrategyLevers;
  filesWritten: string[];
  /** Model usage; the cache counts are parts of `inputTokens`. */
  model?: { provider?: string; model?: string; inputTokens: number; outputTokens: number; costUsd: number; cacheReadTokens?: number; cacheWriteTokens?: number };
}

/** A repair attempt, as the learner sees it (`recovery` events; rollback-scenarios read them). */
export interface RecoveryRecord {
  deploymentId: string;
  patternId: string | undefined;
  /** What was tried: `fix` (a repair round on the same provider) or `escalate` (one round on the next provider). */
  action: 'fix' | 'escalate';
  /** Repairs run by the pipeline itself are automatic; a resumed deployment after a manual fix is not. */
  automatic: boolean;
  round: number;
  /** What the round answered: failing tests (the default), or the type-check / lint gate's problems. */
  answered?: 'tests' | 'typecheck' | 'lint' | 'typecheck and lint';
  succeeded: boolean;
  /** From the failing test run to the end of this round. */
  durationMs: number;
}

export type HookStage = 'before-deploy' | 'after-deploy' | 'after-ship';

/** One run of a configured hook command (the report shows them). */
export interface HookRun {
  stage: HookStage;
  command: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** stdout and stderr interleaved, capped. */
  output: string;
}

/** The event that records the change as a unified diff once its credential scan passed (the report and the review read the latest). */
export const CHANGE_DIFF_EVENT = 'change.diff';

/** What a `change.diff` event holds. */
export interface ChangeDiffRecord {
  baseSha: string;
  tree: string;
  diff: string;
  /** Characters of the whole diff (more than `diff.length` when it was cut). */
  chars: number;
  truncated: boolean;
}
