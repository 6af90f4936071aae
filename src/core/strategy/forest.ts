import { RandomForestClassifier } from 'ml-random-forest';

/**
 * The outcome model: ml-random-forest 2.1.0, configured for speed. Its own
 * `predictProbability` miscounts the first tree's vote, so the votes are counted here from
 * `predictionValues`. Its split search grows with (distinct values × rows) per feature, so the
 * features are first binned into at most `bins` quantile bins (edges kept with the model), and
 * the forest is trained on the most recent `maxSamples` rows (the library's own `maxSamples`
 * takes the FIRST rows, which for time-ordered history are the oldest, so it is not used).
 */
export interface ForestOptions {
  nEstimators: number;
  maxSamples: number;
  bins: number;
  maxDepth: number;
  /** Share of the features each tree sees. */
  maxFeatures: number;
  minNumSamples: number;
  seed: number;
}

export const DEFAULT_FOREST_OPTIONS: ForestOptions = {
  nEstimators: 40,
  maxSamples: 3000,
  bins: 24,
  maxDepth: 8,
  maxFeatures: 0.6,
  minNumSamples: 5,
  seed: 42,
};

export interface TrainedForest {
  forest: RandomForestClassifier;
  /** Per feature: ascending bin edges (a value's bin is the number of edges ≤ it). */
  edges: number[][];
  options: ForestOptions;
  featureCount: number;
}

/** Trains on `x` (rows × features) with labels `y` (1 = failed, 0 = succeeded). */
export function trainForest(x: number[][], y: number[], options: Partial<ForestOptions> = {}): TrainedForest {
  const o = { ...DEFAULT_FOREST_OPTIONS, ...options };
  if (x.length < 2) throw new RangeError('trainForest: at least two rows are needed');
  const featureCount = x[0]!.length;
  const start = Math.max(0, x.length - o.maxSamples);
  const rows = x.slice(start);
  const labels = y.slice(start);
  const edges = binEdges(rows, o.bins);
  const binned = rows.map((row) => binRow(row, edges));
  const forest = new RandomForestClassifier({
    nEstimators: o.nEstimators,
    maxFeatures: Math.max(1, Math.round(featureCount * o.maxFeatures)),
    replacement: false,
    seed: o.seed,
    useSampleBagging: true,
    noOOB: true,
    treeOptions: { maxDepth: o.maxDepth, minNumSamples: o.minNumSamples },
    isClassifier: true,
  });
  forest.train(binned, labels);
  return { forest, edges, options: o, featureCount };
}

/** P(failed) per row: the share of trees that vote 1. */
export function predictFailure(model: TrainedForest, x: number[][]): number[] {
  const values = model.forest.predictionValues(x.map((row) => binRow(row, model.edges))) as unknown as { rows: number; columns: number; get(r: number, c: number): number };
  const out = new Array<number>(values.rows);
  for (let r = 0; r < values.rows; r++) {
    let votes = 0;
    for (let c = 0; c < values.columns; c++) if (values.get(r, c) === 1) votes++;
    out[r] = votes / values.columns;
  }
  return out;
}

export function serializeForest(model: TrainedForest): string {
  return JSON.stringify({ forest: model.forest.toJSON(), edges: model.edges, options: model.options, featureCount: model.featureCount });
}

export function loadForest(json: string): TrainedForest {
  const parsed = JSON.parse(json) as { forest: unknown; edges: number[][]; options: ForestOptions; featureCount: number };
  return { forest: RandomForestClassifier.load(parsed.forest as Parameters<typeof RandomForestClassifier.load>[0]), edges: parsed.edges, options: parsed.options, featureCount: parsed.featureCount };
}

/** Quantile bin edges per feature (distinct, ascending). */
export function binEdges(x: readonly number[][], bins: number): number[][] {
  const features = x[0]?.length ?? 0;
  const edges: number[][] = [];
  for (let f = 0; f < features; f++) {
    const values = x.map((row) => row[f]!).sort((a, b) => a - b);
    const cut: number[] = [];
    for (let b = 1; b < bins; b++) {
      const v = values[Math.floor((b * values.length) / bins)]!;
      if (v !== undefined && (cut.length === 0 || v > cut[cut.length - 1]!) && v > values[0]!) cut.push(v);
    }
    edges.push(cut);
  }
  return edges;
}

export function binRow(row: readonly number[], edges: readonly number[][]): number[] {
  const out = new Array<number>(row.length);
  for (let f = 0; f < row.length; f++) {
    const e = edges[f]!;
    const v = row[f]!;
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    out[f] = lo;
  }
  return out;
}
