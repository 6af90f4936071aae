import type { StepName } from '../deployment/events';
import type { StepContext, Step } from '../flow/step';
import type { OmittedPart } from '../recommendation/fit';
import type { Recommendation } from '../recommendation/types';
import type { DeploymentsRepository } from '../store/deployments';
import type { TestRunsRepository } from '../store/steps';
import type {
  ContextInfo,
  DeployRequest,
  PipelinePorts,
  RepoSnapshot,
  ReviewFindings,
  SandboxInfo,
  ShipPullRequest,
  ShipPush,
  StrategyLevers,
  TestRunOutcome,
} from './ports';

/** Everything a code deployment has learnt so far; each step's contribution is persisted as its artifacts. */
export interface DeploymentState {
  id: string;
  request: DeployRequest;
  recommendation?: Recommendation;
  /** Parts of a large recommendation left out of the prompts (stated in the report). */
  omitted?: OmittedPart[];
  warnings: string[];
  repoRoot?: string;
  before?: RepoSnapshot;
  circuit?: { state: string; forced: boolean };
  model?: { provider: string; model: string };
  context?: ContextInfo;
  levers?: StrategyLevers;
  sandbox?: SandboxInfo;
  treeAfterSandbox?: string;
  treeAfterImplement?: string;
  treeAfterTests?: string;
  treeAfterRepair?: string;
  filesWritten: string[];
  /** What the last of implement / write-tests wrote itself (its summary names them; `filesWritten` is the running total). */
  stepFilesWritten?: string[];
  /** Model usage so far; the cache counts are parts of `inputTokens`. */
  usage: { inputTokens: number; outputTokens: number; costUsd: number; cacheReadTokens?: number; cacheWriteTokens?: number; provider?: string; model?: string };
  implementSummary?: string;
  /** A deployment-configuration change: what every model phase is told about the templates' baseline and the checks. */
  configNotes?: string;
  tests?: TestRunOutcome;
  testRounds: number;
  repairs: number;
  review?: ReviewFindings;
  /** review mode: the sandbox tree whose tests, gates and credential scan last passed (a `ship` re-checks any other). */
  testedTree?: string;
  /** review mode: the last "run the tests again" (by the user, or by `ship` before its commit). */
  lastCheck?: ReviewCheck;
  /** review mode: the machine time of the runs before the pause (the pause itself is not the deployment's duration). */
  runMs?: number;
  commit?: string;
  push?: ShipPush;
  pr?: ShipPullRequest;
  /** Set by the closing step when the history database stopped the run: the sandbox stays for `resume` (never persisted). */
  keptForResume?: boolean;
}

/** One check of a review-paused sandbox: the tests, the strategy's gates (no repair: no model runs) and the credential scan. */
export interface ReviewCheck {
  tree: string;
  ok: boolean;
  /** What failed, one sentence each (empty when ok). */
  problems: string[];
  /** The sandbox differed from the last tree that passed. */
  changed: boolean;
  at: number;
}

/** What one step adds to the state (and persists as its artifacts). */
export type Patch = Partial<Omit<DeploymentState, 'id' | 'request'>>;

/** What a code deployment's steps get: the runner's context plus the ports and the records they update. */
export interface DeployStepContext extends StepContext<StepName> {
  ports: PipelinePorts;
  deployments: DeploymentsRepository;
  testRuns: TestRunsRepository;
}

export type DeployStep = Step<DeploymentState, StepName, DeployStepContext>;

export function freshState(id: string, request: DeployRequest): DeploymentState {
  return { id, request, warnings: [], filesWritten: [], usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 }, testRounds: 0, repairs: 0 };
}

/** The sandbox content to go back to when resuming: the one recorded by the last completed step that wrote files. */
export function latestTree(state: DeploymentState): string | undefined {
  return state.testedTree ?? state.treeAfterRepair ?? state.treeAfterTests ?? state.treeAfterImplement ?? state.treeAfterSandbox;
}
