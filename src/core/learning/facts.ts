import type Database from 'better-sqlite3';
import { SECONDARY_LANGUAGES } from '../analysis/classify';
import { matchErrorPattern } from '../recovery/error-patterns';
import type { DeploymentRow } from '../store/deployments';
import { releaseFactParts, releaseStepBase } from './release-facts';
import { sql } from './statements';
import { outcomeOf, readShippingOutcome, SETTLED_STATUSES, type Outcome } from './outcome';

/** What is learnt from one settled deployment (a row of learning_deployments). */
export interface DeploymentFact {
  deploymentId: string;
  repoPath: string;
  environment: string;
  strategy: string;
  category: string;
  stack: string;
  status: string;
  success: Outcome;
  shipped: 0 | 1;
  createdAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  leadMs: number | null;
  repairs: number;
  failingStep: string | null;
  errorCode: string | null;
  errorPattern: string | null;
  /** Model tokens (input + output) of its model calls. */
  tokens: number;
  /** The cost of its model calls in millionths of a dollar (whole numbers: daily sums never drift). */
  costMicros: number;
  /** The input tokens of its successful model calls, and of those how many were read from or written to the prompt cache (analytics' model input). */
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export const UNKNOWN = 'unknown';
export const UNCATEGORIZED = 'uncategorized';

/** The columns of a deployment the learner reads. */
type DeploymentRowLite = Pick<DeploymentRow, 'id' | 'repoPath' | 'environment' | 'strategy' | 'category' | 'status' | 'mode' | 'commitSha' | 'createdAt' | 'startedAt' | 'finishedAt' | 'durationMs' | 'errorCode' | 'errorMessage' | 'kind'>;

/**
 * Reads the fact of deployment `id` from the history tables; undefined when it does not exist or
 * has not settled (pending, running: nothing to learn yet).
 */
export function readFact(db: Database.Database, id: string, repoStacks: Map<string, string> = new Map()): DeploymentFact | undefined {
  const row = sql(
    db,
    `SELECT id, repo_path AS repoPath, environment, strategy, category, status, mode, commit_sha AS commitSha, created_at AS createdAt,
              started_at AS startedAt, finished_at AS finishedAt, duration_ms AS durationMs, error_code AS errorCode, error_message AS errorMessage, kind
         FROM deployments WHERE id = ?`,
    )
    .get(id) as DeploymentRowLite | undefined;
  if (!row || !(SETTLED_STATUSES as readonly string[]).includes(row.status)) return undefined;

  const shipping = readShippingOutcome(db, id);
  const steps = recordedSteps(db, id);
  const success = outcomeOf(row.status, shipping?.label);
  const release = row.kind === 'release' ? releaseFactParts(db, row) : null;
  const shipped = release ? release.shipped : row.commitSha && row.mode !== 'dry-run' ? 1 : 0;
  const finishedAt = row.finishedAt;
  const durationMs = success === null ? null : row.durationMs ?? (finishedAt !== null && row.startedAt !== null ? finishedAt - row.startedAt : null);
  // Lead time for changes: from the request to the change being shipped (its pull request merged, once synced); a release's from its commit.
  const shippedAt = shipping?.mergedAt ?? finishedAt;
  const leadFrom = release ? release.commitAt : row.createdAt;
  const leadMs = success === 1 && shipped && shippedAt !== null && leadFrom !== null ? Math.max(0, shippedAt - leadFrom) : null;

  let failingStep: string | null = null;
  let errorPattern: string | null = null;
  if (success === 0) {
    failingStep =
      (sql(db, `SELECT name FROM deployment_steps WHERE deployment_id = ? AND status = 'failed' ORDER BY id DESC LIMIT 1`).pluck().get(id) as string | undefined) ??
      (row.status === 'rolled_back' ? 'after-ship' : shipping?.label === 'failure' ? 'after-ship' : null);
    if (release) failingStep = releaseStepBase(failingStep);
    const lastOutput = sql(db, `SELECT output FROM test_runs WHERE deployment_id = ? ORDER BY id DESC LIMIT 1`).pluck().get(id) as string | null | undefined;
    // A release's error message carries the excerpt of the output that failed (src/core/release/command.ts).
    errorPattern = matchErrorPattern(`${row.errorMessage ?? ''}\n${lastOutput ?? ''}`, row.kind === 'release' ? { scope: 'release' } : {})?.id ?? null;
  }

  return {
    deploymentId: id,
    repoPath: row.repoPath,
    environment: row.environment || UNKNOWN,
    strategy: row.strategy || UNKNOWN,
    category: release?.category ?? (row.category || UNCATEGORIZED),
    stack: stackOf(db, steps, row.repoPath, repoStacks),
    status: row.status,
    success,
    shipped,
    createdAt: row.createdAt,
    finishedAt,
    durationMs,
    leadMs,
    repairs: repairsOf(db, id, steps),
    failingStep,
    errorCode: success === 0 ? row.errorCode ?? (shipping?.label === 'failure' ? 'FAILED_AFTER_SHIPPING' : row.status === 'rolled_back' ? 'ROLLED_BACK' : null) : null,
    errorPattern,
    ...modelUsageOf(db, id),
  };
}

/** Tokens and cost of a deployment's model calls (ai_model_calls), and the input of the successful ones, cached and not. */
function modelUsageOf(db: Database.Database, deploymentId: string): Pick<DeploymentFact, 'tokens' | 'costMicros' | 'inputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'> {
  return sql(
    db,
    `SELECT coalesce(sum(input_tokens + output_tokens), 0) AS tokens, coalesce(round(sum(cost_usd) * 1000000), 0) AS costMicros,
            coalesce(sum(CASE WHEN status = 'ok' THEN input_tokens END), 0) AS inputTokens,
            coalesce(sum(CASE WHEN status = 'ok' THEN cache_read_tokens END), 0) AS cacheReadTokens,
            coalesce(sum(CASE WHEN status = 'ok' THEN cache_write_tokens END), 0) AS cacheWriteTokens
       FROM ai_model_calls WHERE deployment_id = ?`,
  ).get(deploymentId) as Pick<DeploymentFact, 'tokens' | 'costMicros' | 'inputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'>;
}

/** What the newest succeeded `context` and `repair` steps of a deployment recorded. */
interface RecordedSteps {
  language?: unknown;
  framework?: unknown;
  repairs?: unknown;
}

/** Both steps in one index look-up (a backfill reads them for every deployment of the history). */
function recordedSteps(db: Database.Database, deploymentId: string): RecordedSteps {
  const rows = sql(
    db,
    `SELECT name, json_extract(artifacts, '$.context.profile.primaryLanguage') AS language,
              json_extract(artifacts, '$.context.profile.frameworks[0].name') AS framework,
              json_extract(artifacts, '$.repairs') AS repairs
         FROM deployment_steps
        WHERE deployment_id = ? AND name IN ('context', 'repair') AND status = 'succeeded' AND json_valid(artifacts)
        ORDER BY id DESC`,
  ).all(deploymentId) as { name: string; language: unknown; framework: unknown; repairs: unknown }[];
  const context = rows.find((r) => r.name === 'context');
  const repair = rows.find((r) => r.name === 'repair');
  return { ...(context ? { language: context.language, framework: context.framework } : {}), ...(repair ? { repairs: repair.repairs } : {}) };
}

/**
 * The stack of a deployment: the primary language and the most certain framework of the project
 * profile its `context` step recorded (e.g. `typescript/express`, `python/flask`, `go`). Older
 * deployments without that profile fall back to the most common source language in the analysis
 * cache of the repository (read once per repository and learning pass); `unknown` when neither
 * exists (imported history).
 */
function stackOf(db: Database.Database, steps: RecordedSteps, repoPath: string, repoStacks: Map<string, string>): string {
  const { language, framework } = steps;
  if (typeof language === 'string' && language) {
    return typeof framework === 'string' && framework ? `${language}/${framework}`.toLowerCase() : language.toLowerCase();
  }
  const known = repoStacks.get(repoPath);
  if (known !== undefined) return known;
  const languages = sql(
    db,
    `SELECT language FROM analysis_files WHERE root = ? AND kind = 'source' AND language IS NOT NULL GROUP BY language ORDER BY count(*) DESC LIMIT 5`)
    .pluck()
    .all(repoPath) as string[];
  const primary = languages.find((l) => !SECONDARY_LANGUAGES.has(l)) ?? languages[0];
  const stack = primary ? primary.toLowerCase() : UNKNOWN;
  repoStacks.set(repoPath, stack);
  return stack;
}

/** Repair rounds: what the repair step recorded, else one per test run after the first. */
function repairsOf(db: Database.Database, deploymentId: string, steps: RecordedSteps): number {
  if (typeof steps.repairs === 'number') return steps.repairs;
  const runs = sql(db, `SELECT count(*) FROM test_runs WHERE deployment_id = ?`).pluck().get(deploymentId) as number;
  return Math.max(0, runs - 1);
}

/** The pattern a fact counts towards: only deployments that chose a strategy and have an outcome. */
export function patternKeyOf(fact: DeploymentFact): { environment: string; stack: string; strategy: string; category: string } | undefined {
  // A rollback of a release target chose no strategy for a change (release-facts.ts).
  if (fact.success === null || fact.strategy === UNKNOWN || fact.strategy === 'auto' || fact.category === 'rollback') return undefined;
  return { environment: fact.environment, stack: fact.stack, strategy: fact.strategy, category: fact.category };
}

export function sameFact(a: DeploymentFact, b: DeploymentFact): boolean {
  return (Object.keys(a) as (keyof DeploymentFact)[]).every((key) => a[key] === b[key]);
}
