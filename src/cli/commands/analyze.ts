import type { Command } from 'commander';
import path from 'node:path';
import type { CliContext } from '../context';
import { printJson } from '../output';

interface AnalyzeCliOptions {
  json?: boolean;
  recommendation?: string;
  cache?: boolean;
  tokenBudget?: number;
}

export function registerAnalyze(program: Command, ctx: CliContext): void {
  program
    .command('analyze')
    .description('Map a workspace and print its project profile: languages, frameworks, package manager, runtime, commands, dependencies, CI, containers, tests, data models')
    .argument('[dir]', 'workspace folder', '.')
    .option('--json', 'print one JSON object')
    .option('-r, --recommendation <file>', 'also rank where this recommendation (JSON) belongs: an `integration` section')
    .option('--token-budget <n>', 'token budget of the repository map in the integration section (default: the analysis.repoMapTokens setting)', (v) => Number.parseInt(v, 10))
    .option('--no-cache', 'read every file again instead of using the cache in the history database')
    .action(async (dir: string, options: AnalyzeCliOptions) => {
      const root = path.resolve(ctx.cwd, dir);
      const [{ analyzeWorkspace, analyzeIntegration }, { formatProfile }] = await Promise.all([import('../../core/analysis/index'), import('../../core/analysis/format')]);
      const config = ctx.config(root);
      const store = options.cache === false || config.get<boolean>('analysis.cache') === false ? undefined : ctx.openStore().store;
      const profile = await analyzeWorkspace(root, { maxFileBytes: config.get<number>('analysis.maxFileBytes'), ...(store ? { store } : {}) });
      const budget = options.tokenBudget !== undefined && Number.isFinite(options.tokenBudget) && options.tokenBudget > 0 ? options.tokenBudget : config.get<number>('analysis.repoMapTokens');
      let integration: unknown;
      if (options.recommendation) {
        const { loadRecommendation } = await import('../../core/recommendation/load');
        const { recommendation, warnings } = await loadRecommendation(path.resolve(ctx.cwd, options.recommendation));
        for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
        integration = await analyzeIntegration(profile.root, profile, recommendation, { tokenBudget: budget });
      }
      if (options.json) return printJson(integration ? { ...profile, integration } : profile);
      process.stdout.write(formatProfile(profile, integration as Parameters<typeof formatProfile>[1]));
    });
}
