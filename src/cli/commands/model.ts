import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CliContext } from '../context';
import { printJson } from '../output';

interface EvaluateOptions {
  project?: string;
  data?: string;
  testFraction: string;
  json?: boolean;
}

/** Where the DL-CIBuild data set lives beside a checkout of this project (../shared/data/ci-builds). */
const BESIDE_REPO = path.join('..', 'shared', 'data', 'ci-builds', 'dl-cibuild');

/**
 * The default --data: the ci-builds folder beside the repository, looked for relative to the
 * repository the running CLI was built in (dist/cli/cli.mjs → ../..) and to the current folder.
 */
export function defaultEvaluationData(cwd: string, script: string | undefined = process.argv[1]): string | undefined {
  const roots = [script ? path.resolve(path.dirname(script), '..', '..') : undefined, cwd];
  for (const root of roots) {
    if (!root) continue;
    const candidate = path.resolve(root, BESIDE_REPO);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function registerModel(program: Command, ctx: CliContext): void {
  const model = program.command('model').description('The outcome model that predicts whether a deployment (or CI build) fails');

  model
    .command('evaluate')
    .description(
      'Honest temporal evaluation on past CI builds: per project, train on the earlier builds, test on the later ones, against "ends like the previous build"',
    )
    .option('--project <name>', 'evaluate one project (default: every project in the data)')
    .option('--data <path>', 'a TravisTorrent CSV or a folder of them (default: ../shared/data/ci-builds/dl-cibuild beside the repository, when present)')
    .option('--test-fraction <share>', 'the later share of each project\'s builds held out for testing', '0.3')
    .option('--json', 'print one JSON object')
    .action(async (options: EvaluateOptions) => {
      const [{ DeployAgentError }, { evaluateProject, readEvaluationProjects, summarize, DEFAULT_EXCLUDED_FEATURES }, { DEFAULT_FOREST_OPTIONS }] = await Promise.all([
        import('../../core/errors'),
        import('../../core/strategy/evaluate'),
        import('../../core/strategy/forest'),
      ]);
      const testFraction = Number(options.testFraction);
      if (!(testFraction > 0 && testFraction < 1)) {
        throw new DeployAgentError('USAGE', `--test-fraction ${options.testFraction} is not a share between 0 and 1.`, 'Give a number such as 0.3 (the later 30 % of the builds are the test part).');
      }
      const data = options.data ? path.resolve(ctx.cwd, options.data) : defaultEvaluationData(ctx.cwd);
      if (!data) {
        throw new DeployAgentError(
          'EVALUATION_DATA_MISSING',
          'No CI build history to evaluate on: --data is not given and ../shared/data/ci-builds/dl-cibuild is not beside the repository.',
          'Give --data with a TravisTorrent CSV (DL-CIBuild layout with build_Failed, or full TravisTorrent) or a folder of them.',
        );
      }
      const started = performance.now();
      const projects = readEvaluationProjects(data, options.project);
      const results = [];
      for (const p of projects) {
        try {
          results.push(evaluateProject(p.project, p.builds, { testFraction }));
        } catch (error) {
          if (error instanceof RangeError) {
            throw new DeployAgentError('EVALUATION_TOO_FEW_BUILDS', error.message, 'Evaluate a project with more builds, or lower --test-fraction.', { cause: error });
          }
          throw error;
        }
        if (!options.json) process.stderr.write(`evaluated ${p.project}\n`);
      }
      const summary = summarize(results);
      const elapsedMs = Math.round(performance.now() - started);
      if (options.json) {
        return printJson({
          data,
          testFraction,
          model: { forest: DEFAULT_FOREST_OPTIONS, excludedFeatures: DEFAULT_EXCLUDED_FEATURES },
          projects: results.map(({ project, rows, train, test, precisionFailed, recallFailed, f1Failed, auc, thresholds, trainMs, baseline, beatsBaseline }) => ({
            project, rows, train, test, precisionFailed, recallFailed, f1Failed, auc, thresholds, trainMs, baseline, beatsBaseline,
          })),
          summary,
          elapsedMs,
        });
      }
      process.stdout.write(formatTable(results, summary, { data, testFraction, elapsedMs }) + '\n');
    });
}

type Result = Awaited<ReturnType<typeof import('../../core/strategy/evaluate').evaluateProject>>;
type Summary = ReturnType<typeof import('../../core/strategy/evaluate').summarize>;

export function formatTable(results: readonly Result[], summary: Summary, meta: { data: string; testFraction: number; elapsedMs: number }): string {
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
  const header = ['project', 'rows', 'test', 'F1 model', 'F1 baseline', 'AUC model', 'AUC baseline', 'beats'];
  const rows = results.map((r) => [r.project, String(r.rows), String(r.test), f(r.f1Failed), f(r.baseline.f1Failed), f(r.auc), f(r.baseline.auc), r.beatsBaseline ? 'yes' : 'no']);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [
    `Temporal split per project: the later ${Math.round(meta.testFraction * 100)} % of the builds are the test part; failed-class F1 and AUC on it.`,
    `Baseline: the next build ends like the previous one. Data: ${meta.data}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `Model beats the baseline in ${summary.beatsBaseline} of ${summary.projects} projects; mean F1 ${f(summary.meanF1Failed)} vs ${f(summary.meanBaselineF1Failed)}, mean AUC ${f(summary.meanAuc)} vs ${f(summary.meanBaselineAuc)} (${(meta.elapsedMs / 1000).toFixed(1)} s).`,
  ].join('\n');
}
