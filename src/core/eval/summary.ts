import type { EvalSummary, TaskResult } from './types';

/** Totals over a run's results (every repeat of every task counts once). */
export function summarize(results: readonly TaskResult[]): EvalSummary {
  const sum = (pick: (r: TaskResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  const solved = results.filter((r) => r.solved).length;
  return {
    runs: results.length,
    solved,
    solveRate: results.length ? solved / results.length : null,
    pipelineSucceeded: results.filter((r) => r.verdict === 'succeeded').length,
    falseSuccesses: results.filter((r) => r.falseSuccess).length,
    turns: sum((r) => r.turns),
    toolCalls: sum((r) => r.toolCalls),
    repairs: sum((r) => r.repairs),
    inputTokens: sum((r) => r.inputTokens),
    cacheReadTokens: sum((r) => r.cacheReadTokens),
    cacheWriteTokens: sum((r) => r.cacheWriteTokens),
    outputTokens: sum((r) => r.outputTokens),
    costUsd: Math.round(sum((r) => r.costUsd) * 1e6) / 1e6,
    wallMs: sum((r) => r.wallMs),
    modelLoads: sum((r) => r.modelLoads),
  };
}
