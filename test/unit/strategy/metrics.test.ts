import assert from 'node:assert/strict';
import { bestThreshold, bestThresholdPair, figures, rocAuc } from '../../../src/core/strategy/metrics';

describe('evaluation metrics (failed class)', () => {
  it('precision, recall and F1 of the failed class, by hand', () => {
    // actual:    1 1 1 0 0 0 1 0
    // predicted: 1 0 1 1 0 0 0 0  → tp 2, fp 1, fn 2
    const f = figures([1, 1, 1, 0, 0, 0, 1, 0], [1, 0, 1, 1, 0, 0, 0, 0]);
    assert.equal(f.precisionFailed, 0.6667); // 2/3
    assert.equal(f.recallFailed, 0.5); // 2/4
    assert.equal(f.f1Failed, 0.5714); // 2·tp / (2·tp + fp + fn) = 4/7
    assert.equal(f.auc, null); // no scores given
  });

  it('nothing predicted failed: precision, recall and F1 are 0, not NaN', () => {
    assert.deepEqual(figures([1, 0, 1], [0, 0, 0]), { precisionFailed: 0, recallFailed: 0, f1Failed: 0, auc: null });
  });

  it('AUC counts a tie between a failed and a succeeded row as one half', () => {
    // failed scores {0.8, 0.3}, succeeded {0.8, 0.1}: pairs 0.8~0.8 → ½, 0.8>0.1 → 1, 0.3<0.8 → 0, 0.3>0.1 → 1
    assert.equal(rocAuc([1, 0, 1, 0], [0.8, 0.8, 0.3, 0.1]), 0.625);
    // A binary predictor (the baseline): AUC = (TPR + TNR) / 2 = (2/3 + 1/2) / 2
    assert.equal(rocAuc([1, 1, 1, 0, 0], [1, 1, 0, 1, 0]), 0.5833);
    assert.equal(rocAuc([1, 0], [0.9, 0.1]), 1);
    assert.equal(rocAuc([1, 0], [0.1, 0.9]), 0);
    assert.equal(rocAuc([1, 1, 0, 0], [0.5, 0.5, 0.5, 0.5]), 0.5);
  });

  it('AUC is null when one class is absent', () => {
    assert.equal(rocAuc([0, 0, 0], [0.1, 0.5, 0.9]), null);
    assert.equal(rocAuc([1, 1], [0.1, 0.5]), null);
  });

  it('bestThreshold picks the F1-best cut on the rows it is given', () => {
    // Failed rows score 0.6–0.9, succeeded 0.1–0.4 except one at 0.7.
    const t = bestThreshold([1, 1, 1, 0, 0, 0, 0], [0.6, 0.8, 0.9, 0.1, 0.2, 0.4, 0.7]);
    assert.ok(t > 0.4 && t <= 0.6, `threshold ${t}`);
  });

  it('bestThresholdPair: uninformative scores reproduce "like the previous one"; informative scores improve on it', () => {
    const actual = [1, 1, 0, 0, 0, 1, 0, 0];
    const after = [1, 1, 1, 0, 0, 0, 0, 0]; // previous build failed?
    const flat = bestThresholdPair(actual, actual.map(() => 0.5), after);
    const asBaseline = figures(actual, after).f1Failed;
    assert.equal(flat.f1, asBaseline);
    // Scores that separate the after-failure rows (row 2 passed) and flag row 5.
    const scores = [0.9, 0.8, 0.2, 0.1, 0.1, 0.7, 0.2, 0.1];
    const pair = bestThresholdPair(actual, scores, after);
    assert.equal(pair.f1, 1);
    assert.ok(pair.afterFailure > 0.2 && pair.afterFailure <= 0.8);
    assert.ok(pair.afterSuccess > 0.2 && pair.afterSuccess <= 0.7);
  });
});
