import type { EvalRun, EvalSummary } from './types';

export interface TaskComparison {
  taskId: string;
  /** Solved repeats of the task in each run, out of its repeats there. */
  a: { solved: number; runs: number };
  b: { solved: number; runs: number };
  /** b's solve rate minus a's (points, 0–1), null when either run lacks the task. */
  change: number | null;
}

export interface RunComparison {
  a: EvalRun['run'];
  b: EvalRun['run'];
  summary: { a: EvalSummary; b: EvalSummary; delta: Record<keyof EvalSummary, number | null> };
  tasks: TaskComparison[];
  /** Tasks solved in every repeat of a but not of b (regressions), and the other way round. */
  regressions: string[];
  improvements: string[];
}

/** Two runs side by side: the totals with their differences (b − a), and per task who solved it. */
export function compareRuns(a: EvalRun, b: EvalRun): RunComparison {
  const delta = {} as Record<keyof EvalSummary, number | null>;
  for (const key of Object.keys(a.summary) as (keyof EvalSummary)[]) {
    const x = a.summary[key];
    const y = b.summary[key];
    delta[key] = x === null || y === null ? null : Math.round((y - x) * 1e6) / 1e6;
  }
  const ids = [...new Set([...a.results, ...b.results].map((r) => r.taskId))].sort();
  const of = (run: EvalRun, id: string) => {
    const rows = run.results.filter((r) => r.taskId === id);
    return { solved: rows.filter((r) => r.solved).length, runs: rows.length };
  };
  const tasks = ids.map((taskId) => {
    const x = of(a, taskId);
    const y = of(b, taskId);
    return { taskId, a: x, b: y, change: x.runs && y.runs ? y.solved / y.runs - x.solved / x.runs : null };
  });
  return {
    a: a.run,
    b: b.run,
    summary: { a: a.summary, b: b.summary, delta },
    tasks,
    regressions: tasks.filter((t) => t.a.runs && t.b.runs && t.a.solved === t.a.runs && t.b.solved < t.b.runs).map((t) => t.taskId),
    improvements: tasks.filter((t) => t.a.runs && t.b.runs && t.b.solved === t.b.runs && t.a.solved < t.a.runs).map((t) => t.taskId),
  };
}
