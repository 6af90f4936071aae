import type Database from 'better-sqlite3';
import { DeployAgentError } from '../errors';
import { secretRegistry } from '../security/registry';
import { summarize } from './summary';
import type { EvalRun, EvalRunInfo, TaskResult } from './types';

/** A row of eval_results as read: the result's figures, booleans as 0/1, the hidden tests' outcome in columns of its own. */
type ResultRow = Omit<TaskResult, 'solved' | 'falseSuccess' | 'hidden' | 'error'> & {
  solved: number;
  falseSuccess: number;
  hiddenPassed: number;
  hiddenFailed: number;
  hiddenError: string | null;
  error: string | null;
};

/** The eval tables of migration 014: runs and their per-task results. */
export class EvalStore {
  constructor(private readonly db: Database.Database) {}

  startRun(run: EvalRunInfo): void {
    this.db
      .prepare(
        `INSERT INTO eval_runs (id, started_at, finished_at, source, provider, model, tasks, repeat, strategy, version, recorded_to, replayed_from)
         VALUES (@id, @startedAt, @finishedAt, @source, @provider, @model, @tasks, @repeat, @strategy, @version, @recordedTo, @replayedFrom)`,
      )
      .run(run);
  }

  finishRun(id: string, at: number): void {
    this.db.prepare('UPDATE eval_runs SET finished_at = ? WHERE id = ?').run(at, id);
  }

  addResult(runId: string, r: TaskResult): void {
    this.db
      .prepare(
        `INSERT INTO eval_results (run_id, task_id, repeat, language, kind, solved, verdict, false_success, hidden_passed, hidden_failed, hidden_error, turns, tool_calls, repairs,
                                   input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, cost_usd, wall_ms, model_loads, error)
         VALUES (@runId, @taskId, @repeat, @language, @kind, @solved, @verdict, @falseSuccess, @hiddenPassed, @hiddenFailed, @hiddenError, @turns, @toolCalls, @repairs,
                 @inputTokens, @cacheReadTokens, @cacheWriteTokens, @outputTokens, @costUsd, @wallMs, @modelLoads, @error)`,
      )
      .run({
        runId,
        taskId: r.taskId,
        repeat: r.repeat,
        language: r.language,
        kind: r.kind,
        solved: r.solved ? 1 : 0,
        verdict: r.verdict,
        falseSuccess: r.falseSuccess ? 1 : 0,
        hiddenPassed: r.hidden.passed,
        hiddenFailed: r.hidden.failed,
        hiddenError: r.hidden.error === undefined ? null : secretRegistry.text(r.hidden.error),
        turns: r.turns,
        toolCalls: r.toolCalls,
        repairs: r.repairs,
        inputTokens: r.inputTokens,
        cacheReadTokens: r.cacheReadTokens,
        cacheWriteTokens: r.cacheWriteTokens,
        outputTokens: r.outputTokens,
        costUsd: r.costUsd,
        wallMs: Math.round(r.wallMs),
        modelLoads: r.modelLoads,
        error: r.error === undefined ? null : secretRegistry.text(r.error),
      });
  }

  /** A stored run with its results; throws EVAL_RUN_NOT_FOUND naming the known runs. */
  run(id: string): EvalRun {
    const info = this.db
      .prepare(
        `SELECT id, started_at AS startedAt, finished_at AS finishedAt, source, provider, model, tasks, repeat, strategy, version, recorded_to AS recordedTo, replayed_from AS replayedFrom
           FROM eval_runs WHERE id = ?`,
      )
      .get(id) as EvalRunInfo | undefined;
    if (!info) {
      const known = this.runs(5).map((r) => r.id);
      throw new DeployAgentError('EVAL_RUN_NOT_FOUND', `There is no eval run ${id} in the history database.`, known.length ? `The latest runs: ${known.join(', ')} (\`deploy-agent eval runs\` lists them).` : 'Run the suite first: `deploy-agent eval`.');
    }
    const rows = this.db
      .prepare(
        `SELECT task_id AS taskId, repeat, language, kind, solved, verdict, false_success AS falseSuccess, hidden_passed AS hiddenPassed, hidden_failed AS hiddenFailed, hidden_error AS hiddenError,
                turns, tool_calls AS toolCalls, repairs, input_tokens AS inputTokens, cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens,
                output_tokens AS outputTokens, cost_usd AS costUsd, wall_ms AS wallMs, model_loads AS modelLoads, error
           FROM eval_results WHERE run_id = ? ORDER BY task_id, repeat`,
      )
      .all(id) as ResultRow[];
    const results = rows.map(toResult);
    return { run: info, results, summary: summarize(results) };
  }

  /** The latest runs, newest first. */
  runs(limit = 20): (EvalRunInfo & { results: number; solved: number })[] {
    return this.db
      .prepare(
        `SELECT r.id, r.started_at AS startedAt, r.finished_at AS finishedAt, r.source, r.provider, r.model, r.tasks, r.repeat, r.strategy, r.version,
                r.recorded_to AS recordedTo, r.replayed_from AS replayedFrom, count(x.id) AS results, coalesce(sum(x.solved), 0) AS solved
           FROM eval_runs r LEFT JOIN eval_results x ON x.run_id = r.id GROUP BY r.id ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?`,
      )
      .all(limit) as (EvalRunInfo & { results: number; solved: number })[];
  }
}

function toResult(row: ResultRow): TaskResult {
  const { solved, falseSuccess, hiddenPassed, hiddenFailed, hiddenError, error, ...figures } = row;
  return {
    ...figures,
    solved: solved === 1,
    falseSuccess: falseSuccess === 1,
    hidden: { passed: hiddenPassed, failed: hiddenFailed, ...(hiddenError !== null ? { error: hiddenError } : {}) },
    ...(error !== null ? { error } : {}),
  };
}
