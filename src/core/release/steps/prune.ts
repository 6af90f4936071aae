import { parseReleases } from '../recovery';
import type { ReleaseStep } from '../release-state';
import { listReleases, removeReleases } from '../scripts';

/** Keeps the newest `keepReleases` releases on every host (never the current one or the one before it). */
export const pruneStep: ReleaseStep = {
  name: 'prune',
  async run(state, ctx) {
    const target = state.request.target;
    const removed = await ctx.eachHost(target.hosts, async (host) => {
      const listing = parseReleases((await ctx.run(host, listReleases(target.path), { level: 'debug', what: 'listing the releases' })).output);
      const keep = new Set([...listing.releases.slice(-target.keepReleases), listing.current, state.hosts?.[host]?.previous].filter(Boolean) as string[]);
      const victims = listing.releases.filter((r) => !keep.has(r));
      await ctx.run(host, removeReleases(target.path, victims), { level: 'debug', what: 'removing old releases' });
      return victims;
    });
    return { pruned: [...new Set(Object.values(removed).flat())] };
  },
  summary: (state) => (state.pruned?.length ? `removed ${state.pruned.join(', ')}` : 'nothing to remove'),
};
