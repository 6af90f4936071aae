import type Database from 'better-sqlite3';
import type { OmittedPart } from '../recommendation/fit';
import type { Recommendation } from '../recommendation/types';
import { DeploymentsRepository } from '../store/deployments';
import { EventsRepository, StepsRepository, TestRunsRepository, type EventRow, type StepRow } from '../store/steps';
import type { HookRun, RecoveryRecord } from '../deployment/types';
import { collectReleasePart, type ReleaseReportPart } from './release';
import { requirementRows, type RequirementRow } from './requirements';
import { filesOfDiff } from './review-data';
import { CHANGE_DIFF_EVENT, type ChangeDiffRecord, type DeploymentChoice, type TestRunOutcome } from '../deployment/types';
import type { SystemImpact } from './system-impact';
import type { GateResult } from '../testing/quality-gates';

/** Everything the report says about one deployment, read from the history database. */
export interface DeploymentReport {
  id: string;
  /** `code` (a recommendation) or `release` (the application put onto a target). */
  kind: 'code' | 'release';
  /** A release's target, hosts, strategy and recoveries (null for a code deployment). */
  release: ReleaseReportPart | null;
  title: string;
  status: string;
  mode: string | null;
  strategy: string | null;
  environment: string | null;
  branch: string | null;
  commit: string | null;
  prUrl: string | null;
  durationMs: number | null;
  error: { code: string; message: string | null } | null;
  recommendation: { id?: string; category?: string; acceptanceCriteria: number; omitted: OmittedPart[] } | null;
  requirements: RequirementRow[];
  /**
   * One row per step, where it last ran (see `stepRows`): `runs`, how many times it ran (a review
   * shipped later, a resumed run, "run the tests again"); `durationMs`, all of them together;
   * `note`, why a skipped step had nothing to do.
   */
  steps: ReportStep[];
  decisions: { kind: string; chosen: string; reason: string; probabilities: Record<string, number> | null; at: number }[];
  /** Per phase and model; `cached`: calls answered from Deploy Agent's response cache; `cacheReadTokens` / `cacheWriteTokens`: input read from / written to the provider's prompt cache (parts of `inputTokens`). */
  modelCalls: { phase: string | null; provider: string; model: string; calls: number; errors: number; cached: number; inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; outputTokens: number; costUsd: number; durationMs: number }[];
  modelTotals: { calls: number; inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; outputTokens: number; costUsd: number; durationMs: number };
  tests: { framework: string | null; command: string | null; passed: number; failed: number; skipped: number; durationMs: number | null; coverage: number | null }[];
  repairs: Omit<RecoveryRecord, 'deploymentId'>[];
  filesWritten: string[];
  performance: { medianOfEarlierMs: number | null; earlierCount: number; ratio: number | null };
  systemImpact: SystemImpact[];
  /** The strategy's type-check and lint gates (skipped ones with their reason). */
  qualityGates: Omit<GateResult, 'output'>[];
  hooks: HookRun[];
  /** How model-written code ran (tests, gates, hooks): the confinement tool, or unconfined. */
  confinement: { kind: string; description: string } | null;
  /** The user's choice of integration points before the model ran (the panel's preview, or --add-file / --exclude-point). */
  choice: DeploymentChoice | null;
  /** The change as a unified diff, as recorded when it last passed its credential scan (null: it never did). */
  change: { diff: string; truncated: boolean; chars: number; files: { path: string; change: string; added: number; removed: number }[] } | null;
  warnings: string[];
}

export function collectReport(db: Database.Database, deploymentId: string): DeploymentReport | undefined {
  const row = new DeploymentsRepository(db).get(deploymentId);
  if (!row) return undefined;
  const stepRows = new StepsRepository(db).list(deploymentId);
  const events = new EventsRepository(db);

  // What later steps learnt overrides earlier ones (the same merge the orchestrator does on resume).
  const state: { filesWritten?: string[]; omitted?: OmittedPart[]; tests?: TestRunOutcome } = {};
  for (const step of stepRows) if (step.artifacts && typeof step.artifacts === 'object') Object.assign(state, step.artifacts);
  const filesWritten = state.filesWritten ?? [];

  const tests = new TestRunsRepository(db).list(deploymentId).map((t) => ({ framework: t.framework, command: t.command, passed: t.passed, failed: t.failed, skipped: t.skipped, durationMs: t.durationMs, coverage: t.coverage }));
  const lastTests = tests.at(-1) ?? null;
  const recommendation = parseRecommendation(row.recommendation);

  const modelCalls = db
    .prepare(
      `SELECT phase, provider, model, count(*) AS calls, sum(status = 'error') AS errors, sum(cached) AS cached, sum(input_tokens) AS inputTokens,
              sum(cache_read_tokens) AS cacheReadTokens, sum(cache_write_tokens) AS cacheWriteTokens, sum(output_tokens) AS outputTokens, round(sum(cost_usd), 6) AS costUsd, sum(duration_ms) AS durationMs
         FROM ai_model_calls WHERE deployment_id = ? GROUP BY phase, provider, model ORDER BY min(id)`,
    )
    .all(deploymentId) as DeploymentReport['modelCalls'];
  const modelTotals = modelCalls.reduce(
    (t, c) => ({
      calls: t.calls + c.calls,
      inputTokens: t.inputTokens + c.inputTokens,
      cacheReadTokens: t.cacheReadTokens + c.cacheReadTokens,
      cacheWriteTokens: t.cacheWriteTokens + c.cacheWriteTokens,
      outputTokens: t.outputTokens + c.outputTokens,
      costUsd: Math.round((t.costUsd + c.costUsd) * 1e6) / 1e6,
      durationMs: t.durationMs + c.durationMs,
    }),
    { calls: 0, inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, costUsd: 0, durationMs: 0 },
  );

  const earlier = (
    db
      .prepare(`SELECT duration_ms AS d FROM deployments WHERE repo_path = ? AND id != ? AND status = 'succeeded' AND duration_ms IS NOT NULL AND created_at < ? ORDER BY created_at DESC LIMIT 20`)
      .all(row.repoPath, deploymentId, row.createdAt) as { d: number }[]
  )
    .map((r) => r.d)
    .sort((a, b) => a - b);
  const median = earlier.length ? (earlier.length % 2 ? earlier[(earlier.length - 1) / 2]! : Math.round((earlier[earlier.length / 2 - 1]! + earlier[earlier.length / 2]!) / 2)) : null;

  return {
    id: row.id,
    kind: row.kind,
    release: row.kind === 'release' ? collectReleasePart(db, deploymentId, row) : null,
    title: row.title,
    status: row.status,
    mode: row.mode,
    strategy: row.strategy,
    environment: row.environment,
    branch: row.branch,
    commit: row.commitSha,
    prUrl: row.prUrl,
    durationMs: row.durationMs,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage } : null,
    recommendation: recommendation
      ? { ...(recommendation.id ? { id: recommendation.id } : {}), ...(recommendation.category ? { category: recommendation.category } : {}), acceptanceCriteria: recommendation.acceptanceCriteria?.length ?? 0, omitted: state.omitted ?? [] }
      : null,
    // The last run's named tests (kept with the step) tie requirements to tests; the counts come from the test-runs table.
    requirements: recommendation ? requirementRows(recommendation, filesWritten, lastTests ? { ...lastTests, cases: state.tests?.cases } : null) : [],
    steps: reportSteps(stepRows, events.list(deploymentId, 'step.finished')),
    decisions: (db.prepare(`SELECT kind, chosen, reason, probabilities, created_at AS at FROM decisions WHERE deployment_id = ? ORDER BY id`).all(deploymentId) as { kind: string; chosen: string; reason: string; probabilities: string | null; at: number }[]).map((d) => ({
      ...d,
      probabilities: parseProbabilities(d.probabilities),
    })),
    modelCalls,
    modelTotals,
    tests,
    repairs: events.list(deploymentId, 'recovery').map((e) => e.payload as Omit<RecoveryRecord, 'deploymentId'>),
    filesWritten,
    performance: { medianOfEarlierMs: median, earlierCount: earlier.length, ratio: median && row.durationMs ? Math.round((row.durationMs / median) * 100) / 100 : null },
    systemImpact: events.list(deploymentId, 'system.impact').map((e) => e.payload as SystemImpact),
    qualityGates: events.list(deploymentId, 'quality.gate').map((e) => {
      const { output: _output, ...gate } = e.payload as GateResult;
      return gate;
    }),
    hooks: events.list(deploymentId, 'hook.run').map((e) => e.payload as HookRun),
    confinement: (events.latest(deploymentId, 'confinement')?.payload as DeploymentReport['confinement'] | undefined) ?? null,
    choice: (events.latest(deploymentId, 'request')?.payload as { choice?: DeploymentChoice } | undefined)?.choice ?? null,
    change: changeOf(events.latest(deploymentId, CHANGE_DIFF_EVENT)?.payload as ChangeDiffRecord | undefined),
    warnings: events
      .list(deploymentId, 'log')
      .map((e) => e.payload as { level?: string; message?: string })
      .filter((p) => p.level === 'warn' && p.message)
      .map((p) => p.message!),
  };
}

export interface ReportStep {
  name: string;
  status: string;
  runs: number;
  durationMs: number | null;
  error: { code: string; message: string | null } | null;
  note: string | null;
}

/**
 * The step records are a log of runs: a deployment shipped after its review ran `learn` (the step
 * that closes every run) at the pause and again after the commit; a resumed step has its
 * interrupted record and its finished one. The report shows each step once, at the place it last
 * ran, with how it last ended — a later record that found nothing to do (a ship's check of a
 * sandbox whose tests already passed) does not hide what an earlier one did — and the time of all
 * its runs. A skipped step says why, from its `step.finished` event (same step, same time).
 */
export function reportSteps(records: readonly StepRow<string>[], finished: readonly EventRow[]): ReportStep[] {
  const reasons = new Map<string, string>();
  for (const e of finished) {
    const p = e.payload as { step?: string; status?: string; summary?: string };
    if (p.status === 'skipped' && p.summary) reasons.set(`${p.step}@${e.ts}`, p.summary);
  }
  const byName = new Map<string, StepRow<string>[]>();
  for (const r of records) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const lastIndex = (name: string) => records.findLastIndex((r) => r.name === name);
  return [...byName.entries()]
    .sort(([a], [b]) => lastIndex(a) - lastIndex(b))
    .map(([name, rows]) => {
      const ran = rows.filter((r) => r.status !== 'skipped');
      const shown = ran.at(-1) ?? rows.at(-1)!;
      const durations = rows.filter((r) => r.finishedAt !== null).map((r) => r.finishedAt! - r.startedAt);
      return {
        name,
        status: shown.status,
        runs: ran.length,
        durationMs: durations.length ? durations.reduce((a, b) => a + b, 0) : null,
        error: shown.errorCode ? { code: shown.errorCode, message: shown.errorMessage } : null,
        note: shown.status === 'skipped' && shown.finishedAt !== null ? (reasons.get(`${name}@${shown.finishedAt}`) ?? null) : null,
      };
    });
}

function parseRecommendation(json: string | null): Recommendation | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as Recommendation;
  } catch {
    return null;
  }
}

function parseProbabilities(json: string | null): Record<string, number> | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as Record<string, number>;
    return Object.keys(value).length ? value : null;
  } catch {
    return null;
  }
}

function changeOf(record: ChangeDiffRecord | undefined): DeploymentReport['change'] {
  if (!record) return null;
  const files = filesOfDiff(record.diff, record.baseSha).map((f) => ({ path: f.path, change: f.change, added: f.added, removed: f.removed }));
  return { diff: record.diff, truncated: record.truncated, chars: record.chars, files };
}
