import { Option, type Command } from 'commander';
import path from 'node:path';
import type { CliContext } from '../context';
import { printJson } from '../output';

export function registerStrategy(program: Command, ctx: CliContext): void {
  program
    .command('strategy')
    .description('Show the strategy decision the pipeline would take now: environment with evidence, machine load, reasons')
    .addOption(new Option('-w, --workspace <dir>', 'the repository (its branch is evidence for the environment)').default(process.cwd(), 'the current folder'))
    .option('--strategy <strategy>', 'what the deployment would ask for', 'auto')
    .option('--json', 'print one JSON object')
    .action(async (options: { workspace: string; strategy: string; json?: boolean }) => {
      const [{ baseContext }, { decideForDeployment, latestModelMeta }, { readSystemSnapshot }, { DeployAgentError }] = await Promise.all([
        import('../../core/pipeline/context'),
        import('../../core/strategy'),
        import('../../core/diagnostics/system-snapshot'),
        import('../../core/errors'),
      ]);
      if (!['auto', 'conservative', 'balanced', 'aggressive'].includes(options.strategy)) {
        throw new DeployAgentError('USAGE', `--strategy ${options.strategy} is not a strategy.`, 'Use auto, conservative, balanced or aggressive.');
      }
      const workspace = path.resolve(options.workspace);
      const config = ctx.config(workspace);
      const successBar = config.get<number>('strategy.successBar');
      const { store } = ctx.openStore();
      const snapshot = await readSystemSnapshot(workspace);
      const metrics = {
        cpuLoadPercent: snapshot.cpuLoadPercent,
        memoryUsedPercent: Math.round((snapshot.memoryUsedBytes / snapshot.memoryTotalBytes) * 1000) / 10,
        memoryAvailableBytes: snapshot.memoryAvailableBytes,
        diskFreeBytes: snapshot.disk?.freeBytes ?? null,
        loadAverage1: snapshot.loadAverage[0],
      };
      // The environment as the pipeline's context step sees it (branch, settings, CI, host, container).
      const environment = baseContext(workspace, ctx.env, config).environmentDetection!;
      // A preview: the same decision the pipeline would take for this repository, not logged.
      const decision = decideForDeployment(store, {
        repoPath: workspace,
        requested: options.strategy as 'auto',
        environment,
        metrics,
        successBar,
        overrides: config.get('strategy.levers'),
      });
      const model = latestModelMeta(store.db);
      const modelInfo = model
        ? { version: model.version, createdAt: model.createdAt, trainingSize: model.trainingSize, deploymentRows: model.deploymentRows, historyRows: model.historyRows, evaluation: model.evaluation }
        : null;
      if (options.json) return printJson({ ...decision, successBar, metrics, model: modelInfo });
      const probabilities = Object.entries(decision.probabilities);
      const lines = [
        `Strategy: ${decision.strategy} (${decision.basis})${decision.blocked ? ' — BLOCKED' : ''}`,
        `Environment: ${environment.environment} (confidence ${environment.confidence})`,
        ...environment.evidence.map((e) => `  evidence: ${e.value} → ${e.suggests}${e.applied === false ? ` (not applied: ${e.note ?? 'see the docs'})` : ''}`),
        `Machine: CPU ${metrics.cpuLoadPercent}%, memory ${metrics.memoryUsedPercent}% used`,
        `Samples (outcomes and imported CI builds): ${decision.samples}`,
        model ? `Outcome model: v${model.version}, trained on ${model.trainingSize} rows${describeEvaluation(model.evaluation)}` : 'Outcome model: none trained yet',
        ...(probabilities.length ? [`P(success): ${probabilities.map(([name, p]) => `${name} ${p!.toFixed(2)}`).join(', ')} (bar ${successBar})`] : []),
        'Reasons:',
        ...decision.reasons.map((r) => `  - ${r}`),
        'Levers:',
        ...Object.entries(decision.levers).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}

function describeEvaluation(e: import('../../core/strategy/outcome-model').ModelEvaluation | null): string {
  if (!e) return '';
  if (e.method === 'none') return ` (not evaluated: ${e.reason})`;
  return ` (temporal holdout of ${e.test} rows: F1 failed ${e.f1Failed}, AUC ${e.auc ?? 'n/a'}; previous-outcome baseline F1 ${e.baseline.f1Failed})`;
}
