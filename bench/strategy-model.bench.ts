// The outcome model on real CI history (../shared/data/ci-builds/dl-cibuild, DL-CIBuild):
// - training the forest on 10,000 real builds (rails, the project's first 10,000 builds with
//   the evaluation's features), median of 3 runs; target < 5 s;
// - one prediction (one row, every tree asked), median of 500; target < 1 ms;
// - `deploy-agent model evaluate` over all ten projects: one line per project (F1 and AUC,
//   model vs "ends like the previous one") and one summary line with the total time.
// Run alone: npx tsx bench/strategy-model.bench.ts   (or: node bench/run.mjs strategy-model)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildMatrix, evaluateProject, readEvaluationProjects, summarize, type ProjectEvaluation } from '../src/core/strategy/evaluate';
import { DEFAULT_FOREST_OPTIONS, predictFailure, trainForest } from '../src/core/strategy/forest';
import { readTravisTorrentCsv } from '../src/core/strategy/travistorrent';
import { CI_BUILDS } from './support';

const DATA = CI_BUILDS;
const TRAIN_ROWS = 10_000;
const TRAIN_RUNS = 3;
const PREDICT_RUNS = 500;
const TRAIN_TARGET_MS = 5000;
const PREDICT_TARGET_MS = 1;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

if (!existsSync(DATA)) {
  for (const name of ['strategy.model.train10k', 'strategy.model.predict1', 'strategy.model.evaluate']) {
    console.log(JSON.stringify({ name, skipped: true, reason: `${DATA} is missing` }));
  }
} else {
  const { x, y } = buildMatrix(readTravisTorrentCsv(path.join(DATA, 'rails.csv')));
  const trainX = x.slice(0, TRAIN_ROWS);
  const trainY = y.slice(0, TRAIN_ROWS);
  const trainMs: number[] = [];
  let model = trainForest(trainX, trainY);
  for (let run = 0; run < TRAIN_RUNS; run++) {
    const started = performance.now();
    model = trainForest(trainX, trainY);
    trainMs.push(performance.now() - started);
  }
  const trainMedian = median(trainMs);
  console.log(
    JSON.stringify({
      name: 'strategy.model.train10k',
      timed: 'training the forest on 10,000 real builds (rails)',
      minMs: Math.round(Math.min(...trainMs)),
      maxMs: Math.round(Math.max(...trainMs)),
      rows: trainX.length,
      features: trainX[0]!.length,
      trees: DEFAULT_FOREST_OPTIONS.nEstimators,
      rowsPerTree: DEFAULT_FOREST_OPTIONS.sampleSize,
      medianMs: Math.round(trainMedian),
      runs: TRAIN_RUNS,
      targetMs: TRAIN_TARGET_MS,
      pass: trainMedian < TRAIN_TARGET_MS,
    }),
  );

  const probes = x.slice(TRAIN_ROWS, TRAIN_ROWS + PREDICT_RUNS);
  predictFailure(model, probes.slice(0, 20)); // warm-up
  const predictMs = probes.map((row) => {
    const started = performance.now();
    predictFailure(model, [row]);
    return performance.now() - started;
  });
  const predictMedian = median(predictMs);
  console.log(
    JSON.stringify({
      name: 'strategy.model.predict1',
      timed: 'one prediction (one row, every tree asked)',
      minMs: Math.round(Math.min(...predictMs) * 1000) / 1000,
      maxMs: Math.round(Math.max(...predictMs) * 1000) / 1000,
      trees: model.trees.length,
      medianMs: Math.round(predictMedian * 1000) / 1000,
      p95Ms: Math.round([...predictMs].sort((a, b) => a - b)[Math.floor(predictMs.length * 0.95)]! * 1000) / 1000,
      runs: predictMs.length,
      targetMs: PREDICT_TARGET_MS,
      pass: predictMedian < PREDICT_TARGET_MS,
    }),
  );

  // The same work as `deploy-agent model evaluate --json` with its defaults.
  const started = performance.now();
  const results: ProjectEvaluation[] = [];
  for (const p of readEvaluationProjects(DATA)) {
    const r = evaluateProject(p.project, p.builds, { testFraction: 0.3 });
    results.push(r);
    console.log(
      JSON.stringify({
        name: `strategy.model.evaluate.${r.project}`,
        rows: r.rows,
        test: r.test,
        f1Model: r.f1Failed,
        f1Baseline: r.baseline.f1Failed,
        aucModel: r.auc,
        aucBaseline: r.baseline.auc,
        beatsBaseline: r.beatsBaseline,
      }),
    );
  }
  const summary = summarize(results);
  console.log(
    JSON.stringify({
      name: 'strategy.model.evaluate',
      timed: '`deploy-agent model evaluate` over the ten projects (training and scoring each)',
      runs: 1,
      projects: summary.projects,
      beatsBaseline: summary.beatsBaseline,
      meanF1Model: summary.meanF1Failed,
      meanF1Baseline: summary.meanBaselineF1Failed,
      meanAucModel: summary.meanAuc,
      meanAucBaseline: summary.meanBaselineAuc,
      ms: Math.round(performance.now() - started),
      targets: [{ figure: 'projects where the model beats the baseline (F1)', value: summary.beatsBaseline, op: '>=', limit: 8, unit: '', met: summary.beatsBaseline >= 8 }],
      pass: summary.beatsBaseline >= 8,
    }),
  );
}
