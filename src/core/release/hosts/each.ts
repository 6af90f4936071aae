import { DeployAgentError } from '../../errors';
import { plural } from '../../plural';

/**
 * Runs `work` on every host at once and waits for all of them (a host that fails does not leave
 * another half-done mid-command). The first failure is thrown, with how many hosts failed.
 */
export async function forEachHost<T>(hosts: readonly string[], work: (host: string) => Promise<T>): Promise<Record<string, T>> {
  const settled = await Promise.allSettled(hosts.map((host) => work(host)));
  const failed = settled.map((s, i) => ({ s, host: hosts[i]! })).filter((x) => x.s.status === 'rejected');
  if (failed.length) {
    const first = (failed[0]!.s as PromiseRejectedResult).reason as unknown;
    if (failed.length > 1 && first instanceof DeployAgentError) {
      throw new DeployAgentError(first.code, `${first.message} (and on ${plural(failed.length - 1, 'other host')}: ${failed.slice(1).map((f) => f.host).join(', ')})`, first.hint, { cause: first, details: first.details });
    }
    throw first;
  }
  return Object.fromEntries(settled.map((s, i) => [hosts[i]!, (s as PromiseFulfilledResult<T>).value]));
}
