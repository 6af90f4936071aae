import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { DeployAgentError } from '../errors';
import { abortableSleep } from '../recovery/retry';
import type { LockHandle } from './ports';
import { ownerAlive } from './owner';
import { processIdentity, type ProcessIdentity } from '../process-identity';
import { git } from '../git/run';

/**
 * The repository lock: one file in the
 * repository's git folder, created exclusively, naming the deployment and its process. A
 * holder whose process is gone is replaced; otherwise the caller waits (polling, cancellable)
 * or is refused at once.
 */
interface Holder extends ProcessIdentity {
  deploymentId: string;
  at: number;
}

export async function acquireRepositoryLock(repoRoot: string, deploymentId: string, options: { wait: boolean; signal: AbortSignal; pollMs?: number }): Promise<LockHandle> {
  const common = path.resolve(repoRoot, await git(repoRoot, ['rev-parse', '--git-common-dir']));
  const file = path.join(common, 'deploy-agent.lock');
  const me: Holder = { deploymentId, ...processIdentity(), at: Date.now() };
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      return {
        release: async () => {
          const current = await readHolder(file);
          if (current?.deploymentId === deploymentId && current.pid === process.pid) await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (!holder || !ownerAlive(holder) || holder.deploymentId === deploymentId) {
      await rm(file, { force: true }); // a dead holder, an unreadable file, or our own earlier life (resume)
      continue;
    }
    if (!options.wait) {
      throw new DeployAgentError(
        'REPOSITORY_BUSY',
        `Another deployment (${holder.deploymentId}, process ${holder.pid}) is running on this repository.`,
        'Wait for it to finish, or run without --no-wait to queue behind it.',
        { details: { holder } },
      );
    }
    await abortableSleep(options.pollMs ?? 500, options.signal);
  }
}

async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}
