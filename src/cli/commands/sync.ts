import type { Command } from 'commander';
import type { CliContext } from '../context';
import { printJson } from '../output';
import { CliExit } from '../program';
import { plural } from '../../core/plural';

export function registerSync(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description("Ask GitHub what became of shipped deployments (pull request merged? CI checks? reverted?) and record the real outcome")
    .option('--deployment <id>', 'only this deployment')
    .option('--json', 'print one JSON object')
    .action(async (options: { deployment?: string; json?: boolean }) => {
      const { syncShippedOutcomes } = await import('../../core/strategy/outcome-sync');
      const { store } = ctx.openStore();
      const controller = new AbortController();
      const onSigint = () => controller.abort('interrupted');
      process.once('SIGINT', onSigint);
      let result;
      try {
        result = await syncShippedOutcomes({
          db: store.db,
          env: ctx.env,
          signal: controller.signal,
          deploymentIds: options.deployment ? [options.deployment] : undefined,
          onProgress: options.json ? undefined : (done, total, id) => process.stderr.write(`[${done + 1}/${total}] ${id}\n`),
        });
      } finally {
        process.off('SIGINT', onSigint);
      }
      const failed = result.failures.length > 0;
      if (options.json) {
        printJson({
          checked: result.checked,
          updated: result.updated,
          failures: result.failures,
          deployments: result.deployments.map((d) => ({ id: d.id, prUrl: d.prUrl, state: d.state, merged: d.merged, checks: d.checks, reverted: d.reverted, label: d.label, reason: d.reason })),
          ...(result.stopped ? { stopped: result.stopped } : {}),
        });
        if (failed) throw new CliExit(1);
        return;
      }
      const lines: string[] = [];
      if (!result.checked && !failed) lines.push('No shipped deployment with a pull request: nothing to sync.');
      for (const d of result.deployments) {
        lines.push(`${d.label.padEnd(7)} ${d.id}  ${d.prUrl}  ${d.state}${d.merged ? ', merged' : ''}, checks ${d.checks}${d.reverted ? ', reverted' : ''} — ${d.reason}${d.changed ? ' (updated)' : ''}`);
      }
      if (result.checked) lines.push(`${result.checked} checked, ${result.updated} updated.`);
      process.stdout.write(lines.join('\n') + '\n');
      const problems = result.failures.map((f) => `error [${f.code}] ${f.id} (${f.prUrl}): ${f.message}\n  → ${f.hint}`);
      if (result.stopped) problems.push(`Stopped early: ${plural(result.stopped.remaining, 'deployment')} not checked.`);
      if (problems.length) process.stderr.write(problems.join('\n') + '\n');
      if (failed) throw new CliExit(1);
    });
}
