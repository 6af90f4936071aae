import type { EnvironmentDetection, MetricsReading } from '../strategy/types';
import type { Recommendation } from '../recommendation/types';
import type { TestCounts } from './events';
import type { OmittedPart } from '../recommendation/fit';
import type { GateResult } from '../testing/quality-gates';

/**
 * What the orchestrator needs from the other areas, in the orchestrator's own terms. The real
 * implementation (`real-ports.ts`) adapts the analysis, agent, strategy, sandbox, testing, git,
 * report and learning modules to it; keeping the seam narrow keeps the flow readable and lets
 * the unit tests of the flow's own rules (modes, resume, persistence) run in milliseconds.
 */

/**
 * How far a deployment goes. `review` stops after the tests and gates pass with the sandbox kept
 * (status `awaiting-review`) until it is shipped (`ship`, as `local-commit` or `full-pr`) or
 * discarded; the others run to their end in one go.
 */
export type DeployMode = 'dry-run' | 'review' | 'local-commit' | 'full-pr';
export const DEPLOY_MODES: readonly DeployMode[] = ['dry-run', 'review', 'local-commit', 'full-pr'];

/** The modes a review-paused deployment can be shipped with. */
export type ShipMode = 'local-commit' | 'full-pr';
export const SHIP_MODES: readonly ShipMode[] = ['local-commit', 'full-pr'];

export type StrategyChoice = 'auto' | 'conservative' | 'balanced' | 'aggressive';
export const STRATEGY_CHOICES: readonly StrategyChoice[] = ['auto', 'conservative', 'balanced', 'aggressive'];

/** What a caller asks for. Persisted with the deployment, so that `resume` needs nothing else. */
export interface DeployRequest {
  /** The recommendation file (JSON). */
  recommendationFile: string;
  workspaceDir: string;
  mode: DeployMode;
  strategy: StrategyChoice;
  /** Keep the worktree (and branch) for inspection when the deployment ends. */
  keepWorktree: boolean;
  /** Wait in the repository's queue when another deployment runs (false: refuse at once). */
  wait: boolean;
  /** `--force --reason TEXT`: overrides an open circuit breaker, recorded with the reason. */
  forceReason?: string;
  /**
   * What the user decided after the preview (the panel's integration points): points left out and
   * files added. It goes into every phase's prompt and is recorded with the deployment.
   */
  choice?: DeploymentChoice;
}

/** The user's correction of the ranked integration points, before the model runs (see `choice.ts`). */
export interface DeploymentChoice {
  /** Workspace-relative paths of ranked integration points the user unticked: the model is told to leave them alone. */
  excludedIntegrationPoints?: string[];
  /** Workspace-relative files the user added: they become the first integration points. */
  addedFiles?: string[];
}

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

export interface PhaseOutcome {
  ok: boolean;
  summary: string;
  filesWritten: string[];
  reason?: string;
  provider?: string;
  model?: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
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
  /** Capped output, for the fix phase and the report. */
  output: string;
  /** The run itself failed (no framework, timeout …) rather than a test. */
  error?: string;
  setupMs?: number;
}

export interface ErrorPatternMatch {
  id: string;
  category?: string;
  explanation: string;
  recovery: string;
}

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

export interface PhaseInput {
  phase: 'implement' | 'tests' | 'fix';
  deploymentId: string;
  /** The user's repository (the sandbox is a worktree of it). */
  repoRoot: string;
  recommendation: Recommendation;
  sandbox: SandboxInfo;
  context: ContextInfo;
  failingOutput?: string;
  errorPattern?: ErrorPatternMatch;
  /** fix: the repair rounds on this provider/model left the tests failing; serve the phase with the next provider. */
  escalateFrom?: { provider: string; model: string };
  signal: AbortSignal;
  onText?(text: string): void;
  onProgress?(message: string): void;
}

export interface ReviewFindings {
  secrets: { path: string; line?: number; kind: string }[];
  outsideSandbox: string[];
  diffStat: { files: number; insertions: number; deletions: number; paths: string[] };
}

export interface RepoSnapshot {
  /** A digest of the user's working tree, index, HEAD and stash. */
  digest: string;
  detail?: unknown;
}

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

export interface OutcomeRecord {
  deploymentId: string;
  status: 'succeeded' | 'failed' | 'cancelled' | 'rolled_back';
  goalReached: boolean;
}

export interface PipelinePorts {
  /** Validated and fitted into the prompt budget; `omitted` says what the prompts will not carry. */
  loadRecommendation(file: string, signal: AbortSignal): Promise<{ recommendation: Recommendation; warnings: string[]; omitted?: OmittedPart[] }>;
  /** The git repository root of `workspaceDir`; throws NOT_A_GIT_REPO / NO_COMMITS. */
  repositoryRoot(workspaceDir: string): Promise<string>;
  snapshotRepoState(repoRoot: string): Promise<RepoSnapshot>;
  acquireLock(repoRoot: string, deploymentId: string, options: { wait: boolean; signal: AbortSignal }): Promise<LockHandle>;
  /** Throws CIRCUIT_OPEN unless closed or forced (the force and its reason are recorded). */
  checkCircuitBreaker(repoRoot: string, options: { deploymentId: string; forceReason?: string }): Promise<{ state: string; forced: boolean }>;
  /** Throws when no model can serve the three phases. */
  preflightModels(workspaceDir: string, signal: AbortSignal): Promise<{ provider: string; model: string }>;
  gatherContext(repoRoot: string, recommendation: Recommendation, signal: AbortSignal, onProgress: (message: string) => void): Promise<ContextInfo>;
  decideStrategy(input: { deploymentId: string; repoRoot: string; choice: StrategyChoice; context: ContextInfo; recommendation: Recommendation; mode: DeployMode }): Promise<StrategyLevers>;
  createSandbox(repoRoot: string, input: { deploymentId: string; title: string; signal: AbortSignal }): Promise<SandboxInfo>;
  /** The sandbox exists and is on its branch (resume). */
  sandboxExists(repoRoot: string, sandbox: SandboxInfo): Promise<boolean>;
  /** Records the sandbox's current content (tracked + untracked-not-ignored) as a tree id. */
  snapshotSandbox(sandbox: SandboxInfo): Promise<string>;
  /** Puts the sandbox's files back to a tree recorded by `snapshotSandbox` (resume after a kill mid-step). */
  restoreSandbox(sandbox: SandboxInfo, tree: string): Promise<void>;
  removeSandbox(repoRoot: string, sandbox: SandboxInfo, options: { deleteBranch: boolean }): Promise<void>;
  /** Removes what a sandbox step killed half-way left behind for this deployment (worktree, branch), if anything. */
  discardPartialSandbox(repoRoot: string, deploymentId: string): Promise<void>;
  /** The commit the sandbox's HEAD is on (resume: was the commit already made?). */
  sandboxHead(sandbox: SandboxInfo): Promise<string>;
  runPreHooks?(sandbox: SandboxInfo, env: Record<string, string>, signal: AbortSignal): Promise<unknown>;
  runPostHooks?(sandbox: SandboxInfo, env: Record<string, string>, stage: 'after-deploy' | 'after-ship', signal: AbortSignal): Promise<unknown>;
  runPhase(input: PhaseInput): Promise<PhaseOutcome>;
  runTests(sandbox: SandboxInfo, input: { context: ContextInfo; levers: StrategyLevers; filesWritten: string[]; signal: AbortSignal }): Promise<TestRunOutcome>;
  matchErrorPattern(output: string): ErrorPatternMatch | undefined;
  /** Whether another provider could take over a phase that `from` could not finish (escalation is on and one is configured). */
  canEscalate(repoRoot: string, from: { provider: string; model: string }): boolean;
  /** The strategy's type-check and lint gates on the change (skipped ones say why). */
  runQualityGates?(sandbox: SandboxInfo, input: { repoRoot: string; gates: { typecheck: boolean; lint: boolean }; filesWritten: string[]; timeLimitMs: number; signal: AbortSignal }): Promise<GateResult[]>;
  /** One repair round: which error pattern it answered, which recovery ran, whether the tests then passed, how long it took. */
  recordRecovery?(input: RecoveryRecord): void;
  review(repoRoot: string, sandbox: SandboxInfo, before: RepoSnapshot): Promise<ReviewFindings>;
  commit(sandbox: SandboxInfo, input: { recommendation: Recommendation; deploymentId: string; summary: string }): Promise<ShipCommit>;
  push(repoRoot: string, sandbox: SandboxInfo, signal: AbortSignal): Promise<ShipPush>;
  openPullRequest(repoRoot: string, input: { deploymentId: string; sandbox: SandboxInfo; recommendation: Recommendation; draft: boolean; body: PullRequestFacts; signal: AbortSignal }): Promise<ShipPullRequest>;
  recordOutcome(input: OutcomeRecord): Promise<void>;
  writeReport(deploymentId: string): Promise<{ json?: string; markdown?: string } | undefined>;
}

/** What the pull request body is made of (the ship area renders it). */
export interface PullRequestFacts {
  summary: string;
  tests: TestCounts;
  repairs: number;
  strategy: StrategyLevers;
  filesWritten: string[];
  model?: { provider?: string; model?: string; inputTokens: number; outputTokens: number; costUsd: number };
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
