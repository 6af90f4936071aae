import type { Recommendation } from '../recommendation/types';
import type { OmittedPart } from '../recommendation/fit';
import type { GateResult } from '../testing/quality-gates';
import type {
  ContextInfo,
  DeploymentChoice,
  LockHandle,
  PullRequestFacts,
  RecoveryRecord,
  RepoSnapshot,
  ReviewFindings,
  SandboxInfo,
  ShipCommit,
  ShipPullRequest,
  ShipPush,
  StrategyLevers,
  TestRunOutcome,
} from '../deployment/types';

// The data the areas below share with the pipeline lives in src/core/deployment; re-exported for the pipeline's callers.
export type {
  ContextInfo,
  DeploymentChoice,
  LockHandle,
  PullRequestFacts,
  RecoveryRecord,
  RepoSnapshot,
  ReviewFindings,
  SandboxInfo,
  ShipCommit,
  ShipPullRequest,
  ShipPush,
  StrategyLevers,
  TestRunOutcome,
};

/**
 * What the orchestrator needs from the other areas, in the orchestrator's own terms. The real
 * implementation (`real-ports.ts`) adapts the analysis, agent, strategy, sandbox, testing, git,
 * report and learning modules to it; keeping the seam narrow keeps the flow readable and lets
 * the unit tests of the flow's own rules (modes, resume, persistence) run in milliseconds.
 */

/**
 * How far a deployment goes. `review` stops after the tests and gates pass with the sandbox kept
 * (status `awaiting-review`) until it is shipped (`Orchestrator.ship`, as `local-commit` or
 * `full-pr`) or discarded; the others run to their end in one go.
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
   * files added. It goes into every phase's prompt and is recorded with the deployment (its request).
   */
  choice?: DeploymentChoice;
  /**
   * Set by `ship` on a review-paused deployment: the plan re-checks the sandbox (the user may have
   * edited it) with a `retest` step before the commit, and a resumed run never puts the sandbox
   * back to an earlier tree (that would lose the user's edits).
   */
  fromReview?: boolean;
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
  /** Of `inputTokens`: read from / written to the provider's prompt cache. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  costUsd: number;
}

export interface ErrorPatternMatch {
  id: string;
  category?: string;
  explanation: string;
  recovery: string;
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
  /** What else the model is told (a deployment-configuration change: the templates' baseline, its reasons and the rules of the checks). */
  notes?: string;
  /** fix: the repair rounds on this provider/model left the tests failing; serve the phase with the next provider. */
  escalateFrom?: { provider: string; model: string };
  signal: AbortSignal;
  onText?(text: string): void;
  onProgress?(message: string): void;
  /** Each tool the model used, as it happens. */
  onToolCall?(call: { name: string; path?: string; ok: boolean; error?: string }): void;
  /** Each model call: the provider and model that served it, its tokens and cost. */
  onModelCall?(call: { provider: string; model: string; inputTokens: number; outputTokens: number; cacheReadTokens?: number; cacheWriteTokens?: number; costUsd: number; cached: boolean; durationMs: number }): void;
}

/** What `guardUserFiles` put back. */
export interface UserFilesRestored {
  restored: string[];
  /** Where what was found instead is kept. */
  keptAt?: string;
  notRestored: string[];
}

export interface OutcomeRecord {
  deploymentId: string;
  status: 'succeeded' | 'failed' | 'cancelled' | 'rolled_back' | 'refused' | 'setup-failed';
  goalReached: boolean;
}

export interface PipelinePorts {
  /**
   * Gathers the deployment's secrets once, before its first step (the environment it runs with, the
   * repository's secret files): from then on every boundary redacts them (src/core/security).
   */
  protectSecrets?(workspaceDir: string, deploymentId: string): Promise<void>;
  /** Validated and fitted into the prompt budget; `omitted` says what the prompts will not carry. */
  loadRecommendation(file: string, signal: AbortSignal): Promise<{ recommendation: Recommendation; warnings: string[]; omitted?: OmittedPart[] }>;
  /** The git repository root of `workspaceDir`; throws NOT_A_GIT_REPO / NO_COMMITS. */
  repositoryRoot(workspaceDir: string): Promise<string>;
  snapshotRepoState(repoRoot: string): Promise<RepoSnapshot>;
  acquireLock(repoRoot: string, deploymentId: string, options: { wait: boolean; signal: AbortSignal }): Promise<LockHandle>;
  /** Throws CIRCUIT_OPEN unless closed or forced (the force and its reason are recorded). */
  checkCircuitBreaker(repoRoot: string, options: { deploymentId: string; forceReason?: string }): Promise<{ state: string; forced: boolean }>;
  /**
   * How model-written code (tests, gates, hooks, installs) will run here: the confinement tool, or
   * unconfined when no tool works and the user allowed it; throws CONFINEMENT_UNAVAILABLE otherwise.
   */
  checkConfinement?(repoRoot: string): Promise<{ kind: string; description: string }>;
  /** Throws when no model can serve the three phases. */
  preflightModels(workspaceDir: string, signal: AbortSignal): Promise<{ provider: string; model: string }>;
  gatherContext(repoRoot: string, recommendation: Recommendation, signal: AbortSignal, onProgress: (message: string) => void): Promise<ContextInfo>;
  /**
   * Loads the local model of the first phase while the context is gathered (in parallel), so the
   * first model turn does not wait for it. Resolves to what was loaded (nothing for a cloud model); never rejects.
   */
  warmUpModels?(repoRoot: string, input: { deploymentId: string; recommendation: Recommendation; signal: AbortSignal }): Promise<{ model: string; numCtx: number } | undefined>;
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
  /**
   * Keeps the content of the user's modified and untracked files while model-written code runs;
   * `restore` puts back exactly what changed meanwhile (and keeps what it found instead).
   */
  guardUserFiles?(repoRoot: string, deploymentId: string): Promise<{ restore(): Promise<UserFilesRestored> }>;
  /** Stops the process groups a killed run of the deployment left running in its sandbox (see leftover-processes.ts); what it stopped. */
  stopLeftoverProcesses?(deploymentId: string): Promise<{ pid: number; what: string; processes: number }[]>;
  /** The user's hooks (from the configuration of `repoRoot`, never the sandbox's), run in the sandbox with `env` added to a scrubbed environment. */
  runPreHooks?(repoRoot: string, sandbox: SandboxInfo, env: Record<string, string>, signal: AbortSignal): Promise<unknown>;
  runPostHooks?(repoRoot: string, sandbox: SandboxInfo, env: Record<string, string>, stage: 'after-deploy' | 'after-ship', signal: AbortSignal): Promise<unknown>;
  runPhase(input: PhaseInput): Promise<PhaseOutcome>;
  /**
   * Deployment-configuration recommendations (src/core/configgen): the templates' baseline written
   * into the sandbox before the model adapts it, and the checks of the deployment files, run as the
   * tests (a failing check is repaired like a failing test).
   */
  deploymentConfig?: {
    baseline(sandbox: SandboxInfo, recommendation: Recommendation): Promise<{ filesWritten: string[]; notes: string }>;
    check(sandbox: SandboxInfo, input: { repoRoot: string; filesWritten: string[]; signal: AbortSignal }): Promise<TestRunOutcome>;
    /** Whether a model adapts the baseline (the `configgen.adaptWithModel` setting of the user's configuration). */
    adaptWithModel(repoRoot: string): boolean;
  };
  runTests(sandbox: SandboxInfo, input: { deploymentId: string; repoRoot: string; context: ContextInfo; levers: StrategyLevers; filesWritten: string[]; signal: AbortSignal }): Promise<TestRunOutcome>;
  matchErrorPattern(output: string): ErrorPatternMatch | undefined;
  /** Whether another provider could take over a phase that `from` could not finish (escalation is on and one is configured). */
  canEscalate(repoRoot: string, from: { provider: string; model: string }): boolean;
  /** The strategy's type-check and lint gates on the change (skipped ones say why). */
  runQualityGates?(sandbox: SandboxInfo, input: { deploymentId: string; repoRoot: string; gates: { typecheck: boolean; lint: boolean }; filesWritten: string[]; timeLimitMs: number; signal: AbortSignal }): Promise<GateResult[]>;
  /** One repair round: which error pattern it answered, which recovery ran, whether the tests then passed, how long it took. */
  recordRecovery?(input: RecoveryRecord): void;
  review(repoRoot: string, sandbox: SandboxInfo, before: RepoSnapshot): Promise<ReviewFindings>;
  /** The change as a unified diff from the sandbox's base commit to `tree` (recorded for the report once the credential scan passed). */
  changeDiff?(sandbox: SandboxInfo, tree: string): Promise<string>;
  commit(sandbox: SandboxInfo, input: { recommendation: Recommendation; deploymentId: string; summary: string }): Promise<ShipCommit>;
  /** Records the files `commit` shipped (path, blob ids, hunks, patch) for the editor's lenses and reverts. */
  recordShippedFiles?(input: { deploymentId: string; repoRoot: string; sandbox: SandboxInfo; commit: string; title: string }): Promise<void>;
  push(repoRoot: string, sandbox: SandboxInfo, signal: AbortSignal): Promise<ShipPush>;
  openPullRequest(repoRoot: string, input: { deploymentId: string; sandbox: SandboxInfo; recommendation: Recommendation; draft: boolean; body: PullRequestFacts; signal: AbortSignal }): Promise<ShipPullRequest>;
  recordOutcome(input: OutcomeRecord): Promise<void>;
  writeReport(deploymentId: string): Promise<{ json?: string; markdown?: string } | undefined>;
}
