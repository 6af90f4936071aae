import { Option, type Command } from 'commander';
import type { CliContext } from '../context';
import { runDeployment, withOrchestrator } from '../deployment-runner';
import { printJson } from '../output';
import { CliExit } from '../program';

const SHIP_MODES = ['local-commit', 'full-pr'] as const;

/** ship, discard and retest: what follows `deploy --mode review` (a deployment in `awaiting-review`). */
export function registerReview(program: Command, ctx: CliContext): void {
  program
    .command('ship')
    .description('Ship a deployment that waits for review: check its sandbox again if it changed (your edits are kept), commit, and for full-pr push and open the pull request')
    .argument('<id>', 'the deployment id (see `deploy-agent list`)')
    .addOption(new Option('--mode <mode>', 'local-commit: commit on its branch; full-pr: also push and open a pull request').choices(SHIP_MODES).makeOptionMandatory())
    .option('--verbose', 'also show the model output as it streams')
    .option('--json', 'print one JSON object with the outcome')
    .action(async (id: string, options: { mode: (typeof SHIP_MODES)[number]; json?: boolean; verbose?: boolean }) => {
      await runDeployment(ctx, { kind: 'ship', id, mode: options.mode, json: Boolean(options.json), verbose: Boolean(options.verbose) });
    });

  program
    .command('discard')
    .description('Discard a deployment that waits for review: remove its sandbox worktree and branch, and record the outcome')
    .argument('<id>', 'the deployment id (see `deploy-agent list`)')
    .option('--json', 'print one JSON object with the outcome')
    .action(async (id: string, options: { json?: boolean }) => {
      await runDeployment(ctx, { kind: 'discard', id, json: Boolean(options.json), verbose: false });
    });

  program
    .command('retest')
    .description('Run the tests of a deployment that waits for review again (with your edits in its sandbox), with its type-check and lint gates and the credential scan; it keeps waiting')
    .argument('<id>', 'the deployment id (see `deploy-agent list`)')
    .option('--verbose', 'also show progress details')
    .option('--json', 'print one JSON object with the result')
    .action(async (id: string, options: { json?: boolean; verbose?: boolean }) => {
      const check = await withOrchestrator(ctx, Boolean(options.verbose), (orchestrator, signal) => orchestrator.retest(id, signal));
      if (options.json) printJson(check);
      else {
        const t = check.tests;
        const lines = [
          `Deployment ${id}: the checks ${check.ok ? 'passed' : 'failed'}${check.changed ? ' (the sandbox changed since they last passed)' : ''}; it waits for review`,
          `  tests     ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`,
          ...check.failures.slice(0, 10).map((f) => `  failing   ${f.name}: ${f.message.split('\n')[0]}`),
          ...check.problems.map((p) => `  problem   ${p}`),
          ...(check.report?.markdown ? [`  report    ${check.report.markdown}`] : []),
        ];
        process.stdout.write(lines.join('\n') + '\n');
        if (check.error) process.stderr.write(`error [${check.error.code}]: ${check.error.message}\n  → ${check.error.hint}\n`);
      }
      if (!check.ok) throw new CliExit(check.error?.code === 'CANCELLED' ? 130 : 1);
    });
}
