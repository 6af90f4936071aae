import path from 'node:path';
import type { CliContext } from '../context';
import { printJson } from '../output';

export interface MissingConfigOptions {
  workspace?: string;
  save?: string;
  force?: boolean;
  json?: boolean;
}

/**
 * `recommendations --missing`: the built-in deployment-configuration recommendations the
 * workspace lacks (src/core/configgen/recommendations.ts); `--save KIND` writes one into
 * .deploy-agent/recommendations/ so that `deploy FILE` (or the panel) deploys it — once: saved
 * again it is unchanged, and a file of its name that differs is replaced only with `--force`.
 */
export async function printMissingConfig(ctx: CliContext, options: MissingConfigOptions): Promise<void> {
  const workspace = path.resolve(ctx.cwd, options.workspace ?? '.');
  const { listMissingDeploymentConfig, saveBuiltinRecommendation } = await import('../../core/configgen/recommendations');
  const config = ctx.config(workspace);
  const store = config.get<boolean>('analysis.cache') === false ? undefined : ctx.openStore().store;
  const analysis = { ...(store ? { store } : {}) };
  if (options.save) {
    const saved = await saveBuiltinRecommendation(workspace, options.save, { ...analysis, force: Boolean(options.force) });
    if (options.json) return printJson(saved);
    const file = saved.relativePath;
    const done = { created: `Saved ${file}`, unchanged: `${file} is already saved with this content (unchanged)`, replaced: `Replaced ${file} (its content differed)` }[saved.outcome];
    process.stdout.write(`${done}: deploy it with \`deploy-agent deploy ${file}\`.\n`);
    return;
  }
  const { recommendations } = await listMissingDeploymentConfig(workspace, analysis);
  if (options.json) return printJson({ workspace, recommendations });
  if (!recommendations.length) {
    process.stdout.write('Nothing missing: the project has a Dockerfile, CI, the compose file and .env.example it needs, and a release target.\n');
    return;
  }
  for (const r of recommendations) {
    process.stdout.write(`${r.recommendation.title}  [${r.kind}]\n    why: ${r.why}\n    files: ${r.recommendation.targetFiles?.join(', ')}${r.templated ? '' : ' (no template fits: the model writes them)'}\n`);
    for (const u of r.unknowns) process.stdout.write(`    unknown: ${u}\n`);
  }
  process.stdout.write(`\nSave one to deploy it: deploy-agent recommendations --missing --save <kind> (then deploy-agent deploy .deploy-agent/recommendations/<file>.json).\nSee the files first: deploy-agent generate-config <kind>.\n`);
}
