import type { Command } from 'commander';
import type { CliContext } from '../context';
import { runDeployment } from '../deployment-runner';

export function registerResume(program: Command, ctx: CliContext): void {
  program
    .command('resume')
    .description('Continue a deployment that was interrupted (its process killed) from its last completed step, or roll it back when it cannot continue')
    .argument('<id>', 'the deployment id (see `deploy-agent list`)')
    .option('--verbose', 'also show the model output as it streams')
    .option('--json', 'print one JSON object with the outcome')
    .action(async (id: string, options: { json?: boolean; verbose?: boolean }) => {
      await runDeployment(ctx, { kind: 'resume', id, json: Boolean(options.json), verbose: Boolean(options.verbose) });
    });
}
