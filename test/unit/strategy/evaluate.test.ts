import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DeployAgentError } from '../../../src/core/errors';
import {
  buildMatrix, chooseThresholds, decide, DEFAULT_EXCLUDED_FEATURES, DEFAULT_VALIDATION, evaluateProject, readEvaluationProjects, summarize, type ProjectEvaluation,
} from '../../../src/core/strategy/evaluate';
import { DEFAULT_FOREST_OPTIONS, mulberry32, predictFailure, trainForest } from '../../../src/core/strategy/forest';
import { figures } from '../../../src/core/strategy/metrics';
import { streakyBuilds } from '../../support/streaky-builds';
import { tempDir } from '../../support/temp';

const FAST = { forest: { nEstimators: 10, sampleSize: 80 } };

const builds = streakyBuilds;

describe('temporal evaluation of the outcome model', () => {
  it('splits in time: the later testFraction is the test part', () => {
    const r = evaluateProject('demo', builds(200, 1), { ...FAST, testFraction: 0.3 });
    assert.equal(r.rows, 200);
    assert.equal(r.train, 140);
    assert.equal(r.test, 60);
  });

  /**
   * The leak guard. What evaluateProject must compute, rebuilt here from the TRAINING rows only:
   * thresholds chosen on them, the forest fitted on them, then the test rows scored and decided.
   * A leak of test rows into either changes the forest or the thresholds, and so the figures.
   */
  function fromTrainingRowsOnly(list: ReturnType<typeof builds>) {
    const { x, y, prevFailed } = buildMatrix(list);
    const nTrain = Math.floor(x.length * 0.7 + 1e-9);
    const forest = { ...DEFAULT_FOREST_OPTIONS, ...FAST.forest };
    const thresholds = chooseThresholds(x.slice(0, nTrain), y.slice(0, nTrain), prevFailed.slice(0, nTrain), forest, DEFAULT_VALIDATION);
    const scores = predictFailure(trainForest(x.slice(0, nTrain), y.slice(0, nTrain), forest), x.slice(nTrain));
    return { nTrain, thresholds, figures: figures(y.slice(nTrain), decide(scores, prevFailed.slice(nTrain), thresholds), scores) };
  }
  const flipTestLabels = (list: ReturnType<typeof builds>, nTrain: number) => list.map((b, i) => (i >= nTrain ? { ...b, failed: !b.failed } : b));
  const figuresOf = (r: ProjectEvaluation) => ({ precisionFailed: r.precisionFailed, recallFailed: r.recallFailed, f1Failed: r.f1Failed, auc: r.auc });

  for (const seed of [2, 8, 11]) {
    it(`the forest and the thresholds see only the training rows (seed ${seed}): the result is what the training rows alone give, also with every test label flipped`, () => {
      const original = builds(300, seed);
      const expected = fromTrainingRowsOnly(original);
      const a = evaluateProject('demo', original, FAST);
      assert.equal(a.train, expected.nTrain);
      assert.deepEqual(a.thresholds, expected.thresholds);
      assert.deepEqual(figuresOf(a), expected.figures);

      // Every test label flipped: the training rows are the same (history features look only
      // backwards), so the thresholds must be too, and the figures those of the training rows alone.
      const flipped = flipTestLabels(original, a.train);
      const b = evaluateProject('demo', flipped, FAST);
      const expectedFlipped = fromTrainingRowsOnly(flipped);
      assert.deepEqual(b.thresholds, a.thresholds, 'the thresholds moved with the test labels');
      assert.deepEqual(figuresOf(b), expectedFlipped.figures);
      assert.notEqual(b.f1Failed, a.f1Failed, 'the figures are computed on the test labels');
    });
  }

  it('the check above can see a leak: a forest fitted on the test rows too, or thresholds chosen on them, give other figures', () => {
    // What the two leaks would compute, on the data of the tests above: each differs from the honest result.
    for (const seed of [2, 8, 11]) {
      const list = builds(300, seed);
      const honest = fromTrainingRowsOnly(list);
      const { x, y, prevFailed } = buildMatrix(list);
      const n = honest.nTrain;
      const forest = { ...DEFAULT_FOREST_OPTIONS, ...FAST.forest };
      const leakyScores = predictFailure(trainForest(x, y, forest), x.slice(n));
      const leakyForest = figures(y.slice(n), decide(leakyScores, prevFailed.slice(n), honest.thresholds), leakyScores);
      assert.notDeepEqual(leakyForest, honest.figures, `seed ${seed}: a forest that saw the test rows`);
      const leakyThresholds = chooseThresholds(x, y, prevFailed, forest, DEFAULT_VALIDATION);
      assert.notDeepEqual(leakyThresholds, honest.thresholds, `seed ${seed}: thresholds chosen on every row`);
    }
  });

  it('a training label does reach the thresholds (the check above is not vacuous)', () => {
    const original = builds(300, 3);
    const results = new Set<string>();
    for (const seed of [4, 5, 6]) {
      // Relabel the training part differently each time.
      const random = mulberry32(seed);
      const relabeled = original.map((b, i) => (i < 210 ? { ...b, failed: random() < 0.5 } : b));
      results.add(JSON.stringify(evaluateProject('demo', relabeled, FAST).thresholds));
    }
    results.add(JSON.stringify(evaluateProject('demo', original, FAST).thresholds));
    assert.ok(results.size > 1, 'different training labels should lead to different thresholds');
  });

  it('the baseline is "ends like the previous build", scored on the same test rows', () => {
    const list = builds(200, 7);
    const r = evaluateProject('demo', list, FAST);
    const test = list.slice(r.train);
    const actual = test.map((b) => (b.failed ? 1 : 0));
    const previous = test.map((_, i) => (list[r.train + i - 1]!.failed ? 1 : 0));
    assert.deepEqual(r.baseline, figures(actual, previous, previous));
    assert.equal(r.beatsBaseline, r.f1Failed > r.baseline.f1Failed);
  });

  it('refuses too few builds and a test fraction outside (0, 1)', () => {
    assert.throws(() => evaluateProject('tiny', builds(20, 1), FAST), /too few builds/);
    assert.throws(() => evaluateProject('demo', builds(100, 1), { ...FAST, testFraction: 1 }), /testFraction/);
  });

  it('feature matrix: project-state columns and priorCount left out by default; builds must be in time order', () => {
    const m = buildMatrix(builds(30, 1));
    for (const name of DEFAULT_EXCLUDED_FEATURES) assert.equal(m.names.includes(name), false, name);
    assert.ok(m.names.includes('git_diff_src_churn') && m.names.includes('prevFailed'));
    assert.equal(m.x[0]!.length, m.names.length);
    const all = buildMatrix(builds(30, 1), []);
    assert.ok(all.names.includes('gh_sloc') && all.names.includes('priorCount'));
    const shuffled = builds(30, 1).reverse();
    assert.throws(() => buildMatrix(shuffled), /time order/);
  });

  it('summary counts the projects that beat the baseline', () => {
    const r = (f1: number, base: number, auc: number | null) => ({ f1Failed: f1, auc, baseline: { f1Failed: base, auc: 0.5 }, beatsBaseline: f1 > base }) as ProjectEvaluation;
    assert.deepEqual(summarize([r(0.5, 0.4, 0.7), r(0.3, 0.4, null), r(0.4, 0.4, 0.6)]), {
      projects: 3, beatsBaseline: 1, meanF1Failed: 0.4, meanBaselineF1Failed: 0.4, meanAuc: 0.65, meanBaselineAuc: 0.5,
    });
  });

  describe('reading the projects to evaluate', () => {
    let dir: ReturnType<typeof tempDir>;
    beforeEach(() => (dir = tempDir()));
    afterEach(() => dir.cleanup());
    const csv = (file: string, rows: number) => {
      const lines = ['build_Failed,git_diff_src_churn,tr_build_id,gh_build_started_at'];
      for (let i = 0; i < rows; i++) lines.push(`${i % 3 === 0 ? 1 : 0},${i},${i},2015-01-0${1 + (i % 9)}T10:00:00`);
      writeFileSync(file, lines.join('\n'));
    };

    it('a folder: one project per CSV, by file name; --project keeps one; unknown names list the known ones', () => {
      const folder = path.join(dir.path, 'data');
      mkdirSync(folder);
      csv(path.join(folder, 'alpha.csv'), 12);
      csv(path.join(folder, 'beta.csv'), 5);
      writeFileSync(path.join(folder, 'notes.txt'), 'not a csv');
      const all = readEvaluationProjects(folder);
      assert.deepEqual(all.map((p) => [p.project, p.builds.length]), [['alpha', 12], ['beta', 5]]);
      assert.ok(all[0]!.builds.every((b, i, list) => i === 0 || list[i - 1]!.startedAt <= b.startedAt));
      assert.deepEqual(readEvaluationProjects(folder, 'beta').map((p) => p.project), ['beta']);
      assert.throws(() => readEvaluationProjects(folder, 'gamma'), (e: unknown) => e instanceof DeployAgentError && e.code === 'EVALUATION_PROJECT_UNKNOWN' && /alpha, beta/.test(e.hint));
    });

    it('a single file, a missing path, an empty folder', () => {
      const file = path.join(dir.path, 'one.csv');
      csv(file, 7);
      assert.deepEqual(readEvaluationProjects(file).map((p) => p.project), ['one']);
      assert.throws(() => readEvaluationProjects(path.join(dir.path, 'nope')), (e: unknown) => e instanceof DeployAgentError && e.code === 'EVALUATION_DATA_MISSING');
      const empty = path.join(dir.path, 'empty');
      mkdirSync(empty);
      assert.throws(() => readEvaluationProjects(empty), (e: unknown) => e instanceof DeployAgentError && e.code === 'EVALUATION_DATA_MISSING');
    });
  });
});
