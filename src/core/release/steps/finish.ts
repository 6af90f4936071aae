import { toEventError } from '../../flow/event-error';
import { restartApp, stopAppOn } from '../app';
import { patternOf } from '../command';
import { checkHealth } from '../health';
import { parseReleases } from '../recovery';
import type { ReleaseClosingStep, ReleaseStepContext } from '../release-state';
import { base, listReleases, removeReleases, switchCurrent } from '../scripts';
import type { ReleaseState } from '../types';

/**
 * Ends every release, also a failed or cancelled one. A release that did not succeed leaves the
 * target as it found it: every host whose `current` points at the new release (read from the host,
 * not from memory, so a step that died halfway is covered too) is switched back to the release it
 * had before and restarted — or, for a first release, the application is stopped and `current`
 * removed — and the new release's folder is removed. A rollback that worked makes the release
 * `rolled_back`; each host's rollback is a recorded recovery. The lock is let go afterwards.
 */
export const finishStep: ReleaseClosingStep = {
  name: 'finish',
  async run(state, ctx, ending) {
    if (ending.status === 'succeeded' || !state.hosts) return;
    const target = state.request.target;
    const failedStep = (ctx.db.prepare(`SELECT name FROM deployment_steps WHERE deployment_id = ? AND status IN ('failed','cancelled') ORDER BY id DESC LIMIT 1`).pluck().get(state.id) as string | undefined) ?? null;
    const patternId = ending.error ? patternOf(new Error(ending.error.message)) : null;
    const outcome = await Promise.allSettled(
      target.hosts.map(async (host) => {
        const listing = parseReleases((await ctx.run(host, listReleases(target.path), { label: 'finish', level: 'debug', what: 'reading the current release' })).output);
        const previous = state.hosts?.[host]?.previous ?? null;
        let rolledBack: boolean | null = null;
        if (listing.current === state.release && previous !== state.release) {
          const since = ctx.now();
          rolledBack = await switchBack(ctx, state, host, previous);
          ctx.recordRecovery({ host, step: failedStep ?? 'finish', patternId, action: 'rollback', worked: rolledBack, recoveredMs: rolledBack ? ctx.now() - since : null, detail: previous ? `back to ${previous}` : 'first release: application stopped' });
        }
        if (state.request.mode === 'release') {
          await ctx.run(host, removeReleases(target.path, [state.release]), { label: 'finish', level: 'debug', what: 'removing the unfinished release' });
        }
        return { rolledBack, previous };
      }),
    );
    const results = outcome.map((o, i) => ({ host: target.hosts[i]!, o }));
    for (const { host, o } of results) {
      if (o.status === 'rejected') state.warnings.push(`Could not restore ${host}: ${toEventError(o.reason, ctx.signal).message}`);
      else if (o.value.rolledBack === false) state.warnings.push(`${host} was switched back but its previous release is not healthy either; look at it now.`);
    }
    const rolled = results.flatMap(({ host, o }) => (o.status === 'fulfilled' && o.value.rolledBack !== null ? [{ host, ...o.value }] : []));
    const clean = results.every((r) => r.o.status === 'fulfilled' && r.o.value.rolledBack !== false);
    if (!rolled.length) return undefined;
    ctx.log(clean ? 'info' : 'error', `Rolled back ${rolled.map((r) => r.host).join(', ')}${clean ? '' : ' (not every host is healthy)'}.`);
    return { status: clean && ending.status === 'failed' ? 'rolled_back' : ending.status, done: whatWasDone(rolled) };
  },
};

/**
 * What the rollback did, for the failure's hint: each host back on the release it ran before — or,
 * on a host this was the first release of, nothing to go back to (the application stopped, no
 * `current`: the host serves nothing until a release succeeds).
 */
export function whatWasDone(rolled: readonly { host: string; previous: string | null; rolledBack: boolean | null }[]): string {
  const back = rolled.filter((r) => r.previous);
  const first = rolled.filter((r) => !r.previous).map((r) => r.host);
  const parts: string[] = [];
  if (back.length) {
    const healthy = (r: (typeof back)[number]) => (r.rolledBack ? '' : ' (not healthy either: look at it now)');
    parts.push(`Switched back to the release that ran before: ${back.map((r) => `${r.host} runs ${r.previous}${healthy(r)}`).join(', ')}.`);
  }
  if (first.length) {
    parts.push(
      `${first.join(', ')} had no release before this one, so there was nothing to roll back to: the application is stopped and \`current\` removed — ${first.length === 1 ? 'it serves' : 'they serve'} nothing until a release succeeds.`,
    );
  }
  return parts.join(' ');
}

/** Switches one host back to `previous` and restarts it (true: healthy again); no previous: stops the application and removes `current`. */
async function switchBack(ctx: ReleaseStepContext, state: Readonly<ReleaseState>, host: string, previous: string | null): Promise<boolean> {
  const target = state.request.target;
  if (!previous) {
    await stopAppOn(ctx, target, host);
    await ctx.run(host, `${base(target.path)}rm -f "$B/current"`, { label: 'finish', level: 'debug', what: 'removing current' });
    ctx.log('warn', `${host}: there was no release before this one; the application is stopped and current removed.`);
    return true;
  }
  await ctx.run(host, switchCurrent(target.path, previous), { label: 'finish', level: 'debug', what: `switching back to ${previous}` });
  ctx.log('warn', `${host}: current → releases/${previous} (switched back)`);
  await restartApp(ctx, target, host, state.hosts?.[host]?.root ?? target.path);
  if (!target.healthCheck) return true;
  const health = await checkHealth(await ctx.host(host), target.healthCheck, { signal: ctx.signal, baseDelayMs: ctx.timing.healthBaseMs, mask: ctx.mask.apply, now: ctx.now, timeoutMs: Math.min(target.healthCheck.timeoutMs, 30_000) });
  ctx.log(health.ok ? 'info' : 'error', `${host}: ${previous} ${health.ok ? `is healthy again (${health.status} in ${health.ms} ms)` : `is not healthy either: ${health.error}`}`);
  return health.ok;
}
