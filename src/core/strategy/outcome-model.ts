import { calibratedFailure, DEFAULT_FOREST_OPTIONS, loadForest, serializeForest, trainForest, type ForestOptions, type TrainedForest } from './forest';
import { figures, type ClassFigures } from './metrics';

/** Rows for the outcome model, in time order (oldest first). y: 1 = failed. */
export interface TrainingSet {
  x: number[][];
  y: number[];
  featureNames: readonly string[];
  deploymentRows: number;
  historyRows: number;
}

/**
 * How well the model did on a temporal holdout of its own training data: fit on the earlier 80%,
 * score the later 20% (never seen while fitting), P(failed) ≥ 0.5 counted as "predicted failed".
 * The baseline is "ends like the previous one" (the prevFailed feature).
 */
export type ModelEvaluation =
  | (ClassFigures & { method: 'temporal-holdout'; train: number; test: number; threshold: number; baseline: ClassFigures })
  | { method: 'none'; reason: string };

export interface TrainedOutcomeModel {
  serialized: string;
  featureNames: readonly string[];
  trainingSize: number;
  deploymentRows: number;
  historyRows: number;
  evaluation: ModelEvaluation;
  /** Fitting the final model (the evaluation fit is extra). */
  trainMs: number;
  evaluationMs: number;
}

export const HOLDOUT_FRACTION = 0.2;

export function trainOutcomeModel(set: TrainingSet, forest: Partial<ForestOptions> = {}): TrainedOutcomeModel {
  if (set.x.length < 2) throw new RangeError(`trainOutcomeModel: ${set.x.length} rows, at least two are needed`);
  const options = { ...DEFAULT_FOREST_OPTIONS, ...forest, maxSamples: Math.max(set.x.length, 2) };
  const evalStarted = performance.now();
  const evaluation = evaluateHoldout(set, options);
  const evaluationMs = Math.round(performance.now() - evalStarted);
  const started = performance.now();
  const model = trainForest(set.x, set.y, options);
  const trainMs = Math.round(performance.now() - started);
  return {
    serialized: serializeForest(model),
    featureNames: set.featureNames,
    trainingSize: set.x.length,
    deploymentRows: set.deploymentRows,
    historyRows: set.historyRows,
    evaluation,
    trainMs,
    evaluationMs,
  };
}

function evaluateHoldout(set: TrainingSet, options: ForestOptions): ModelEvaluation {
  const n = set.x.length;
  const nTrain = Math.floor(n * (1 - HOLDOUT_FRACTION));
  if (nTrain < 10 || n - nTrain < 5) return { method: 'none', reason: `${n} rows are too few for a temporal holdout (needs 10 to fit and 5 to test)` };
  const trainY = set.y.slice(0, nTrain);
  if (trainY.every((v) => v === trainY[0])) return { method: 'none', reason: 'the earlier rows all have the same outcome' };
  const fitted = trainForest(set.x.slice(0, nTrain), trainY, options);
  const testX = set.x.slice(nTrain);
  const testY = set.y.slice(nTrain);
  // The figures describe what decisions see: calibrated probabilities, cut at 0.5.
  const scores = calibratedFailure(fitted, testX);
  const threshold = 0.5;
  const prevIndex = set.featureNames.indexOf('prevFailed');
  const base = testX.map((row) => (prevIndex >= 0 && row[prevIndex] === 1 ? 1 : 0));
  return {
    method: 'temporal-holdout',
    train: nTrain,
    test: testX.length,
    threshold,
    ...figures(testY, scores.map((s) => (s >= threshold ? 1 : 0)), scores),
    baseline: figures(testY, base, base),
  };
}

/** A stored model, ready to predict. */
export interface LoadedOutcomeModel {
  version: number;
  trainingSize: number;
  featureNames: readonly string[];
  forest: TrainedForest;
}

export function loadOutcomeModel(meta: { version: number; trainingSize: number; featureNames: readonly string[] }, serialized: string): LoadedOutcomeModel {
  return { ...meta, forest: loadForest(serialized) };
}

/** P(success) per row, calibrated to the real failure share (the trees learn on balanced samples). */
export function predictSuccess(model: LoadedOutcomeModel, x: number[][]): number[] {
  return calibratedFailure(model.forest, x).map((p) => Math.round((1 - p) * 1000) / 1000);
}
