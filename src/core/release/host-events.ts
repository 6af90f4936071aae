import type { StepContext } from '../flow/step';
import { toEventError } from '../flow/event-error';
import { forEachHost } from './hosts/each';
import type { ReleaseStepName } from './release-state';

/**
 * `forEachHost` for a step, telling each host's part as it starts and ends (`release.host`: the
 * panel shows a release's steps per host with their state and duration). The events go through
 * the runner's `emit`, so they are masked and recorded like every other.
 */
export function eachHostOfStep(ctx: Pick<StepContext<ReleaseStepName>, 'deploymentId' | 'step' | 'signal' | 'now' | 'emit'>) {
  return <T>(hosts: readonly string[], work: (host: string) => Promise<T>): Promise<Record<string, T>> =>
    forEachHost(hosts, async (host) => {
      const started = ctx.now();
      const base = { type: 'release.host' as const, deploymentId: ctx.deploymentId, step: ctx.step, host };
      ctx.emit({ ...base, ts: started, status: 'running' });
      try {
        const result = await work(host);
        ctx.emit({ ...base, ts: ctx.now(), status: 'succeeded', durationMs: ctx.now() - started });
        return result;
      } catch (error) {
        const e = toEventError(error, ctx.signal);
        ctx.emit({ ...base, ts: ctx.now(), status: ctx.signal.aborted ? 'cancelled' : 'failed', durationMs: ctx.now() - started, error: e });
        throw error;
      }
    });
}
