import assert from 'node:assert/strict';
import { evaluateTrainingWindows, summarizeWindows, TRAINING_WINDOWS } from '../../../src/core/strategy/training-windows';
import { streakyBuilds } from '../../support/streaky-builds';

const FAST = { forest: { nEstimators: 10, sampleSize: 80 } };
/** Everything but the timing. */
const strip = (ws: ReturnType<typeof evaluateTrainingWindows>) => ws.map(({ trainMs: _ms, ...w }) => w);

describe('evaluation windows inside the training part', function () {
  // Each test trains 8 forests (4 windows, twice): 2–5 s on a quiet machine, 13–18 s on a loaded one; the time is not what is tested.
  this.timeout(120_000);
  it('holds out the slices [0.5, 0.7), [0.6, 0.8), [0.7, 1) and [0.8, 1) of the training part', () => {
    const windows = evaluateTrainingWindows('demo', streakyBuilds(1000, 1), FAST);
    // Training part: the first 700 builds.
    assert.deepEqual(windows.map((w) => [w.train, w.rows]), [[350, 490], [420, 560], [490, 700], [560, 700]]);
  });

  it('never reads the real test part: flipping every label after the training part changes nothing', () => {
    const original = streakyBuilds(600, 2);
    const flipped = original.map((b, i) => (i >= 420 ? { ...b, failed: !b.failed } : b));
    assert.deepEqual(strip(evaluateTrainingWindows('demo', flipped, FAST)), strip(evaluateTrainingWindows('demo', original, FAST)));
  });

  it('…while a label inside the training part does change the figures (the check above can fail)', () => {
    const original = streakyBuilds(600, 2);
    const flipped = original.map((b, i) => (i >= 300 && i < 420 ? { ...b, failed: !b.failed } : b));
    assert.notDeepEqual(strip(evaluateTrainingWindows('demo', flipped, FAST)), strip(evaluateTrainingWindows('demo', original, FAST)));
  });

  it('counts wins per window and overall', () => {
    const projects = [streakyBuilds(500, 3), streakyBuilds(500, 4)].map((b) => evaluateTrainingWindows('demo', b, FAST));
    const summary = summarizeWindows(projects);
    assert.equal(summary.cells, 2 * TRAINING_WINDOWS.length);
    const expected = projects.flat().filter((w) => w.f1Failed > w.baseline.f1Failed).length;
    assert.equal(summary.wins, expected);
    assert.equal(summary.perWindow.reduce((s, w) => s + w.wins, 0), expected);
  });
});
