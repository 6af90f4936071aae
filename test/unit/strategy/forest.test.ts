import assert from 'node:assert/strict';
import { binEdges, binRow, calibratedFailure, loadForest, mulberry32, predictFailure, serializeForest, trainForest } from '../../../src/core/strategy/forest';

/** Two noisy features; failed exactly when feature 0 is above 5 (feature 1 is noise). */
function separable(n: number, seed: number): { x: number[][]; y: number[] } {
  const random = mulberry32(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = random() * 10;
    x.push([a, random() * 10]);
    y.push(a > 5 ? 1 : 0);
  }
  return { x, y };
}

const SMALL = { nEstimators: 15, sampleSize: 120 };

describe('outcome forest (ml-random-forest, votes counted here)', () => {
  it('learns a separable toy set: failed rows get P(failed) 1, succeeded rows 0', () => {
    const { x, y } = separable(400, 1);
    const model = trainForest(x, y, SMALL);
    const p = predictFailure(model, [[8.5, 3], [9.9, 7], [1, 3], [0.2, 9]]);
    assert.deepEqual(p, [1, 1, 0, 0]);
  });

  it('P(failed) is exactly the share of trees that vote 1 (each tree asked on its own)', () => {
    const random = mulberry32(5);
    // Noisy labels so the trees disagree.
    const x = Array.from({ length: 300 }, () => [random() * 10, random() * 10]);
    const y = x.map(([a]) => (random() < a! / 10 ? 1 : 0));
    const model = trainForest(x, y, { nEstimators: 9, sampleSize: 60, maxDepth: 3 });
    const rows = [[1, 1], [5, 5], [9, 2], [3, 8], [7, 7]];
    const shares = predictFailure(model, rows);
    const binned = rows.map((r) => binRow(r, model.edges));
    rows.forEach((_, r) => {
      const votes = model.trees.filter((t) => t.predict([binned[r]!])[0] === 1).length;
      assert.equal(shares[r], votes / 9);
    });
    assert.ok(shares.some((s) => s > 0 && s < 1), `some rows should split the vote: ${shares.join(', ')}`);
  });

  it('calibrated P(failed) undoes the balanced sampling: on uninformative features it is near the real failure share, not near one half', () => {
    const random = mulberry32(11);
    // 10 % failures, features unrelated to the label.
    const x = Array.from({ length: 2000 }, () => [random() * 10, random() * 10]);
    const y = x.map(() => (random() < 0.1 ? 1 : 0));
    const model = trainForest(x, y, SMALL);
    const probe = Array.from({ length: 400 }, () => [random() * 10, random() * 10]);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const raw = mean(predictFailure(model, probe));
    const calibrated = mean(calibratedFailure(model, probe));
    assert.ok(raw > 0.3, `raw vote share ${raw} (the trees saw half failures)`);
    assert.ok(Math.abs(calibrated - 0.1) < 0.06, `calibrated ${calibrated}`);
    // The order of the rows is kept: calibration is monotone.
    const r = predictFailure(model, probe.slice(0, 50));
    const c = calibratedFailure(model, probe.slice(0, 50));
    for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) if (r[i]! < r[j]!) assert.ok(c[i]! <= c[j]!);
    // Saved and loaded, the correction survives.
    assert.deepEqual(calibratedFailure(loadForest(serializeForest(model)), probe.slice(0, 20)), calibratedFailure(model, probe.slice(0, 20)));
  });

  it('serialize → load gives identical predictions', () => {
    const { x, y } = separable(300, 2);
    const model = trainForest(x, y, SMALL);
    const json = serializeForest(model);
    const loaded = loadForest(json);
    const probe = separable(50, 99).x;
    assert.deepEqual(predictFailure(loaded, probe), predictFailure(model, probe));
    assert.equal(loaded.trees.length, 15);
    assert.throws(() => loadForest(JSON.stringify({ forest: {} })), /not a serialized deploy-agent forest/);
  });

  it('the same seed gives the same forest; another seed may differ', () => {
    const { x, y } = separable(200, 3);
    const a = serializeForest(trainForest(x, y, { ...SMALL, seed: 7 }));
    assert.equal(serializeForest(trainForest(x, y, { ...SMALL, seed: 7 })), a);
    assert.notEqual(serializeForest(trainForest(x, y, { ...SMALL, seed: 8 })), a);
  });

  it('trains only on the most recent maxSamples rows', () => {
    // Old rows say "high feature → failed", recent rows the opposite.
    const { x, y } = separable(400, 4);
    const flipped = y.map((v, i) => (i >= 200 ? 1 - v : v));
    const recent = trainForest(x, flipped, { ...SMALL, maxSamples: 200 });
    assert.equal(recent.trainingRows, 200);
    assert.deepEqual(predictFailure(recent, [[9, 5], [1, 5]]), [0, 1]);
  });

  it('copes with a single class, few rows and one feature', () => {
    const allPassed = trainForest([[1], [2], [3], [4]], [0, 0, 0, 0], SMALL);
    assert.deepEqual(predictFailure(allPassed, [[2.5]]), [0]);
    assert.deepEqual(predictFailure(allPassed, []), []);
    assert.throws(() => trainForest([[1]], [1]), RangeError);
    assert.throws(() => trainForest([[1], [2]], [1]), RangeError);
  });

  it('bins: quantile edges per feature; a value’s bin is the number of edges ≤ it', () => {
    const edges = binEdges([[1], [2], [3], [4], [5], [6], [7], [8]], 4);
    assert.deepEqual(edges, [[3, 5, 7]]);
    assert.deepEqual([0, 3, 4.9, 7, 100].map((v) => binRow([v], edges)[0]), [0, 1, 1, 3, 3]);
    assert.deepEqual(binEdges([[0], [0], [0], [1]], 4), [[1]]); // repeated quantiles collapse into one edge
    assert.deepEqual(binEdges([[2], [2], [2]], 4), [[]]); // a constant feature: one bin
  });
});
