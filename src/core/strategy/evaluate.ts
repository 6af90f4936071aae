import { computeHistoryFeatures, historyFeatureVector, HISTORY_FEATURE_NAMES } from './history-features';
import { DEFAULT_FOREST_OPTIONS, predictFailure, trainForest, type ForestOptions } from './forest';
import { bestThreshold, bestThresholdPair, figures, type ClassFigures } from './metrics';
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

export interface EvaluateOptions {
  testFraction?: number;
  /** Share of the training part used to fit the model that picks the threshold (the rest picks it). */
  innerFitFraction?: number;
  /** Walk-forward folds over the rest of the training part that pick the threshold together. */
  innerFolds?: number;
  pair?: boolean;
  forest?: Partial<ForestOptions>;
  /** Feature columns left out (by name). */
  exclude?: readonly string[];
}

/**
 * Feature columns left out by default: `priorCount` only grows with time, so on a temporal split
 * every test row lies beyond the training range and a tree split on it encodes "later than X".
 */
export const DEFAULT_EXCLUDED_FEATURES: readonly string[] = ['priorCount'];

export interface BuildMatrix {
  x: number[][];
  y: number[];
  /** The baseline's prediction per row: the previous build failed. */
  prevFailed: number[];
  names: string[];
}

/** Feature matrix for builds of ONE project, in time order: numeric columns + history features. */
export function buildMatrix(builds: readonly HistoryBuild[], exclude: readonly string[] = DEFAULT_EXCLUDED_FEATURES): BuildMatrix {
  const numericNames: string[] = [];
  const seen = new Set<string>();
  for (const b of builds) for (const k of Object.keys(b.numeric)) if (!seen.has(k)) (seen.add(k), numericNames.push(k));
  for (let i = 1; i < builds.length; i++) if (builds[i]!.startedAt < builds[i - 1]!.startedAt) throw new RangeError('buildMatrix: builds are not in time order');
  const history = computeHistoryFeatures(
    builds.map((b) => ({ ts: b.startedAt, failed: b.failed, group: b.isPr ? 'pr' : (b.branch ?? 'push'), size: b.linesChanged })),
  );
  const allNames = [...numericNames, ...HISTORY_FEATURE_NAMES];
  const keep = allNames.map((name) => !exclude.includes(name));
  const x = builds.map((b, i) => [...numericNames.map((k) => b.numeric[k] ?? 0), ...historyFeatureVector(history[i]!)].filter((_, c) => keep[c]));
  return {
    x,
    y: builds.map((b) => (b.failed ? 1 : 0)),
    prevFailed: history.map((h) => (h.prevFailed === 1 ? 1 : 0)),
    names: allNames.filter((_, c) => keep[c]),
  };
}

/**
 * Temporal evaluation of one project: train on the earlier (1 - testFraction) of the builds,
 * test on the later ones. The threshold is chosen on an inner temporal split of the training
 * part (first `innerFitFraction` fit, the rest of the training part picks the threshold); the
 * test part is never looked at until the figures are computed. The baseline predicts "the next
 * build ends like the previous one", scored on the same test rows.
 */
export function evaluateProject(project: string, builds: readonly HistoryBuild[], options: EvaluateOptions = {}): ProjectEvaluation {
  const testFraction = options.testFraction ?? 0.3;
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be between 0 and 1 (got ${testFraction})`);
  const { x, y, prevFailed } = buildMatrix(builds, options.exclude ?? DEFAULT_EXCLUDED_FEATURES);
  const nTrain = Math.floor(x.length * (1 - testFraction));
  if (nTrain < 20 || x.length - nTrain < 5) throw new RangeError(`${project}: too few builds to evaluate (${x.length}; needs 20 to train and 5 to test)`);
  const forest = { ...DEFAULT_FOREST_OPTIONS, ...options.forest };
  const fitFraction = options.innerFitFraction ?? 0.75;
  const folds = options.innerFolds ?? 1;
  let threshold: number;
  let pair: { afterFailure: number; afterSuccess: number } | undefined;
  if (options.pair) {
    const v = validationScores(x.slice(0, nTrain), y.slice(0, nTrain), forest, fitFraction, folds);
    pair = v.labels.length ? bestThresholdPair(v.labels, v.scores, prevFailed.slice(v.from, v.from + v.labels.length)) : { afterFailure: 0, afterSuccess: 1.01 };
    threshold = pair.afterFailure;
  } else threshold = chooseThreshold(x.slice(0, nTrain), y.slice(0, nTrain), forest, fitFraction, folds);
  const started = performance.now();
  const nModel = (options as { refit?: boolean }).refit === false ? Math.floor(nTrain * fitFraction) : nTrain;
  const model = trainForest(x.slice(0, nModel), y.slice(0, nModel), forest);
  const trainMs = Math.round(performance.now() - started);
  const testY = y.slice(nTrain);
  const scores = predictFailure(model, x.slice(nTrain));
  const basePred = prevFailed.slice(nTrain);
  const decide = (s: number, i: number) => (pair ? (s >= (basePred[i] === 1 ? pair.afterFailure : pair.afterSuccess) ? 1 : 0) : s >= threshold ? 1 : 0);
  const result = figures(testY, scores.map(decide), scores);
  const baseline = figures(testY, basePred, basePred);
  return { project, rows: x.length, train: nTrain, test: testY.length, threshold, trainMs, ...result, baseline, beatsBaseline: result.f1Failed > baseline.f1Failed };
}

/**
 * The decision threshold, from TRAINING rows only: fit on the earlier `fitFraction` of them,
 * pick the threshold that maximizes failed-class F1 on the later rest.
 */
export function validationScores(trainX: number[][], trainY: number[], forest: ForestOptions, fitFraction: number, folds = 1): { from: number; labels: number[]; scores: number[] } {
  const labels: number[] = [];
  const scores: number[] = [];
  // Folds walk forward: fold k fits on everything before its validation slice.
  const valStart = Math.floor(trainX.length * fitFraction);
  const step = (trainX.length - valStart) / folds;
  for (let k = 0; k < folds; k++) {
    const from = Math.floor(valStart + k * step);
    const to = Math.floor(valStart + (k + 1) * step);
    const fitY = trainY.slice(0, from);
    if (from < 2 || to <= from || fitY.every((v) => v === fitY[0])) continue;
    const inner = trainForest(trainX.slice(0, from), fitY, forest);
    labels.push(...trainY.slice(from, to));
    scores.push(...predictFailure(inner, trainX.slice(from, to)));
  }
  return { from: valStart, labels, scores };
}

export function chooseThreshold(trainX: number[][], trainY: number[], forest: ForestOptions, fitFraction: number, folds = 1): number {
  const { labels, scores } = validationScores(trainX, trainY, forest, fitFraction, folds);
  return labels.length ? bestThreshold(labels, scores) : 0.5;
}
