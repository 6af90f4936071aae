import type { ReleaseStep } from '../release-state';
import { linkShared } from '../scripts';
import { skipped } from '../../flow/step';

/** Links shared/ entries (secrets, data) into the release on every host; they never travel from this machine. */
export const linkSharedStep: ReleaseStep = {
  name: 'link-shared',
  async run(state, ctx) {
    const target = state.request.target;
    if (!target.shared.length) return skipped(`target ${target.name} lists no shared files`);
    const missing: string[] = [];
    await ctx.eachHost(target.hosts, async (host) => {
      const result = await ctx.run(host, linkShared(target.path, state.release, target.shared), { level: 'debug', what: 'linking shared files' });
      for (const line of result.output.split('\n')) {
        if (line.startsWith('missing ')) missing.push(`${host}: shared/${line.slice(8)}`);
      }
    });
    for (const m of missing) ctx.log('warn', `${m} does not exist, so it is not linked into the release (create it on the host).`);
    return { sharedMissing: missing };
  },
  summary: (state) => `${state.request.target.shared.join(', ')}${state.sharedMissing?.length ? ` (missing: ${state.sharedMissing.join('; ')})` : ''}`,
};
