import { computeHistoryFeatures, historyFeatureVector, HISTORY_FEATURE_NAMES } from './history-features';
import { DEFAULT_FOREST_OPTIONS, predictFailure, trainForest, type ForestOptions } from './forest';
import { bestThreshold, figures, type ClassFigures } from './metrics';
import type { HistoryBuild } from './travistorrent';

export interface ProjectEvaluation extends ClassFigures {
  project: string;
  rows: number;
  train: number;
  test: number;
  /** Decision threshold on P(failed), chosen on the training part only. */
  threshold: number;
  trainMs: number;
  baseline: ClassFigures;
  beatsBaseline: boolean;
}

/** Feature matrix for builds of ONE project, in time order: numeric columns + history features. */
export function buildMatrix(builds: readonly HistoryBuild[]): { x: number[][]; y: number[]; prevFailed: number[]; names: string[] } {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const b of builds) for (const k of Object.keys(b.numeric)) if (!seen.has(k)) (seen.add(k), names.push(k));
  const history = computeHistoryFeatures(builds.map((b) => ({ ts: b.startedAt, failed: b.failed, group: b.isPr ? 'pr' : (b.branch ?? 'push') })));
  const x = builds.map((b, i) => [...names.map((k) => b.numeric[k] ?? 0), ...historyFeatureVector(history[i]!)]);
  return { x, y: builds.map((b) => (b.failed ? 1 : 0)), prevFailed: history.map((h) => (h.prevFailed === 1 ? 1 : 0)), names: [...names, ...HISTORY_FEATURE_NAMES] };
}

/**
 * Temporal evaluation of one project: train on the earlier (1 - testFraction) of the builds,
 * test on the later ones. The threshold is chosen on an inner temporal split of the training
 * part (first 75 % fit, last 25 % pick the threshold); the test part is never looked at until
 * the figures are computed. The baseline predicts "the next build ends like the previous one".
 */
export function evaluateProject(project: string, builds: readonly HistoryBuild[], options: { testFraction?: number; forest?: Partial<ForestOptions> } = {}): ProjectEvaluation {
  const testFraction = options.testFraction ?? 0.3;
  const { x, y, prevFailed } = buildMatrix(builds);
  const nTrain = Math.floor(x.length * (1 - testFraction));
  if (nTrain < 20 || x.length - nTrain < 5) throw new RangeError(`${project}: too few builds to evaluate (${x.length})`);
  const forest = { ...DEFAULT_FOREST_OPTIONS, ...options.forest };
  const nFit = Math.floor(nTrain * 0.75);
  const inner = trainForest(x.slice(0, nFit), y.slice(0, nFit), forest);
  const threshold = bestThreshold(y.slice(nFit, nTrain), predictFailure(inner, x.slice(nFit, nTrain)));
  const started = performance.now();
  const model = trainForest(x.slice(0, nTrain), y.slice(0, nTrain), forest);
  const trainMs = Math.round(performance.now() - started);
  const testX = x.slice(nTrain);
  const testY = y.slice(nTrain);
  const scores = predictFailure(model, testX);
  const result = figures(testY, scores.map((s) => (s >= threshold ? 1 : 0)), scores);
  const basePred = prevFailed.slice(nTrain);
  const baseline = figures(testY, basePred, basePred);
  return { project, rows: x.length, train: nTrain, test: testX.length, threshold, trainMs, ...result, baseline, beatsBaseline: result.f1Failed > baseline.f1Failed };
}
