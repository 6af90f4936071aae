import type { SshHost } from '../hosts/ssh-host';
import type { ReleaseStep } from '../release-state';

/** Connects to every host of the target (an SSH host's key verified before anything runs on it). */
export const connectStep: ReleaseStep = {
  name: 'connect',
  async run(state, ctx) {
    const target = state.request.target;
    const keys = await ctx.eachHost(target.hosts, async (name) => {
      const host = await ctx.host(name);
      return host.kind === 'ssh' ? (host as SshHost).fingerprint : 'local';
    });
    return { hostKeys: keys };
  },
  summary: (state) => {
    const hosts = Object.entries(state.hostKeys ?? {});
    return hosts.map(([host, key]) => (key === 'local' ? 'this machine' : `${host} (${key})`)).join(', ');
  },
};
