import type { ProviderName } from '../ai/types';
import type { Recommendation } from '../recommendation/types';
import type { FrameworkId } from '../testing/types';

/** What kind of change a task asks for (the suite covers each). */
export type TaskKind = 'feature' | 'bugfix' | 'refactor' | 'endpoint' | 'data-model' | 'config';
export const TASK_KINDS: readonly TaskKind[] = ['feature', 'bugfix', 'refactor', 'endpoint', 'data-model', 'config'];

export type TaskLanguage = 'javascript' | 'typescript' | 'python' | 'go';
export const TASK_LANGUAGES: readonly TaskLanguage[] = ['javascript', 'typescript', 'python', 'go'];

/**
 * One eval task (a folder of `eval/tasks/`): a small repository (`eval/repos/<repo>` with the
 * task's `setup/` files over it), the recommendation the agent gets, the hidden acceptance tests
 * (`hidden/`, paths as in the repository) the agent never sees, and a reference solution
 * (`solution/`, files over the repository) that passes them.
 */
export interface EvalTask {
  id: string;
  language: TaskLanguage;
  kind: TaskKind;
  /** The test framework the hidden tests run with. */
  framework: FrameworkId;
  /** The folder of the base repository. */
  repoDir: string;
  /** The task's folder. */
  dir: string;
  recommendation: Recommendation;
  /** Repository-relative paths of the hidden test files. */
  hiddenFiles: string[];
}

/** How the pipeline itself judged the deployment: `succeeded` is a review-ready change (its tests passed). */
export type PipelineVerdict = 'succeeded' | 'failed' | 'setup-failed' | 'cancelled' | 'error';

/** The figures of one task run (one repeat). */
export interface TaskResult {
  taskId: string;
  repeat: number;
  language: TaskLanguage;
  kind: TaskKind;
  /** The hidden acceptance tests passed on what the deployment left in its sandbox. */
  solved: boolean;
  verdict: PipelineVerdict;
  /** The pipeline said succeeded but the hidden tests fail. */
  falseSuccess: boolean;
  hidden: { passed: number; failed: number; error?: string };
  turns: number;
  toolCalls: number;
  repairs: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  costUsd: number;
  wallMs: number;
  /** Model loads the deployment caused (Ollama; a loaded model adopted as it was is not one). */
  modelLoads: number;
  /** Why the deployment failed (its error code and message), or why the task could not run. */
  error?: string;
}

export interface EvalRunInfo {
  id: string;
  startedAt: number;
  finishedAt: number | null;
  /** `live`: a model answered; `replay`: recorded transcripts did (no model). */
  source: 'live' | 'replay';
  provider: ProviderName;
  model: string;
  tasks: string;
  repeat: number;
  strategy: string;
  version: string;
  recordedTo: string | null;
  replayedFrom: string | null;
}

export interface EvalSummary {
  runs: number;
  solved: number;
  solveRate: number | null;
  pipelineSucceeded: number;
  falseSuccesses: number;
  turns: number;
  toolCalls: number;
  repairs: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  costUsd: number;
  wallMs: number;
  modelLoads: number;
}

export interface EvalRun {
  run: EvalRunInfo;
  results: TaskResult[];
  summary: EvalSummary;
}
