/**
 * How robust is the outcome model's win over "ends like the previous one"? Runs the evaluation
 * protocol on four windows of each project's TRAINING part (the real test part is never read)
 * and prints wins per window. Options are for trying a configuration before it is adopted:
 *
 *   npx tsx scripts/model-windows.ts [--data DIR] [--forest '{"maxDepth":4}'] [--validation '{"start":0.5,"folds":3}'] [--json]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readEvaluationProjects } from '../src/core/strategy/evaluate';
import { evaluateTrainingWindows, summarizeWindows } from '../src/core/strategy/training-windows';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'ci-builds', 'dl-cibuild') },
    forest: { type: 'string', default: '{}' },
    validation: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const validation = values.validation ? (JSON.parse(values.validation) as { start: number; folds: number }) : undefined;
const options = {
  forest: JSON.parse(values.forest) as object,
  ...(validation ? { validationStart: validation.start, validationFolds: validation.folds } : {}),
};
const started = performance.now();
const results = readEvaluationProjects(values.data).map((p) => {
  const windows = evaluateTrainingWindows(p.project, p.builds, options);
  if (!values.json) process.stderr.write(`${p.project.padEnd(22)} ${windows.map((w) => `${(w.f1Failed - w.baseline.f1Failed >= 0 ? '+' : '')}${(w.f1Failed - w.baseline.f1Failed).toFixed(3)}`).join('  ')}\n`);
  return windows;
});
const summary = summarizeWindows(results);
if (values.json) console.log(JSON.stringify({ options, ...summary, elapsedMs: Math.round(performance.now() - started) }));
else {
  for (const w of summary.perWindow) console.log(`window ending at ${w.window.end} of the training part, last ${(w.window.test * 100).toFixed(1)} % held out: ${w.wins}/${w.projects} wins, mean F1 gain ${w.meanGain}`);
  console.log(`total: ${summary.wins}/${summary.cells} project-windows won (${Math.round(performance.now() - started) / 1000} s)`);
}
