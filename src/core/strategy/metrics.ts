/** Classification figures for the failed class. */
export interface ClassFigures {
  precisionFailed: number;
  recallFailed: number;
  f1Failed: number;
  auc: number | null;
}

export function figures(actualFailed: readonly number[], predictedFailed: readonly number[], scores?: readonly number[]): ClassFigures {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < actualFailed.length; i++) {
    const a = actualFailed[i] === 1;
    const p = predictedFailed[i] === 1;
    if (a && p) tp++;
    else if (!a && p) fp++;
    else if (a && !p) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precisionFailed: round(precision), recallFailed: round(recall), f1Failed: round(f1), auc: scores ? rocAuc(actualFailed, scores) : null };
}

/** ROC AUC by ranks (Mann–Whitney U), ties get their mean rank. Null when one class is absent. */
export function rocAuc(actualFailed: readonly number[], scores: readonly number[]): number | null {
  const n = scores.length;
  const order = [...Array(n).keys()].sort((a, b) => scores[a]! - scores[b]!);
  const ranks = new Array<number>(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const mean = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = mean;
    i = j + 1;
  }
  let pos = 0;
  let sumPos = 0;
  for (let k = 0; k < n; k++) {
    if (actualFailed[k] === 1) {
      pos++;
      sumPos += ranks[k]!;
    }
  }
  const neg = n - pos;
  if (!pos || !neg) return null;
  return round((sumPos - (pos * (pos + 1)) / 2) / (pos * neg));
}

/** The single threshold on P(failed) (from THRESHOLD_GRID) that maximizes the failed-class F1 on the given (training-side) rows. */
export function bestThreshold(actualFailed: readonly number[], scores: readonly number[]): number {
  let best = 0.5;
  let bestF1 = -1;
  for (const t of THRESHOLD_GRID) {
    const f = figures(actualFailed, scores.map((s) => (s >= t ? 1 : 0))).f1Failed;
    if (f > bestF1) {
      bestF1 = f;
      best = t;
    }
  }
  return best;
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}

/** Candidate thresholds on P(failed): a fine grid, plus 1.01 ("never predict failed"). */
export const THRESHOLD_GRID: readonly number[] = [...Array.from({ length: 101 }, (_, i) => i / 100), 1.01];

/**
 * Two thresholds on P(failed), one for the rows after a failure (`after[i] === 1`) and one for
 * the rows after a success, chosen together to maximize the failed-class F1 on the given
 * (training-side) rows. The pair (0, 1.01) reproduces "ends like the previous one", so the
 * rule can only fit the rows it is chosen on at least as well as that baseline.
 */
export function bestThresholdPair(actualFailed: readonly number[], scores: readonly number[], after: readonly number[]): { afterFailure: number; afterSuccess: number; f1: number } {
  const grid = THRESHOLD_GRID;
  const count = (stratum: number) => {
    const tp = new Array<number>(grid.length).fill(0);
    const fp = new Array<number>(grid.length).fill(0);
    for (let i = 0; i < scores.length; i++) {
      if ((after[i] === 1 ? 1 : 0) !== stratum) continue;
      for (let g = 0; g < grid.length; g++) {
        if (scores[i]! < grid[g]!) break; // grid is ascending: no higher threshold is met either
        if (actualFailed[i] === 1) tp[g]!++;
        else fp[g]!++;
      }
    }
    return { tp, fp };
  };
  const a = count(1);
  const b = count(0);
  const positives = actualFailed.reduce((s, v) => s + (v === 1 ? 1 : 0), 0);
  let best = { afterFailure: 0, afterSuccess: 1.01, f1: -1 };
  for (let i = 0; i < grid.length; i++) {
    for (let j = 0; j < grid.length; j++) {
      const tp = a.tp[i]! + b.tp[j]!;
      const fp = a.fp[i]! + b.fp[j]!;
      const denominator = 2 * tp + fp + (positives - tp);
      const f1 = denominator ? (2 * tp) / denominator : 0;
      if (f1 > best.f1 + 1e-12) best = { afterFailure: grid[i]!, afterSuccess: grid[j]!, f1 };
    }
  }
  return { ...best, f1: round(best.f1) };
}
