import { Option, type Command } from 'commander';
import type { CliContext } from '../context';
import { printJson } from '../output';
import { formatProvidersCheck } from '../../core/ai/check-text';
import { CliExit } from '../program';

/** `deploy-agent ai check [--json]`: each model provider, reachable or not and why, its models, and what each phase would use. */
export function registerAi(program: Command, ctx: CliContext): void {
  const ai = program.command('ai').description('Model providers (Ollama, Anthropic)');
  ai.command('check')
    .description('Check each model provider: reachable or not and why, models available, which model each phase would use')
    .option('--json', 'print one JSON object')
    .addOption(new Option('-w, --workspace <dir>', 'workspace whose .deploy-agent/config.json is read').default(process.cwd(), 'the current folder'))
    .action(async (options: { json?: boolean; workspace: string }) => {
      const { createModelRouter, checkProviders } = await import('../../core/ai/index');
      const router = createModelRouter({ config: ctx.config(options.workspace), env: ctx.env, secrets: { anthropicApiKey: async () => ctx.env.ANTHROPIC_API_KEY || undefined } });
      const check = await checkProviders(router, { signal: AbortSignal.timeout(30_000) });
      if (options.json) printJson(check);
      else process.stdout.write(formatProvidersCheck(check));
      if (!check.ok) throw new CliExit(1);
    });
}

