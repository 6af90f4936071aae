import type { Command } from 'commander';
import path from 'node:path';
import type { CliContext } from '../context';
import { printJson } from '../output';

export function registerStrategy(program: Command, ctx: CliContext): void {
  program
    .command('strategy')
    .description('Show the strategy decision the pipeline would take now: environment with evidence, machine load, reasons')
    .option('-w, --workspace <dir>', 'the repository (its branch is evidence for the environment)', process.cwd())
    .option('--strategy <strategy>', 'what the deployment would ask for', 'auto')
    .option('--json', 'print one JSON object')
    .action(async (options: { workspace: string; strategy: string; json?: boolean }) => {
      const [{ execFileSync }, { decideStrategy, detectEnvironment }, { readSystemSnapshot }, { DeployAgentError }] = await Promise.all([
        import('node:child_process'),
        import('../../core/strategy'),
        import('../../core/diagnostics/system-snapshot'),
        import('../../core/errors'),
      ]);
      if (!['auto', 'conservative', 'balanced', 'aggressive'].includes(options.strategy)) {
        throw new DeployAgentError('USAGE', `--strategy ${options.strategy} is not a strategy.`, 'Use auto, conservative, balanced or aggressive.');
      }
      const workspace = path.resolve(options.workspace);
      let branch: string | undefined;
      try {
        branch = execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      } catch {
        branch = undefined; // not a repository: the branch is simply no evidence
      }
      const { store } = ctx.openStore();
      const samples = (store.db.prepare(`SELECT count(*) AS n FROM deployments WHERE status IN ('succeeded','failed','rolled_back')`).get() as { n: number }).n;
      const snapshot = await readSystemSnapshot(workspace);
      const metrics = {
        cpuLoadPercent: snapshot.cpuLoadPercent,
        memoryUsedPercent: Math.round((snapshot.memoryUsedBytes / snapshot.memoryTotalBytes) * 1000) / 10,
        memoryAvailableBytes: snapshot.memoryAvailableBytes,
        diskFreeBytes: snapshot.disk?.freeBytes ?? null,
        loadAverage1: snapshot.loadAverage[0],
      };
      const environment = detectEnvironment({ env: ctx.env, branch: branch && branch !== 'HEAD' ? branch : undefined });
      const decision = decideStrategy({ requested: options.strategy as 'auto', environment, metrics, samples });
      if (options.json) return printJson(decision);
      const lines = [
        `Strategy: ${decision.strategy} (${decision.basis})${decision.blocked ? ' — BLOCKED' : ''}`,
        `Environment: ${environment.environment} (confidence ${environment.confidence})`,
        ...environment.evidence.map((e) => `  evidence: ${e.value} → ${e.suggests}`),
        `Machine: CPU ${metrics.cpuLoadPercent}%, memory ${metrics.memoryUsedPercent}% used`,
        `Recorded outcomes: ${samples}`,
        'Reasons:',
        ...decision.reasons.map((r) => `  - ${r}`),
        'Levers:',
        ...Object.entries(decision.levers).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
