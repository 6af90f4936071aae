import { Option, type Command } from 'commander';
import path from 'node:path';
import type { CliContext } from '../context';
import { runDeployment } from '../deployment-runner';

const MODES = ['dry-run', 'review', 'local-commit', 'full-pr'] as const;
const STRATEGIES = ['auto', 'conservative', 'balanced', 'aggressive'] as const;

interface DeployOptions {
  workspace: string;
  mode?: (typeof MODES)[number];
  strategy?: (typeof STRATEGIES)[number];
  keepWorktree?: boolean;
  wait: boolean;
  force?: boolean;
  reason?: string;
  json?: boolean;
  verbose?: boolean;
  addFile?: string[];
  excludePoint?: string[];
}

export function registerDeploy(program: Command, ctx: CliContext): void {
  program
    .command('deploy')
    .description('Deploy a recommendation: implement it in a sandbox worktree, test, repair, then commit / push / open a pull request as the mode says')
    .argument('<file>', 'the recommendation (JSON)')
    .addOption(new Option('-w, --workspace <dir>', 'the repository to deploy into').default(process.cwd(), 'the current folder'))
    .addOption(new Option('--mode <mode>', 'how far to go; review stops with the tested change in its sandbox for `ship` or `discard` (default: the pipeline.mode setting)').choices(MODES))
    .addOption(new Option('--strategy <strategy>', 'validation and repair effort (default: the pipeline.strategy setting)').choices(STRATEGIES))
    .option('--keep-worktree', 'keep the sandbox worktree and branch for inspection when the deployment ends')
    .option('--no-wait', 'refuse at once when another deployment runs on this repository, instead of queueing')
    .option('--force', 'deploy even when the circuit breaker is open (needs --reason)')
    .option('--reason <text>', 'why --force is needed (recorded)')
    .option('--add-file <path...>', 'a workspace file the change belongs in (goes first among the integration points)')
    .option('--exclude-point <path...>', 'a ranked integration point the model should leave alone (see `deploy-agent analyze`)')
    .option('--verbose', 'also show the model output as it streams')
    .option('--json', 'print one JSON object with the outcome')
    .action(async (file: string, options: DeployOptions, command: Command) => {
      if (options.force && !options.reason?.trim()) command.error('error: --force needs --reason TEXT (it is recorded with the deployment)', { exitCode: 2, code: 'commander.usage' });
      if (options.reason && !options.force) command.error('error: --reason is only meaningful with --force', { exitCode: 2, code: 'commander.usage' });
      const { assertWorkspaceFolder } = await import('../../core/sandbox/workspace');
      assertWorkspaceFolder(path.resolve(options.workspace));
      const config = ctx.config(options.workspace);
      await runDeployment(ctx, {
        kind: 'deploy',
        json: Boolean(options.json),
        verbose: Boolean(options.verbose),
        workspace: options.workspace,
        request: {
          recommendationFile: file,
          workspaceDir: options.workspace,
          mode: options.mode ?? config.get<(typeof MODES)[number]>('pipeline.mode'),
          strategy: options.strategy ?? config.get<(typeof STRATEGIES)[number]>('pipeline.strategy'),
          keepWorktree: Boolean(options.keepWorktree),
          wait: options.wait,
          ...(options.force ? { forceReason: options.reason!.trim() } : {}),
          ...(options.addFile?.length || options.excludePoint?.length ? { choice: { addedFiles: options.addFile ?? [], excludedIntegrationPoints: options.excludePoint ?? [] } } : {}),
        },
      });
    });
}
