import type { Command } from 'commander';
import path from 'node:path';
import type { LearningProgress } from '../../core/learning';
import type { CliContext } from '../context';
import { printJson } from '../output';
import { plural } from '../../core/plural';

/**
 * What the history teaches: `recommendations`, `adaptations`, `rollback-scenarios` and
 * `analytics` (src/core/learning, docs/learning.md). Each first learns the deployments that
 * ended without being recorded (imports, rollbacks, synced GitHub outcomes) — the whole history
 * the first time, with progress on stderr when that is long.
 */
export function registerLearning(program: Command, ctx: CliContext): void {
  const open = async () => {
    const [learning, { detectInterrupted }, { learningProgress }] = await Promise.all([
      import('../../core/learning'),
      import('../../core/pipeline/owner'),
      import('../learning-progress'),
    ]);
    const { store } = ctx.openStore();
    // A deployment whose process died is settled (interrupted), not running: the learning may go past it.
    detectInterrupted(store.db);
    /**
     * Runs one learning answer. Its catch-up learns everything never learnt first; over a long
     * history that takes seconds, shown on stderr (stdout keeps exactly the answer, or its JSON).
     */
    const answer = <T>(compute: (onProgress: (p: LearningProgress) => void) => T): T => {
      const progress = learningProgress();
      let ok = false;
      try {
        const result = compute((p) => progress.onProgress(p));
        ok = true;
        return result;
      } finally {
        progress.stop(ok);
      }
    };
    return { learning, store, answer };
  };

  program
    .command('recommendations')
    .description('Patterns to follow (environment × stack × strategy × category), ranked by the Wilson lower bound of their success rate, each with why')
    .option('--env <environment>', 'only patterns of this environment')
    .option('--missing', 'instead: the deployment configuration the workspace lacks (Dockerfile, CI, compose, .env.example, release target), as built-in recommendations')
    .option('--save <kind>', 'with --missing: save that one as .deploy-agent/recommendations/<title>.json to deploy it; saved again with the same content it is left unchanged, and a file of that name with other content is refused (see --force)')
    .option('--force', 'with --save: replace that file when its content differs (your edits to it are lost)')
    .option('-w, --workspace <dir>', 'with --missing: the workspace (default: the current folder)')
    .option('--json', 'print one JSON object')
    .action(async (options: { env?: string; json?: boolean; missing?: boolean; save?: string; force?: boolean; workspace?: string }) => {
      if (options.force && !options.save) throw new (await import('../../core/errors')).DeployAgentError('USAGE', '--force goes with --save: it replaces a saved recommendation file.', 'Run deploy-agent recommendations --missing --save KIND --force.');
      if (options.missing || options.save) return (await import('./missing-config')).printMissingConfig(ctx, options);
      const { learning, store, answer } = await open();
      const result = answer((onProgress) => learning.recommendPatterns(store, { onProgress, ...(options.env === undefined ? {} : { environment: options.env }) }));
      if (options.json) return printJson(result);
      if (!result.patterns.length) {
        process.stdout.write(`No pattern learnt yet${options.env ? ` in ${options.env}` : ''}: patterns come from deployments that chose a strategy and ended.\n`);
        return;
      }
      const { formatDuration, formatPercent } = learning;
      for (const p of result.patterns) {
        process.stdout.write(
          `${String(p.rank).padStart(2)}. ${p.advice.padEnd(16)} ${p.strategy} · ${p.category} · ${p.stack} · ${p.environment} — ${p.successes}/${p.executions}, at least ${formatPercent(p.confidence)}, median ${formatDuration(p.medianDurationMs)}\n    ${p.why}\n`,
        );
      }
    });

  program
    .command('adaptations')
    .description('What successful deployments did differently in two environments: strategy, test scope, repair rounds, time limit, settings and environment evidence, with success rates')
    .requiredOption('--source <environment>', 'the environment to compare from (e.g. development)')
    .requiredOption('--target <environment>', 'the environment to compare with (e.g. production)')
    .option('--json', 'print one JSON object')
    .action(async (options: { source: string; target: string; json?: boolean }) => {
      const { learning, store, answer } = await open();
      const result = answer((onProgress) => learning.environmentAdaptations(store, { source: options.source, target: options.target, onProgress }));
      if (options.json) return printJson(result);
      const { formatPercent } = learning;
      const line = (s: typeof result.source) => `${s.environment}: ${s.deployments} finished, ${s.succeeded} succeeded (${formatPercent(s.successRate)})`;
      const lines = [line(result.source), line(result.target)];
      if (result.note) lines.push(result.note);
      for (const lever of result.levers) lines.push(`${lever.differs ? '≠' : '='} ${lever.sentence}`);
      process.stdout.write(lines.join('\n') + '\n');
    });

  program
    .command('rollback-scenarios')
    .description('Failure signatures (error pattern, failing step) with the recovery that worked, its time to recover and whether it was automatic')
    .option('--env <environment>', 'only deployments of this environment')
    .option('--json', 'print one JSON object')
    .action(async (options: { env?: string; json?: boolean }) => {
      const { learning, store, answer } = await open();
      const result = answer((onProgress) => learning.rollbackScenarios(store, { onProgress, ...(options.env === undefined ? {} : { environment: options.env }) }));
      if (options.json) return printJson(result);
      if (!result.scenarios.length) {
        process.stdout.write(`No failure recorded yet${options.env ? ` in ${options.env}` : ''}.\n`);
        return;
      }
      for (const s of result.scenarios) {
        process.stdout.write(`• ${s.sentence}\n`);
        if (s.explanation) process.stdout.write(`  ${s.explanation}\n`);
      }
    });

  program
    .command('analytics')
    .description('Deployment analytics: counts, success / failure / rollback rates, duration percentiles and trend, strategy mix, repairs, and the four DORA keys with their tier')
    .option('--env <environment>', 'only deployments of this environment')
    .option('--repo <path>', 'only deployments of this repository (the folder they were deployed from)')
    .option('--days <n>', 'the last N days (UTC, today included), or all', '30')
    .option('--json', 'print one JSON object (with the chart series the sidebar draws)')
    .action(async (options: { env?: string; repo?: string; days: string; json?: boolean }) => {
      const days = options.days === 'all' ? undefined : Number(options.days);
      if (days !== undefined && (!Number.isInteger(days) || days < 1)) {
        const { DeployAgentError } = await import('../../core/errors');
        throw new DeployAgentError('USAGE', `--days ${options.days} is not a whole number of days.`, 'Pass --days with a positive whole number, e.g. --days 30, or --days all.');
      }
      const { learning, store, answer } = await open();
      const a = answer((onProgress) =>
        learning.computeAnalytics(store, {
          onProgress,
          series: Boolean(options.json),
          ...(days === undefined ? {} : { days }),
          ...(options.env === undefined ? {} : { environment: options.env }),
          ...(options.repo === undefined ? {} : { repoPath: path.resolve(options.repo) }),
        }),
      );
      if (options.json) return printJson(a);
      process.stdout.write(renderAnalytics(a, learning.formatDuration, learning.formatPercent) + '\n');
    });
}

type AnalyticsResult = ReturnType<typeof import('../../core/learning').computeAnalytics>;

function renderAnalytics(a: AnalyticsResult, duration: (ms: number | null) => string, percent: (r: number | null) => string): string {
  const d = a.deployments;
  const where = `${a.window.repoPath ?? 'all repositories'}, ${a.window.environment ?? 'all environments'}`;
  const lines = [
    `Deployments in ${where}, ${a.window.days === null ? 'all history' : `last ${plural(a.window.days, 'day')}`} (from ${a.window.from?.slice(0, 10) ?? '—'}): ${d.total} — ${d.succeeded} succeeded, ${d.failed} failed, ${d.rolledBack} rolled back, ${d.cancelled} cancelled, ${d.interrupted} interrupted`,
  ];
  if (a.setupFailures.total) {
    lines.push(
      `Setup failures (stopped before any model or test ran; in no rate below): ${a.setupFailures.total}${a.setupFailures.refused ? `, of them ${a.setupFailures.refused} refused (repository busy, circuit breaker open)` : ''}`,
    );
  }
  if (!d.total) {
    lines.push('Nothing to analyse yet: deploy a recommendation with `deploy-agent deploy FILE`.');
    return lines.join('\n');
  }
  lines.push(`Success ${percent(a.rates.success)} · failure ${percent(a.rates.failure)} · rollback ${percent(a.rates.rollback)} (of ${d.finished} finished)`);
  lines.push(`Duration p50 ${duration(a.durationMs.p50)} · p90 ${duration(a.durationMs.p90)} · p99 ${duration(a.durationMs.p99)} · mean ${duration(a.durationMs.mean)}`);
  const t = a.trend;
  const change = [
    t.successRateChange === null ? null : `success ${t.successRateChange >= 0 ? '+' : ''}${(t.successRateChange * 100).toFixed(1)} points`,
    t.meanDurationChange === null ? null : `mean duration ${t.meanDurationChange >= 0 ? '+' : ''}${(t.meanDurationChange * 100).toFixed(0)}%`,
  ].filter(Boolean);
  lines.push(`Trend by ${t.bucket}: ${t.direction}${change.length ? ` (${change.join(', ')})` : ''}`);
  for (const p of t.points) lines.push(`  ${p.start}  ${String(p.deployments).padStart(5)} deployments, ${percent(p.successRate)} success, mean ${duration(p.meanDurationMs)}`);
  lines.push(`Strategy mix: ${a.strategyMix.map((s) => `${s.strategy} ${percent(s.share)} (${percent(s.successRate)} success)`).join(', ')}`);
  lines.push(`Repairs per deployment: ${a.repairsPerDeployment === null ? '—' : a.repairsPerDeployment.toFixed(2)}`);
  const input = a.modelInput;
  if (input.inputTokens) {
    const share = (x: number) => `${((x / input.inputTokens) * 100).toFixed(0)}%`;
    lines.push(
      `Model input: ${input.inputTokens.toLocaleString('en-US')} tokens — ${input.cacheReadTokens.toLocaleString('en-US')} read from the prompt cache (${share(input.cacheReadTokens)}), ${input.cacheWriteTokens.toLocaleString('en-US')} written to it (${share(input.cacheWriteTokens)}), ${input.uncachedTokens.toLocaleString('en-US')} uncached (${share(input.uncachedTokens)})`,
    );
  }
  const k = a.dora;
  const tier = (x: { tier: string | null; note?: string }) => x.tier ?? `no tier (${x.note ?? 'no data'})`;
  lines.push('DORA keys (2023 report tiers):');
  lines.push(`  deployment frequency   ${k.deploymentFrequency.value.perDay.toFixed(2)} a day (${k.deploymentFrequency.value.shipped} shipped in ${plural(k.deploymentFrequency.value.days, 'day')})  → ${tier(k.deploymentFrequency)}`);
  lines.push(`  lead time for changes  ${duration(k.leadTimeForChanges.value.medianMs)} (median of ${k.leadTimeForChanges.value.n})  → ${tier(k.leadTimeForChanges)}`);
  lines.push(`  change failure rate    ${percent(k.changeFailureRate.value.rate)} (${k.changeFailureRate.value.failed} of ${k.changeFailureRate.value.shipped} shipped)  → ${tier(k.changeFailureRate)}`);
  lines.push(`  time to restore        ${duration(k.timeToRestore.value.medianMs)} (median of ${k.timeToRestore.value.restored}, ${k.timeToRestore.value.open} open)  → ${tier(k.timeToRestore)}`);
  if (a.outcomeSource === 'local') lines.push('Outcomes are the local ones; `deploy-agent sync` adds what GitHub says (CI failed, reverted).');
  return lines.join('\n');
}
