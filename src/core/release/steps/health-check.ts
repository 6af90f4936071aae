import { matchErrorPattern } from '../../recovery/error-patterns';
import { appLogExcerpt } from '../app';
import { checkHealth, healthFailed } from '../health';
import type { ReleaseStep } from '../release-state';
import { batchHosts } from './batch';
import { skipped } from '../../flow/step';

/**
 * Asks each host of the batch for its health until it answers as expected (retries with backoff
 * up to the check's time limit). A host that never does fails the release, which the closing step
 * then rolls back; the application's log tail says why. A wait that ended healthy is a recovery
 * that worked (`wait-and-retry`).
 */
export const healthCheckStep = (name: ReleaseStep['name'] = 'health-check'): ReleaseStep => ({
  name,
  async run(state, ctx) {
    const target = state.request.target;
    const check = target.healthCheck;
    if (!check) {
      ctx.log('warn', `Target ${target.name} has no healthCheck: the release is switched without being verified.`);
      return skipped(`target ${target.name} has no healthCheck, so the release was not verified`);
    }
    const hosts = batchHosts(state, ctx);
    const results = await ctx.eachHost(hosts, async (hostName) => {
      const host = await ctx.host(hostName);
      const result = await checkHealth(host, check, { signal: ctx.signal, baseDelayMs: ctx.timing.healthBaseMs, mask: ctx.mask.apply, now: ctx.now });
      // A second's wait for an application that is still starting is normal; longer, or never healthy, is a recovery tried.
      if (result.attempts > 1 && (!result.ok || result.waitedMs >= 1000)) {
        const patternId = matchErrorPattern(`health check ${check.url}: ${result.error ?? 'connect ECONNREFUSED (on '}`, { scope: 'release' })?.id ?? null;
        ctx.recordRecovery({ host: hostName, step: ctx.step, patternId: result.ok ? 'release-health-refused' : patternId, action: 'wait-and-retry', worked: result.ok, recoveredMs: result.ok ? result.waitedMs : null, detail: `${result.attempts} requests` });
      }
      if (!result.ok) throw healthFailed(hostName, check, result, await appLogExcerpt(ctx, target, hostName).catch(() => null));
      ctx.log('info', `${hostName}: ${check.url} answered ${result.status} in ${result.ms} ms: ${result.body.slice(0, 200)}`);
      return { status: result.status!, ms: result.ms, body: result.body.slice(0, 500) };
    });
    return { health: { ...state.health, ...results } };
  },
  summary: (state) => Object.entries(state.health ?? {}).map(([host, h]) => `${host}: ${h.status} in ${h.ms} ms`).join('; '),
});
