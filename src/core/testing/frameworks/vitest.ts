import path from 'node:path';
import { findPackageDir, nodeCommand, packageVersion } from '../tools';
import type { AdapterContext, CommandPlan, FrameworkAdapter } from './adapter';
import { display, parseJestShapedRun, projectBin } from './common';

/**
 * `vitest run` with two reporters: the default one for people, `json` (jest's shape) into a
 * file. No results cache (it would be written into node_modules, which may be the user's, linked).
 * Coverage through @vitest/coverage-v8 or -istanbul when the project has one.
 */
export const vitest: FrameworkAdapter = {
  id: 'vitest',
  async plan(ctx: AdapterContext): Promise<CommandPlan> {
    const bin = projectBin('vitest', ctx.projectDir);
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
      parse: () => parseJestShapedRun({ tool: 'vitest', report, projectDir: ctx.projectDir, ...(coverage.length ? { coverageDir: covDir } : {}) }),
    };
  },
};
