import type { Command } from 'commander';
import type { CliContext } from '../context';
import { printJson } from '../output';

export function registerRollback(program: Command, ctx: CliContext): void {
  program
    .command('rollback')
    .description('Undo a shipped deployment: a revert commit on a new branch (pushed when the deployment was), recorded as a rollback')
    .argument('<id>', 'the deployment id (see `deploy-agent list`)')
    .option('--json', 'print one JSON object')
    .action(async (id: string, options: { json?: boolean }) => {
      const { rollbackDeployment } = await import('../../core/pipeline/rollback');
      const { store } = ctx.openStore();
      const result = await rollbackDeployment({ db: store.db, deploymentId: id, env: ctx.env });
      if (options.json) return printJson(result);
      process.stdout.write(`Rolled back ${id}: revert commit ${result.revertCommit.slice(0, 12)} on ${result.branch}${result.pushedTo ? `, pushed to ${result.pushedTo}` : ''}${result.prUrl ? `, pull request ${result.prUrl}` : ''}.\n`);
    });
}
