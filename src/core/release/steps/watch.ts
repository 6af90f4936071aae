import { DeployAgentError } from '../../errors';
import { abortableSleep } from '../../recovery/retry';
import { checkHealth } from '../health';
import { forEachHost } from '../hosts/each';
import { averageMetrics, baselineMetrics, breachOf, METRICS_EVENT, parseMetrics, type ReleaseMetrics } from '../metrics';
import type { ReleaseStep, ReleaseStepContext } from '../release-state';
import { inCurrent } from '../scripts';
import type { ReleaseState } from '../types';
import { skipped } from '../../flow/step';
import { plural } from '../../plural';

/** Health failures in a row that count as a breach (one lost request is not). */
const HEALTH_STRIKES = 2;

/**
 * For the strategy's watch time after the switch (0 for aggressive: skipped), every host's health
 * keeps being asked and, when configured, the metrics command or URL compared with the previous
 * release's: a breach fails the release with its signal, and the closing step rolls it back.
 * The figures this release settled on become the baseline of the next one.
 */
export const watchStep: ReleaseStep = {
  name: 'watch',
  async run(state, ctx) {
    const target = state.request.target;
    const minutes = state.levers?.watchMinutes ?? 0;
    if (minutes <= 0) return skipped(`the ${state.levers?.name ?? 'chosen'} strategy watches for no time after the switch`);
    if (!target.healthCheck && !target.watch?.metrics) return skipped(`target ${target.name} has neither a healthCheck nor watch.metrics to watch`);
    const interval = target.watch?.intervalMs ?? 5000;
    const deadline = ctx.now() + minutes * 60_000;
    const baseline = baselineMetrics(ctx.db, target.name, state.id);
    const samples: ReleaseMetrics[] = [];
    const strikes: Record<string, number> = {};
    let checks = 0;
    ctx.progress(`watching for ${minutes} min`);
    while (ctx.now() < deadline) {
      await abortableSleep(Math.min(interval, Math.max(0, deadline - ctx.now())), ctx.signal);
      checks++;
      await forEachHost(target.hosts, async (hostName) => {
        const host = await ctx.host(hostName);
        if (target.healthCheck) {
          const health = await checkHealth(host, target.healthCheck, { signal: ctx.signal, baseDelayMs: ctx.timing.healthBaseMs, mask: ctx.mask.apply, timeoutMs: Math.min(target.healthCheck.timeoutMs, 5000), now: ctx.now, once: true });
          strikes[hostName] = health.ok ? 0 : (strikes[hostName] ?? 0) + 1;
          if (strikes[hostName]! >= HEALTH_STRIKES) throw breach(state, ctx, hostName, `health check ${target.healthCheck.url} ${health.error}`, { kind: 'health', error: health.error });
        }
        const metrics = await readMetrics(ctx, state, hostName);
        if (metrics) {
          samples.push(metrics);
          const limits = target.watch!.metrics!;
          const broken = breachOf(metrics, baseline, limits);
          if (broken) throw breach(state, ctx, hostName, broken, { kind: 'metrics', metrics, baseline });
        }
      });
      ctx.progress(`watching: ${plural(checks, 'check')} healthy`, Math.min(1, 1 - (deadline - ctx.now()) / (minutes * 60_000)));
    }
    if (samples.length) ctx.record(METRICS_EVENT, averageMetrics(samples));
    return { watched: { checks } };
  },
  summary: (state) => (state.watched ? `${plural(state.watched.checks, 'check')}, no breach` : undefined),
};

async function readMetrics(ctx: ReleaseStepContext, state: Readonly<ReleaseState>, hostName: string): Promise<ReleaseMetrics | null> {
  const metrics = state.request.target.watch?.metrics;
  if (!metrics) return null;
  if (metrics.command) {
    const result = await ctx.run(hostName, inCurrent(state.request.target.path, 'metrics', metrics.command), { level: 'debug', what: 'the metrics command' });
    return parseMetrics(result.output);
  }
  if (metrics.url) {
    const host = await ctx.host(hostName);
    const answer = await host.httpGet(metrics.url, { timeoutMs: 5000, signal: ctx.signal });
    return parseMetrics(ctx.mask.apply(answer.body));
  }
  return null;
}

function breach(state: Readonly<ReleaseState>, ctx: ReleaseStepContext, host: string, what: string, signal: Record<string, unknown>): DeployAgentError {
  ctx.record('release.watch.breach', { host, what, signal });
  return new DeployAgentError(
    'WATCH_BREACH',
    `Watching release ${state.release} on ${host}: ${what}.`,
    'Look at the application and its metrics, fix the cause and release again (`deploy-agent release status` shows what the target runs now).',
    { details: { host, signal } },
  );
}
