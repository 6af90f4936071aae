import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DeployAgentError } from '../errors';
import { computeHistoryFeatures, historyFeatureVector, HISTORY_FEATURE_NAMES } from './history-features';
import { DEFAULT_FOREST_OPTIONS, predictFailure, trainForest, type ForestOptions } from './forest';
import { bestThresholdPair, figures, type ClassFigures } from './metrics';
import { readTravisTorrentCsv, type HistoryBuild } from './travistorrent';

export interface DecisionThresholds {
  /** P(failed) at or above which a build after a failed build is predicted to fail. */
  afterFailure: number;
  /** The same after a successful build (1.01: never). */
  afterSuccess: number;
}

export interface ProjectEvaluation extends ClassFigures {
  project: string;
  rows: number;
  train: number;
  test: number;
  /** Chosen on the training part only (walk-forward validation inside it). */
  thresholds: DecisionThresholds;
  trainMs: number;
  baseline: ClassFigures;
  beatsBaseline: boolean;
}

export interface EvaluateOptions {
  testFraction?: number;
  /** Where, as a share of the training part, the validation that picks the thresholds starts. */
  validationStart?: number;
  /** Walk-forward folds over the validation rows; each fits on every training row before it. */
  validationFolds?: number;
  forest?: Partial<ForestOptions>;
  /** Feature columns left out (by name). */
  exclude?: readonly string[];
}

/**
 * Feature columns left out by default. `priorCount` only grows with time, and the TravisTorrent
 * project-state columns (source lines, team size, test density) mostly say WHEN a build ran,
 * not what it changed: on a temporal split every test row lies beyond their training range, so
 * a split on them encodes "later than X". Measured on the training parts only (docs/strategy.md).
 */
export const DEFAULT_EXCLUDED_FEATURES: readonly string[] = [
  'priorCount', 'gh_sloc', 'gh_team_size', 'gh_test_lines_per_kloc', 'gh_test_cases_per_kloc', 'gh_asserts_cases_per_kloc',
];

export const DEFAULT_VALIDATION = { start: 0.5, folds: 3 } as const;

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
  for (const b of builds) {
    for (const k of Object.keys(b.numeric)) {
      if (seen.has(k)) continue;
      seen.add(k);
      numericNames.push(k);
    }
  }
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
 * test on the later ones. The decision thresholds are chosen on the training part only
 * (`chooseThresholds`); the test labels are read only to compute the figures. The baseline
 * predicts "the next build ends like the previous one", scored on the same test rows.
 */
export function evaluateProject(project: string, builds: readonly HistoryBuild[], options: EvaluateOptions = {}): ProjectEvaluation {
  const testFraction = options.testFraction ?? 0.3;
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be between 0 and 1 (got ${testFraction})`);
  const { x, y, prevFailed } = buildMatrix(builds, options.exclude ?? DEFAULT_EXCLUDED_FEATURES);
  // The epsilon keeps a float product such as 489.99999999999994 from losing a whole row.
  const nTrain = Math.floor(x.length * (1 - testFraction) + 1e-9);
  if (nTrain < 20 || x.length - nTrain < 5) throw new RangeError(`${project}: too few builds to evaluate (${x.length}; needs 20 to train and 5 to test)`);
  const forest = { ...DEFAULT_FOREST_OPTIONS, ...options.forest };
  const trainX = x.slice(0, nTrain);
  const trainY = y.slice(0, nTrain);
  const thresholds = chooseThresholds(trainX, trainY, prevFailed.slice(0, nTrain), forest, {
    start: options.validationStart ?? DEFAULT_VALIDATION.start,
    folds: options.validationFolds ?? DEFAULT_VALIDATION.folds,
  });
  const started = performance.now();
  const model = trainForest(trainX, trainY, forest);
  const trainMs = Math.round(performance.now() - started);
  const testY = y.slice(nTrain);
  const scores = predictFailure(model, x.slice(nTrain));
  const basePred = prevFailed.slice(nTrain);
  const predicted = decide(scores, basePred, thresholds);
  const result = figures(testY, predicted, scores);
  const baseline = figures(testY, basePred, basePred);
  return { project, rows: x.length, train: nTrain, test: testY.length, thresholds, trainMs, ...result, baseline, beatsBaseline: result.f1Failed > baseline.f1Failed };
}

/** Predicted failed (1) per row: P(failed) against the threshold for what the previous build did. */
export function decide(scores: readonly number[], prevFailed: readonly number[], t: DecisionThresholds): number[] {
  return scores.map((s, i) => (s >= (prevFailed[i] === 1 ? t.afterFailure : t.afterSuccess) ? 1 : 0));
}

/**
 * Walk-forward validation scores from TRAINING rows only: the rows from `start` (a share of
 * them) on are cut into `folds` consecutive slices; each slice is scored by a forest fitted on
 * every row before it. Returns the scored row indices with their scores.
 */
export function validationScores(trainX: number[][], trainY: number[], forest: ForestOptions, v: { start: number; folds: number }): { index: number[]; scores: number[] } {
  const index: number[] = [];
  const scores: number[] = [];
  const first = Math.floor(trainX.length * v.start);
  const step = (trainX.length - first) / v.folds;
  for (let k = 0; k < v.folds; k++) {
    const from = Math.floor(first + k * step);
    const to = Math.floor(first + (k + 1) * step);
    const fitY = trainY.slice(0, from);
    if (from < 2 || to <= from || fitY.every((label) => label === fitY[0])) continue; // nothing to learn from yet
    const inner = trainForest(trainX.slice(0, from), fitY, forest);
    for (let i = from; i < to; i++) index.push(i);
    scores.push(...predictFailure(inner, trainX.slice(from, to)));
  }
  return { index, scores };
}

/**
 * The decision thresholds, chosen on training rows only: the pair that maximizes failed-class
 * F1 over the walk-forward validation scores. Without validation rows: "like the previous one".
 */
export function chooseThresholds(trainX: number[][], trainY: number[], trainPrevFailed: readonly number[], forest: ForestOptions, v: { start: number; folds: number }): DecisionThresholds {
  const { index, scores } = validationScores(trainX, trainY, forest, v);
  if (!index.length) return { afterFailure: 0, afterSuccess: 1.01 };
  const best = bestThresholdPair(index.map((i) => trainY[i]!), scores, index.map((i) => trainPrevFailed[i]!));
  return { afterFailure: best.afterFailure, afterSuccess: best.afterSuccess };
}

export interface EvaluationProject {
  project: string;
  file: string;
  builds: HistoryBuild[];
}

/**
 * The projects to evaluate from `dataPath`: a TravisTorrent CSV (one project, or several in a
 * full TravisTorrent file) or a folder of them (every *.csv). `project` keeps one project.
 */
export function readEvaluationProjects(dataPath: string, project?: string): EvaluationProject[] {
  let files: string[];
  let stat;
  try {
    stat = statSync(dataPath);
  } catch (error) {
    throw new DeployAgentError('EVALUATION_DATA_MISSING', `${dataPath} does not exist.`, 'Give --data a TravisTorrent CSV or a folder of them.', { cause: error });
  }
  if (stat.isDirectory()) {
    files = readdirSync(dataPath).filter((f) => f.toLowerCase().endsWith('.csv')).sort().map((f) => path.join(dataPath, f));
    if (!files.length) throw new DeployAgentError('EVALUATION_DATA_MISSING', `${dataPath} holds no .csv file.`, 'Give --data a TravisTorrent CSV or a folder of them.');
    // A folder of one-project files: pick the file by name before reading everything.
    if (project) {
      const named = files.filter((f) => path.basename(f, path.extname(f)) === project);
      if (named.length) files = named;
    }
  } else files = [dataPath];
  const byProject = new Map<string, EvaluationProject>();
  for (const file of files) {
    // Read without `project`: the reader would otherwise NAME a one-project file after it.
    for (const build of readTravisTorrentCsv(file)) {
      let entry = byProject.get(build.project);
      if (!entry) byProject.set(build.project, (entry = { project: build.project, file, builds: [] }));
      entry.builds.push(build);
    }
  }
  const projects = [...byProject.values()].filter((p) => !project || p.project === project);
  if (!projects.length) {
    throw new DeployAgentError(
      'EVALUATION_PROJECT_UNKNOWN',
      project ? `No builds of project ${project} in ${dataPath}.` : `No builds in ${dataPath}.`,
      project ? `Known projects: ${[...byProject.keys()].join(', ') || 'none'}.` : 'Give a TravisTorrent CSV with build rows.',
    );
  }
  // readTravisTorrentCsv returns each file's builds in time order; merging files keeps that per project.
  for (const p of projects) if (files.length > 1) p.builds.sort((a, b) => a.startedAt - b.startedAt);
  return projects.sort((a, b) => a.project.localeCompare(b.project));
}

export interface EvaluationSummary {
  projects: number;
  beatsBaseline: number;
  meanF1Failed: number;
  meanBaselineF1Failed: number;
  meanAuc: number | null;
  meanBaselineAuc: number | null;
}

export function summarize(results: readonly ProjectEvaluation[]): EvaluationSummary {
  const mean = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length ? Math.round((known.reduce((s, v) => s + v, 0) / known.length) * 10000) / 10000 : null;
  };
  return {
    projects: results.length,
    beatsBaseline: results.filter((r) => r.beatsBaseline).length,
    meanF1Failed: mean(results.map((r) => r.f1Failed)) ?? 0,
    meanBaselineF1Failed: mean(results.map((r) => r.baseline.f1Failed)) ?? 0,
    meanAuc: mean(results.map((r) => r.auc)),
    meanBaselineAuc: mean(results.map((r) => r.baseline.auc)),
  };
}
