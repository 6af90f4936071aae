import { withRecovery } from '../recovery';
import type { ReleaseStep } from '../release-state';
import { stepCommand } from '../scripts';
import { skipped } from '../../flow/step';

/**
 * install, build and migrate: the target's command run in the new release on every host (before
 * anything is switched, so a failure leaves the running release alone), with the knowledge
 * base's recoveries (a network failure during install retried with backoff, a full disk pruned, …).
 */
function releaseCommandStep(name: 'install' | 'build' | 'migrate'): ReleaseStep {
  return {
    name,
    async run(state, ctx) {
      const target = state.request.target;
      const command = target.steps[name];
      if (!command) return skipped(`target ${target.name} has no ${name} command`);
      // The database is migrated once, from the first host; the code is installed and built on every host.
      const hosts = name === 'migrate' ? target.hosts.slice(0, 1) : target.hosts;
      await ctx.eachHost(hosts, (host) => withRecovery(ctx, state, host, () => ctx.run(host, stepCommand(target.path, name, `releases/${state.release}`, command), { what: name })));
      return {};
    },
    summary: (state) => state.request.target.steps[name],
  };
}

export const installStep = releaseCommandStep('install');
export const buildStep = releaseCommandStep('build');
export const migrateStep = releaseCommandStep('migrate');
