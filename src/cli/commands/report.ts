import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { CliContext } from '../context';
import { printJson } from '../output';

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description("Show a deployment's report: outcome, steps with durations, decisions, tests, performance against earlier deployments")
    .argument('<id>', 'the deployment id (see `deploy-agent list`)')
    .option('--json', 'print the report as one JSON object')
    .option('--markdown', 'print the report as Markdown (the default)')
    .action(async (id: string, options: { json?: boolean; markdown?: boolean }) => {
      const [{ writeReport }, { DeployAgentError }] = await Promise.all([import('../../core/report/write-report'), import('../../core/errors')]);
      const { store } = ctx.openStore();
      const files = writeReport(store.db, store.path, id);
      if (!files) {
        throw new DeployAgentError('DEPLOYMENT_NOT_FOUND', `There is no deployment ${id} in ${store.path}.`, 'List deployments with `deploy-agent list` (and pass the same --db).');
      }
      if (options.json) printJson(JSON.parse(readFileSync(files.json, 'utf8')));
      else process.stdout.write(readFileSync(files.markdown, 'utf8'));
    });
}
