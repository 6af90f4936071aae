import { restartApp } from '../app';
import type { ReleaseStep } from '../release-state';
import { batchHosts } from './batch';

/** Restarts the application on the batch's hosts so that it runs the release `current` points at. */
export const restartStep = (name: ReleaseStep['name'] = 'restart'): ReleaseStep => ({
  name,
  async run(state, ctx) {
    const target = state.request.target;
    const hosts = batchHosts(state, ctx);
    const done = await ctx.eachHost(hosts, (host) => restartApp(ctx, target, host, state.hosts?.[host]?.root ?? target.path));
    for (const [host, how] of Object.entries(done)) ctx.log('info', `${host}: ${how}`);
    return {};
  },
});
