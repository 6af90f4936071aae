import path from 'node:path';
import { coverageFromIstanbulSummary } from '../parsers/coverage';
import { parseJestJson } from '../parsers/jest-json';
import { findPackageDir, nodeCommand, packageVersion, resolvePackageBin } from '../tools';
import type { AdapterContext, CommandPlan, FrameworkAdapter } from './adapter';
import { display, readReport, toolMissing } from './common';

/**
 * `vitest run` with two reporters: the default one for people, `json` (jest's shape) into a
 * file. No results cache (it would be written into node_modules, which may be the user's, linked).
 * Coverage through @vitest/coverage-v8 or -istanbul when the project has one.
 */
export const vitest: FrameworkAdapter = {
  id: 'vitest',
  async plan(ctx: AdapterContext): Promise<CommandPlan> {
    const bin = resolvePackageBin(ctx.projectDir, 'vitest');
    if (!bin) throw toolMissing('vitest', 'vitest is not installed in the project', 'Add vitest to the devDependencies and install them (`npm install`), then deploy again.');
    const node = nodeCommand(ctx.env);
    const report = path.join(ctx.scratch, 'vitest.json');
    const covDir = path.join(ctx.scratch, 'coverage');
    const major = Number((packageVersion(ctx.projectDir, 'vitest') ?? '3').split('.')[0]);
    const workers = [`--maxWorkers=${ctx.workers}`, ...(major < 4 ? ['--minWorkers=1'] : [])];
    let coverage: string[] = [];
    let coverageNote: string | undefined;
    if (ctx.coverage) {
      const provider = findPackageDir(ctx.projectDir, '@vitest/coverage-v8') ? 'v8' : findPackageDir(ctx.projectDir, '@vitest/coverage-istanbul') ? 'istanbul' : undefined;
      if (provider) coverage = ['--coverage.enabled=true', `--coverage.provider=${provider}`, '--coverage.reporter=json-summary', '--coverage.reportOnFailure=true', `--coverage.reportsDirectory=${covDir}`];
      else coverageNote = 'the project has neither @vitest/coverage-v8 nor @vitest/coverage-istanbul';
    }
    return {
      command: node.command,
      args: [bin, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, '--no-cache', ...workers, ...coverage, ...ctx.files],
      env: node.env,
      display: display(['vitest', 'run', '--reporter=json', ...workers, ...(coverage.length ? ['--coverage'] : []), ...ctx.files]),
      ...(coverageNote ? { coverageNote } : {}),
      parse: () => {
        const json = readReport(report);
        if (!json) return { counts: { passed: 0, failed: 0, skipped: 0 }, failures: [], noReport: true };
        const results = parseJestJson(json, ctx.projectDir);
        const summary = coverage.length ? readReport(path.join(covDir, 'coverage-summary.json')) : undefined;
        const cov = summary ? coverageFromIstanbulSummary(summary) : undefined;
        return { ...results, ...(cov !== undefined ? { coverage: cov } : {}), ...(coverage.length && cov === undefined ? { coverageNote: 'vitest wrote no coverage summary' } : {}) };
      },
    };
  },
};
