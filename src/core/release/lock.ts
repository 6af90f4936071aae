import { hostname, userInfo } from 'node:os';
import { DeployAgentError } from '../errors';
import type { LockHandle } from '../deployment/types';
import { ownerAlive } from '../flow/owner';
import type { CommandResult } from './hosts/host';
import { forEachHost } from './hosts/each';
import type { RunOptions } from './release-state';
import { forceRemoveLock, readLock, releaseLock, takeLock } from './scripts';
import type { ReleaseTarget } from './types';

/** Who holds a target (the lock file `.deploy-agent.lock` on each host). */
export interface LockHolder {
  deploymentId: string;
  pid: number;
  /** The machine the release runs on. */
  client: string;
  user: string;
  at: number;
}

/** A lock whose holder runs on another machine is taken as stale after this long (its process cannot be checked from here). */
export const FOREIGN_LOCK_STALE_MS = 6 * 3_600_000;

type Run = (host: string, script: string, options?: RunOptions) => Promise<CommandResult>;

/**
 * Takes the target's lock on every host: one file per host, created with noclobber so that one
 * release wins. A lock held by this same release (a resumed one) or by a process that is gone
 * (same machine, pid dead; another machine, older than 6 h) is replaced, with a warning; any other
 * holder is named and the release refused — the hosts locked so far are let go again.
 */
export async function lockTarget(run: Run, target: ReleaseTarget, deploymentId: string, log: (message: string) => void, now = Date.now()): Promise<LockHandle> {
  const me: LockHolder = { deploymentId, pid: process.pid, client: hostname(), user: userInfo().username, at: now };
  const taken: string[] = [];
  const release = async () => {
    await Promise.allSettled(taken.map((host) => run(host, releaseLock(target.path, deploymentId), { label: 'unlock', level: 'debug', what: 'releasing the lock' })));
  };
  try {
    await forEachHost(target.hosts, async (host) => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const result = await run(host, takeLock(target.path, JSON.stringify(me)), { label: 'lock', level: 'debug', what: 'taking the lock' });
        if (result.output.startsWith('taken')) {
          taken.push(host);
          return;
        }
        const holder = parseHolder(result.output.split('\n').slice(1).join('\n'));
        const stale = staleReason(holder, deploymentId, now);
        if (!stale || attempt > 0) throw lockedError(target, host, holder);
        log(`${host}: replacing the lock of ${holder ? `deployment ${holder.deploymentId}` : 'an unreadable lock file'}: ${stale}.`);
        await run(host, forceRemoveLock(target.path), { label: 'lock', level: 'debug', what: 'removing a stale lock' });
      }
    });
  } catch (error) {
    await release();
    throw error;
  }
  return { release };
}

/** The holder named in each host's lock file (release status). */
export async function lockHolders(run: Run, target: ReleaseTarget): Promise<Record<string, LockHolder | null>> {
  return forEachHost(target.hosts, async (host) => parseHolder((await run(host, readLock(target.path), { label: 'lock', level: 'debug', what: 'reading the lock' })).output));
}

export function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text.trim()) as LockHolder;
    return typeof value.deploymentId === 'string' ? value : null;
  } catch {
    return null;
  }
}

function staleReason(holder: LockHolder | null, deploymentId: string, now: number): string | undefined {
  if (!holder) return 'the lock file cannot be read';
  if (holder.deploymentId === deploymentId) return 'it is this release’s own, left by its earlier process';
  if (holder.client === hostname() && !ownerAlive({ pid: holder.pid, host: holder.client })) return `its process ${holder.pid} on this machine is gone`;
  if (holder.client !== hostname() && now - holder.at > FOREIGN_LOCK_STALE_MS) return `it was taken on ${holder.client} more than ${FOREIGN_LOCK_STALE_MS / 3_600_000} h ago`;
  return undefined;
}

function lockedError(target: ReleaseTarget, host: string, holder: LockHolder | null): DeployAgentError {
  const who = holder ? `deployment ${holder.deploymentId} (pid ${holder.pid} on ${holder.client}, user ${holder.user})` : 'an unknown holder';
  const since = holder ? ` since ${new Date(holder.at).toISOString()}` : '';
  return new DeployAgentError(
    'TARGET_LOCKED',
    `Target ${target.name} is being released by ${who}${since} (lock on ${host}).`,
    holder ? `Wait for it to end (deploy-agent release status --target ${target.name}); if that process is gone for good, it is replaced automatically.` : `Remove ${target.path}/.deploy-agent.lock on ${host} if no release is running.`,
    { details: { host, holder } },
  );
}
