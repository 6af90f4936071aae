import { RandomForestClassifier } from 'ml-random-forest';

/**
 * The outcome model: a random forest built from ml-random-forest 2.1.0 trees, configured for
 * speed (measured in bench/strategy-model.bench.ts; the reasons are in docs/strategy.md).
 *
 * What the library does and why it is driven this way:
 * - Its CART split search (ml-cart TreeNode.featureSplit) proposes a cut at every LABEL CHANGE
 *   along the sorted feature and re-splits all rows for each one, so a node costs
 *   ~(label changes × rows) per feature — quadratic in the rows. Two things keep it small:
 *   every tree is trained on its own random sample of `sampleSize` rows (drawn by us; the
 *   library's `maxSamples` takes the FIRST rows and its bagging draws full size), and the
 *   rows are handed over grouped by label over quantile-binned features, so its (stable) sort
 *   yields at most about two label changes per distinct bin value instead of one per row.
 * - Its `predictProbability` miscounts the first tree's vote, so votes are counted here from
 *   `predictionValues`.
 * - Each tree sees a balanced sample (as many failed as succeeded builds, when `balanced`),
 *   so on rare failures the trees still vote 1 where failures concentrate; P(failed) is then
 *   a score whose decision threshold is chosen on training data (see evaluate.ts).
 */
export interface ForestOptions {
  /** Trees in the forest. */
  nEstimators: number;
  /** Only the most recent `maxSamples` rows are eligible for training (history drifts). */
  maxSamples: number;
  /** Rows drawn (without replacement where possible) for each tree. */
  sampleSize: number;
  /** Draw as many failed as succeeded rows per tree. */
  balanced: boolean;
  /** Quantile bins per feature. */
  bins: number;
  maxDepth: number;
  /**
   * Share of the features each tree sees (0 < share ≤ 1). The library samples features per TREE,
   * not per split, so below 1 many trees never see the previous outcome; 1 measured best.
   */
  maxFeatures: number;
  /** A node with this many rows or fewer becomes a leaf. */
  minNumSamples: number;
  /** Minimum Gini gain for a split (the library's default 0.01 stops too early on rare failures). */
  gainThreshold: number;
  seed: number;
}

export const DEFAULT_FOREST_OPTIONS: ForestOptions = {
  nEstimators: 60,
  maxSamples: 10_000,
  sampleSize: 300,
  balanced: true,
  bins: 16,
  maxDepth: 6,
  maxFeatures: 1,
  minNumSamples: 5,
  gainThreshold: 0.0005,
  seed: 42,
};

export interface TrainedForest {
  /** One library forest of one tree per sample (each tree needs its own rows). */
  trees: RandomForestClassifier[];
  /** Per feature: ascending bin edges (a value's bin is the number of edges ≤ it). */
  edges: number[][];
  options: ForestOptions;
  featureCount: number;
  /** Rows the model was trained on (after the recency window). */
  trainingRows: number;
  /** Share of failed rows in that window, and in each tree's sample (0.5 when balanced): `calibratedFailure` corrects for the difference. */
  failureRate?: number;
  sampleFailureRate?: number;
}

/** Trains on `x` (rows × features) with labels `y` (1 = failed, 0 = succeeded), rows in time order. */
export function trainForest(x: number[][], y: number[], options: Partial<ForestOptions> = {}): TrainedForest {
  const o = { ...DEFAULT_FOREST_OPTIONS, ...options };
  if (x.length < 2 || x.length !== y.length) throw new RangeError('trainForest: at least two rows, one label per row');
  const featureCount = x[0]!.length;
  const start = Math.max(0, x.length - o.maxSamples);
  const rows = x.slice(start);
  const labels = y.slice(start);
  const edges = binEdges(rows, o.bins);
  const binned = rows.map((row) => binRow(row, edges));
  const failed: number[] = [];
  const passed: number[] = [];
  labels.forEach((label, i) => (label === 1 ? failed : passed).push(i));
  const random = mulberry32(o.seed);
  const trees: RandomForestClassifier[] = [];
  const features = Math.min(featureCount, Math.max(1, Math.round(featureCount * o.maxFeatures)));
  for (let t = 0; t < o.nEstimators; t++) {
    const sample = drawSample(failed, passed, o.sampleSize, o.balanced, random);
    // Grouped by label (succeeded first): see the class comment for why the order matters.
    const tx = sample.map((i) => binned[i]!);
    const ty = sample.map((i) => labels[i]!);
    const tree = new RandomForestClassifier({
      nEstimators: 1,
      // An integer count, except 1, which the library would read as the share 100 %.
      maxFeatures: features === 1 && featureCount > 1 ? 1.5 / featureCount : features,
      replacement: false,
      seed: Math.floor(random() * 2 ** 31),
      useSampleBagging: false,
      noOOB: true,
      treeOptions: { maxDepth: o.maxDepth, minNumSamples: o.minNumSamples, gainThreshold: o.gainThreshold },
      isClassifier: true,
    });
    tree.train(tx, ty);
    trees.push(tree);
  }
  const failureRate = failed.length / labels.length;
  const sampleFailureRate = !failed.length || !passed.length ? failureRate : o.balanced ? 0.5 : failureRate;
  return { trees, edges, options: o, featureCount, trainingRows: rows.length, failureRate, sampleFailureRate };
}

/**
 * P(failed) as a probability: the trees learnt on samples with `sampleFailureRate` failures
 * (half, when balanced), so their vote share overstates rare failures. The prior correction for
 * undersampling (Dal Pozzolo et al., "Calibrating Probability with Undersampling", 2015) scales
 * the odds by (π / (1 − π)) / (β / (1 − β)), π the real failure share, β the sample's. The
 * evaluation's thresholds work on the raw vote share; decisions that compare with a bar use this.
 */
export function calibratedFailure(model: TrainedForest, x: number[][]): number[] {
  const raw = predictFailure(model, x);
  const pi = model.failureRate;
  const beta = model.sampleFailureRate;
  if (pi === undefined || beta === undefined || pi === beta || pi <= 0 || pi >= 1 || beta <= 0 || beta >= 1) return raw;
  const factor = (pi / (1 - pi)) / (beta / (1 - beta));
  return raw.map((p) => (p >= 1 ? 1 : p <= 0 ? 0 : (p * factor) / (p * factor + (1 - p))));
}

/** P(failed) per row: the share of trees that vote 1. */
export function predictFailure(model: TrainedForest, x: number[][]): number[] {
  if (!x.length) return [];
  const binned = x.map((row) => binRow(row, model.edges));
  const votes = new Array<number>(x.length).fill(0);
  for (const tree of model.trees) {
    const values = tree.predictionValues(binned) as unknown as { rows: number; columns: number; get(r: number, c: number): number };
    for (let r = 0; r < values.rows; r++) for (let c = 0; c < values.columns; c++) if (values.get(r, c) === 1) votes[r]!++;
  }
  return votes.map((v) => v / model.trees.length);
}

export function serializeForest(model: TrainedForest): string {
  return JSON.stringify({
    format: 'deploy-agent-forest/2',
    trees: model.trees.map((t) => t.toJSON()),
    edges: model.edges,
    options: model.options,
    featureCount: model.featureCount,
    trainingRows: model.trainingRows,
    failureRate: model.failureRate,
    sampleFailureRate: model.sampleFailureRate,
  });
}

export function loadForest(json: string): TrainedForest {
  const parsed = JSON.parse(json) as { format?: string; trees: unknown[]; edges: number[][]; options: ForestOptions; featureCount: number; trainingRows: number; failureRate?: number; sampleFailureRate?: number };
  if (parsed.format !== 'deploy-agent-forest/2' || !Array.isArray(parsed.trees)) throw new RangeError('loadForest: not a serialized deploy-agent forest (format 2)');
  return {
    trees: parsed.trees.map((t) => RandomForestClassifier.load(t as Parameters<typeof RandomForestClassifier.load>[0])),
    edges: parsed.edges,
    options: parsed.options,
    featureCount: parsed.featureCount,
    trainingRows: parsed.trainingRows,
    ...(parsed.failureRate !== undefined ? { failureRate: parsed.failureRate } : {}),
    ...(parsed.sampleFailureRate !== undefined ? { sampleFailureRate: parsed.sampleFailureRate } : {}),
  };
}

/**
 * Row indices for one tree, succeeded rows first then failed rows. Balanced: half from each
 * class (with replacement only when a class has fewer rows than its half).
 */
function drawSample(failed: readonly number[], passed: readonly number[], size: number, balanced: boolean, random: () => number): number[] {
  const total = failed.length + passed.length;
  let nFailed: number;
  if (!failed.length || !passed.length) nFailed = failed.length ? Math.min(size, total) : 0;
  else if (balanced) nFailed = Math.round(Math.min(size, total) / 2);
  else nFailed = Math.round((Math.min(size, total) * failed.length) / total);
  const nPassed = Math.min(size, total) - nFailed;
  return [...pick(passed, nPassed, random), ...pick(failed, nFailed, random)];
}

function pick(pool: readonly number[], n: number, random: () => number): number[] {
  if (n <= 0 || !pool.length) return [];
  if (n >= pool.length) {
    // Everything once, the rest with replacement.
    const out = [...pool];
    while (out.length < n) out.push(pool[Math.floor(random() * pool.length)]!);
    return out;
  }
  // Partial Fisher–Yates on a copy: n distinct rows.
  const copy = [...pool];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n).sort((a, b) => a - b);
}

/** A small seeded PRNG (mulberry32): the same seed gives the same forest. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
