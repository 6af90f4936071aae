import path from 'node:path';
import { coverageFromIstanbulSummary } from '../parsers/coverage';
import { parseJestJson } from '../parsers/jest-json';
import { nodeCommand, resolvePackageBin } from '../tools';
import type { AdapterContext, CommandPlan, FrameworkAdapter } from './adapter';
import { display, readReport, toolMissing } from './common';

/**
 * jest with `--json --outputFile` (its human report still goes to stderr), `--ci` so snapshots
 * are not written, no watchman, `--runTestsByPath` for chosen files, `--maxWorkers` from the
 * strategy, and coverage as istanbul's json-summary into a private folder.
 */
export const jest: FrameworkAdapter = {
  id: 'jest',
  async plan(ctx: AdapterContext): Promise<CommandPlan> {
    const bin = resolvePackageBin(ctx.projectDir, 'jest');
    if (!bin) throw toolMissing('jest', 'jest is not installed in the project', 'Add jest to the devDependencies and install them (`npm install`), then deploy again.');
    const node = nodeCommand(ctx.env);
    const report = path.join(ctx.scratch, 'jest.json');
    const covDir = path.join(ctx.scratch, 'coverage');
    const common = ['--ci', '--watchman=false', `--maxWorkers=${ctx.workers}`];
    const coverage = ctx.coverage ? ['--coverage', '--coverageReporters=json-summary', `--coverageDirectory=${covDir}`] : [];
    const files = ctx.files.length ? ['--runTestsByPath', ...ctx.files] : [];
    return {
      command: node.command,
      args: [bin, '--json', `--outputFile=${report}`, ...common, ...coverage, ...files],
      env: node.env,
      display: display(['jest', '--json', ...common, ...(ctx.coverage ? ['--coverage'] : []), ...files]),
      parse: () => {
        const json = readReport(report);
        if (!json) return { counts: { passed: 0, failed: 0, skipped: 0 }, failures: [], noReport: true };
        const results = parseJestJson(json, ctx.projectDir);
        const summary = ctx.coverage ? readReport(path.join(covDir, 'coverage-summary.json')) : undefined;
        const cov = summary ? coverageFromIstanbulSummary(summary) : undefined;
        return { ...results, ...(cov !== undefined ? { coverage: cov } : {}), ...(ctx.coverage && cov === undefined ? { coverageNote: 'jest wrote no coverage summary' } : {}) };
      },
    };
  },
};
