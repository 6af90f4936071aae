import { Option, type Command } from 'commander';
import type { CliContext } from '../context';
import { printJson } from '../output';
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
      else process.stdout.write(formatCheck(check));
      if (!check.ok) throw new CliExit(1);
    });
}

type Check = Awaited<ReturnType<typeof import('../../core/ai/preflight').checkProviders>>;

function formatCheck(check: Check): string {
  const lines: string[] = [];
  for (const p of check.providers) {
    const title = p.provider === 'ollama' ? 'Ollama' : 'Anthropic';
    const state = !p.configured ? 'not configured' : p.reachable ? `reachable${p.version ? `, version ${p.version}` : ''}` : 'unreachable';
    lines.push(`${title}: ${state}`);
    if (p.reason) lines.push(`  why:    ${p.reason}`);
    if (p.hint) lines.push(`  fix:    ${p.hint}`);
    if (p.models) lines.push(`  models: ${p.models.length ? p.models.join(', ') : '(none)'}`);
    for (const [phase, s] of Object.entries(p.phases)) {
      const details = s.ready ? `ready${s.contextLength ? `, context ${s.contextLength}` : ''}${s.supportsTools ? ', tools' : ', text protocol (no tool support)'}` : `not ready${s.problem ? `: ${s.problem}` : ''}`;
      lines.push(`  ${phase.padEnd(9)} ${s.model} — ${details}`);
    }
    lines.push('');
  }
  lines.push(check.ok ? 'At least one provider can serve every phase.' : 'No provider can serve every phase yet; see the fixes above.');
  return lines.join('\n') + '\n';
}
