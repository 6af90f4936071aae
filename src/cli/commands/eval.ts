import { Option, type Command } from 'commander';
import path from 'node:path';
import type { CliContext } from '../context';
import { printJson } from '../output';
import { CliExit } from '../program';

const PROVIDERS = ['ollama', 'anthropic'] as const;
const STRATEGIES = ['conservative', 'balanced', 'aggressive'] as const;

interface EvalCliOptions {
  tasks: string;
  tasksDir?: string;
  provider?: (typeof PROVIDERS)[number];
  model?: string;
  repeat: string;
  strategy: (typeof STRATEGIES)[number];
  record?: string;
  replay?: string;
  json?: boolean;
}

/**
 * `deploy-agent eval`: the agent eval suite (docs/evaluation.md) — each task through the real pipeline
 * in review mode, then its hidden acceptance tests; `eval compare A B` and `eval runs`.
 */
export function registerEval(program: Command, ctx: CliContext): void {
  const evalCommand = program.command('eval').description('Measure how often deployments succeed: run the eval suite (tasks with hidden acceptance tests), compare runs');
  evalCommand
    .command('run', { isDefault: true })
    .description('Run the eval tasks through the real pipeline (review mode), then their hidden acceptance tests; print and store the figures')
    .option('--tasks <glob>', 'task ids to run: * and ? wildcards, alternatives separated by commas', '*')
    .option('--tasks-dir <dir>', "the task folder (default: eval/tasks of this Deploy Agent's checkout)")
    .addOption(new Option('--provider <name>', 'the model provider to measure (default: the first of ai.providers)').choices(PROVIDERS))
    .option('--model <model>', "the model for every phase (default: the provider's model from the settings)")
    .option('--repeat <n>', 'runs per task', '1')
    .addOption(new Option('--strategy <strategy>', 'the deployment strategy of every run').choices(STRATEGIES).default('balanced'))
    .option('--record <dir>', "save each deployment's model transcript under DIR (for --replay)")
    .option('--replay <dir>', 'answer from the transcripts under DIR instead of a model (reproducible; no model is asked)')
    .option('--json', 'print one JSON object with the run, every result and the totals')
    .action(async (options: EvalCliOptions, command: Command) => {
      const repeat = Number(options.repeat);
      if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) command.error('error: --repeat must be a whole number from 1 to 100', { exitCode: 2, code: 'commander.usage' });
      if (options.record && options.replay) command.error('error: --record and --replay cannot be combined', { exitCode: 2, code: 'commander.usage' });
      if (options.replay && (options.provider || options.model)) command.error('error: --provider and --model come from the recording when replaying; leave them out', { exitCode: 2, code: 'commander.usage' });
      const [{ loadTasks, defaultTasksDir }, { runEval }, { formatRun }] = await Promise.all([import('../../core/eval/tasks'), import('../../core/eval/runner'), import('../../core/eval/format')]);
      const { DeployAgentError } = await import('../../core/errors');
      const tasksDir = options.tasksDir ? path.resolve(options.tasksDir) : defaultTasksDir(process.argv[1], ctx.cwd);
      if (!tasksDir) throw new DeployAgentError('EVAL_TASKS_NOT_FOUND', 'The eval tasks were not found (eval/tasks of a Deploy Agent checkout).', 'Run the suite from a checkout of Deploy Agent, or pass --tasks-dir DIR.');
      const tasks = loadTasks(tasksDir, options.tasks);
      const provider = options.provider ?? (options.replay ? undefined : ctx.config().get<string[]>('ai.providers').find((p): p is (typeof PROVIDERS)[number] => (PROVIDERS as readonly string[]).includes(p)));
      const { store } = ctx.openStore();
      const controller = new AbortController();
      const onSignal = () => controller.abort(new Error('interrupted'));
      process.once('SIGINT', onSignal);
      try {
        const run = await runEval({
          tasks,
          pattern: options.tasks,
          ...(provider ? { provider } : {}),
          ...(options.model ? { model: options.model } : {}),
          repeat,
          strategy: options.strategy,
          ...(options.record ? { record: path.resolve(options.record) } : {}),
          ...(options.replay ? { replay: path.resolve(options.replay) } : {}),
          store,
          env: ctx.env,
          ...(ctx.globals.config ? { configFile: ctx.globals.config } : {}),
          signal: controller.signal,
          onTaskStart: (task, r, index, total) => process.stderr.write(`[${index + 1}/${total}] ${task.id} #${r} …\n`),
          onTaskEnd: (result) => process.stderr.write(`        ${result.solved ? 'solved' : 'not solved'}; pipeline ${result.verdict}${result.falseSuccess ? ' (false success)' : ''}; ${result.turns} turns, ${(result.wallMs / 1000).toFixed(1)} s\n`),
        });
        if (options.json) printJson(run);
        else process.stdout.write(formatRun(run));
      } finally {
        process.off('SIGINT', onSignal);
      }
      if (controller.signal.aborted) throw new CliExit(130);
    });

  evalCommand
    .command('compare')
    .description('Two eval runs side by side: solve rate, false successes, turns, tokens, cost, time, loads, and per task')
    .argument('<runA>', 'the first run id (`deploy-agent eval runs` lists them)')
    .argument('<runB>', 'the second run id')
    .option('--json', 'print one JSON object')
    .action(async (a: string, b: string, options: { json?: boolean }) => {
      const [{ EvalStore }, { compareRuns }, { formatComparison }] = await Promise.all([import('../../core/eval/store'), import('../../core/eval/compare'), import('../../core/eval/format')]);
      const evalStore = new EvalStore(ctx.openStore().store.db);
      const comparison = compareRuns(evalStore.run(a), evalStore.run(b));
      if (options.json) printJson(comparison);
      else process.stdout.write(formatComparison(comparison));
    });

  evalCommand
    .command('runs')
    .description('The eval runs in the history database, newest first')
    .option('--json', 'print one JSON array')
    .action(async (options: { json?: boolean }) => {
      const [{ EvalStore }, { formatRuns }] = await Promise.all([import('../../core/eval/store'), import('../../core/eval/format')]);
      const runs = new EvalStore(ctx.openStore().store.db).runs();
      if (options.json) printJson(runs);
      else process.stdout.write(formatRuns(runs));
    });
}
