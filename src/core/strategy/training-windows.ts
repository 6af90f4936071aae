import { evaluateProject, type EvaluateOptions, type ProjectEvaluation } from './evaluate';
import type { HistoryBuild } from './travistorrent';

/**
 * A window inside a project's TRAINING part: evaluate on the prefix that ends at `end` (a share
 * of the training part), holding out its last `test` share. Windows let a configuration be judged
 * on several train/test cuts without ever reading the real test part, so the judgement does not
 * hang on one cut (one cut's per-project wins flip on differences of a few thousandths).
 */
export interface TrainingWindow {
  end: number;
  test: number;
}

/** Held-out slices [0.5, 0.7), [0.6, 0.8), [0.7, 1) and [0.8, 1) of the training part. */
export const TRAINING_WINDOWS: readonly TrainingWindow[] = [
  { end: 0.7, test: 0.2 / 0.7 },
  { end: 0.8, test: 0.2 / 0.8 },
  { end: 1, test: 0.3 },
  { end: 1, test: 0.2 },
];

export interface WindowEvaluation extends ProjectEvaluation {
  window: TrainingWindow;
}

/**
 * The evaluation protocol of `evaluateProject`, applied to windows of the training part only:
 * the builds after the first (1 - testFraction) are never read.
 */
export function evaluateTrainingWindows(
  project: string,
  builds: readonly HistoryBuild[],
  options: EvaluateOptions & { windows?: readonly TrainingWindow[] } = {},
): WindowEvaluation[] {
  const trainingPart = builds.slice(0, Math.floor(builds.length * (1 - (options.testFraction ?? 0.3)) + 1e-9));
  return (options.windows ?? TRAINING_WINDOWS).map((window) => {
    const prefix = trainingPart.slice(0, Math.floor(trainingPart.length * window.end + 1e-9));
    return { ...evaluateProject(project, prefix, { ...options, testFraction: window.test }), window };
  });
}

/** Wins (model F1 above the baseline's) per window and overall. */
export function summarizeWindows(results: readonly WindowEvaluation[][]): { perWindow: { window: TrainingWindow; wins: number; projects: number; meanGain: number }[]; wins: number; cells: number } {
  const windows = results[0]?.map((r) => r.window) ?? [];
  const perWindow = windows.map((window, w) => {
    const cells = results.map((project) => project[w]!);
    const gain = cells.reduce((s, c) => s + (c.f1Failed - c.baseline.f1Failed), 0);
    return { window, wins: cells.filter((c) => c.beatsBaseline).length, projects: cells.length, meanGain: Math.round((gain / Math.max(1, cells.length)) * 10000) / 10000 };
  });
  return { perWindow, wins: perWindow.reduce((s, w) => s + w.wins, 0), cells: perWindow.reduce((s, w) => s + w.projects, 0) };
}
