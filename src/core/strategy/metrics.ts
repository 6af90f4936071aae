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

/** The threshold on P(failed) that maximizes the failed-class F1 on the given (training-side) rows. */
export function bestThreshold(actualFailed: readonly number[], scores: readonly number[]): number {
  let best = 0.5;
  let bestF1 = -1;
  for (let t = 0.05; t <= 0.951; t += 0.025) {
    const predicted = scores.map((s) => (s >= t ? 1 : 0));
    const f = figures(actualFailed, predicted).f1Failed;
    if (f > bestF1) {
      bestF1 = f;
      best = t;
    }
  }
  return Math.round(best * 1000) / 1000;
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}
