import type { Command } from 'commander';
import type { CliContext } from '../context';
import { printJson } from '../output';

interface ImportOptions {
  format?: string;
  project?: string;
  github?: string;
  train: boolean;
  json?: boolean;
}

export function registerHistory(program: Command, ctx: CliContext): void {
  const history = program.command('history').description('Past CI builds as history for the outcome model (cold start)');

  history
    .command('import [file]')
    .description('Import past CI builds: a TravisTorrent CSV (--format travistorrent) or GitHub Actions runs (--github OWNER/REPO); importing twice adds nothing twice')
    .option('--format <format>', 'the file format: travistorrent (the DL-CIBuild layout with build_Failed, or the full TravisTorrent layout)')
    .option('--project <name>', 'project name for the builds (default: gh_project_name, else the file name); with a full TravisTorrent file, only that project')
    .option('--github <owner/repo>', 'read the workflow runs of this GitHub repository (GITHUB_TOKEN, GITHUB_API_URL)')
    .option('--no-train', 'do not retrain the outcome model after importing')
    .option('--json', 'print one JSON object')
    .action(async (file: string | undefined, options: ImportOptions) => {
      const [{ DeployAgentError }, { importHistoryFile, importHistoryBuilds, maybeRetrain }] = await Promise.all([import('../../core/errors'), import('../../core/strategy')]);
      if (file && options.github) throw new DeployAgentError('USAGE', 'Give either a FILE or --github OWNER/REPO, not both.', 'Run one import per source.');
      if (!file && !options.github) throw new DeployAgentError('USAGE', 'Nothing to import.', 'Give a FILE with --format travistorrent, or --github OWNER/REPO.');
      const { store } = ctx.openStore();
      let source: string;
      let counts;
      if (file) {
        if (!options.format) throw new DeployAgentError('USAGE', `The format of ${file} is not given.`, 'Add --format travistorrent.');
        source = 'travistorrent';
        counts = importHistoryFile(store.db, file, { format: options.format, project: options.project });
      } else {
        const match = /^([\w.-]+)\/([\w.-]+)$/.exec(options.github!);
        if (!match) throw new DeployAgentError('USAGE', `--github ${options.github} is not OWNER/REPO.`, 'Write it like octocat/hello-world.');
        const builds = await fetchGithub(match[1]!, match[2]!, ctx.env, Boolean(options.json), DeployAgentError);
        source = 'github';
        counts = importHistoryBuilds(store.db, options.project ? builds.map((b) => ({ ...b, project: options.project! })) : builds, 'github');
      }
      const imported = counts.reduce((n, c) => n + c.imported, 0);
      const model = options.train && imported > 0 ? await maybeRetrain(store, { trigger: 'import' }) : undefined;
      if (options.json) {
        return printJson({
          source,
          projects: counts,
          imported,
          skipped: counts.reduce((n, c) => n + c.skipped, 0),
          model: model ? { retrained: model.retrained, version: model.version ?? null, reason: model.reason, runner: model.runner ?? null, trainingSize: model.trainingSize ?? null, evaluation: model.evaluation ?? null } : null,
        });
      }
      const lines = counts.map((c) => `${c.project}: ${c.imported} imported, ${c.skipped} already there`);
      if (model?.retrained) lines.push(`Outcome model v${model.version} trained on ${model.trainingSize} rows (${model.runner}, ${model.totalMs} ms).`);
      else if (model) lines.push(`The outcome model was not retrained: ${model.reason}.`);
      process.stdout.write(lines.join('\n') + '\n');
    });

  history
    .command('retrain')
    .description('Retrain the outcome model now (it is also retrained every 10 deployment outcomes)')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const [{ DeployAgentError }, { maybeRetrain }] = await Promise.all([import('../../core/errors'), import('../../core/strategy')]);
      const { store } = ctx.openStore();
      const result = await maybeRetrain(store, { trigger: 'manual' });
      if (options.json) return printJson(result);
      if (!result.retrained) throw new DeployAgentError('MODEL_NOT_TRAINED', `The outcome model was not trained: ${result.reason}.`, 'Import CI history (deploy-agent history import) or run deployments first.');
      const e = result.evaluation;
      const figures = e?.method === 'temporal-holdout' ? `holdout F1(failed) ${e.f1Failed}, AUC ${e.auc ?? 'n/a'} (baseline F1 ${e.baseline.f1Failed})` : `no evaluation: ${e?.reason}`;
      process.stdout.write(`Outcome model v${result.version}: ${result.trainingSize} rows (${result.deploymentRows} deployments, ${result.historyRows} imported builds), ${result.runner}, ${result.totalMs} ms; ${figures}.\n`);
    });
}

/** GitHub Actions runs through src/core/strategy/github-history.ts, loaded only when asked for. */
async function fetchGithub(owner: string, repo: string, env: NodeJS.ProcessEnv, json: boolean, ErrorClass: typeof import('../../core/errors').DeployAgentError) {
  let mod: typeof import('../../core/strategy/github-history');
  try {
    mod = await import('../../core/strategy/github-history');
  } catch (error) {
    throw new ErrorClass('NOT_AVAILABLE', 'Importing GitHub Actions history is not available in this build.', 'Import a TravisTorrent CSV with --format travistorrent instead, or update Deploy Agent.', { cause: error });
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort('interrupted');
  process.once('SIGINT', onSigint);
  let progressShown = false;
  try {
    return await mod.fetchGithubActionsHistory({
      owner,
      repo,
      token: env.GITHUB_TOKEN || env.GH_TOKEN || undefined,
      baseUrl: env.GITHUB_API_URL || undefined,
      signal: controller.signal,
      onProgress: json
        ? undefined
        : (phase, done, total) => {
            progressShown = true;
            process.stderr.write(`\r${phase === 'runs' ? 'workflow runs' : 'commit diff stats'}: ${done}/${total}   `);
          },
    });
  } finally {
    process.off('SIGINT', onSigint);
    if (progressShown) process.stderr.write('\n');
  }
}
