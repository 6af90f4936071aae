import type { ReleaseStep } from '../release-state';
import { switchCurrent } from '../scripts';
import { batchHosts } from './batch';

/** Points `current` at the release on the batch's hosts: a new symlink renamed over the old one (atomic). */
export const switchStep = (name: ReleaseStep['name'] = 'switch'): ReleaseStep => ({
  name,
  async run(state, ctx) {
    const target = state.request.target;
    const hosts = batchHosts(state, ctx);
    await ctx.eachHost(hosts, async (host) => {
      const result = await ctx.run(host, switchCurrent(target.path, state.release), { level: 'debug', what: `switching current to ${state.release}` });
      ctx.log('info', `${host}: current → ${result.output.trim()}`);
    });
    const next = { ...state.hosts };
    for (const host of hosts) next[host] = { ...next[host]!, switched: true };
    return { hosts: next };
  },
  summary: (state) => `current → releases/${state.release}`,
});
