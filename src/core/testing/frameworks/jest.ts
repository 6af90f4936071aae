import path from 'node:path';
import { nodeCommand } from '../tools';
import type { AdapterContext, CommandPlan, FrameworkAdapter } from './adapter';
import { display, parseJestShapedRun, projectBin } from './common';

/**
 * jest with `--json --outputFile` (its human report still goes to stderr), `--ci` so snapshots
 * are not written, no watchman, `--runTestsByPath` for chosen files, `--maxWorkers` from the
 * strategy, and coverage as istanbul's json-summary into a private folder.
 */
export const jest: FrameworkAdapter = {
  id: 'jest',
  async plan(ctx: AdapterContext): Promise<CommandPlan> {
    const bin = projectBin('jest', ctx.projectDir);
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
      parse: () => parseJestShapedRun({ tool: 'jest', report, projectDir: ctx.projectDir, ...(ctx.coverage ? { coverageDir: covDir } : {}) }),
    };
  },
};
