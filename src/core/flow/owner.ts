import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { processAlive, processIdentity } from '../process-identity';
import { DeploymentsRepository } from '../store/deployments';
import { EventsRepository } from '../store/steps';

/** The process that runs (or last ran) a deployment (of any flow), recorded as an `owner` event each time it starts or resumes. */
export interface DeploymentOwner {
  pid: number;
  host: string;
  startedAt?: number;
  /** The process's boot and start time (process-identity.ts): a reused PID is not taken for the owner. Absent in older records. */
  bootId?: string;
  startTime?: string;
}

export const OWNER_EVENT = 'owner';

export function recordOwner(events: EventsRepository, deploymentId: string, pid: number, at: number): void {
  events.insert(deploymentId, at, OWNER_EVENT, { ...processIdentity(pid), startedAt: at });
}

export function ownerOf(events: EventsRepository, deploymentId: string): DeploymentOwner | undefined {
  return events.latest(deploymentId, OWNER_EVENT)?.payload as DeploymentOwner | undefined;
}

/** Is the owner process alive? Only decidable on the same host; another host's owner counts as alive. A reused PID is not the owner. */
export function ownerAlive(owner: { pid: number; host?: string; bootId?: string; startTime?: string }): boolean {
  return processAlive(owner);
}

/**
 * Finds deployments recorded as `running` whose owner process is gone (killed, crashed, the
 * machine rebooted) and marks them `interrupted`, so `list` tells the truth and `resume` can
 * pick them up. Returns their ids.
 */
export function detectInterrupted(db: Database.Database, selfPid: number = process.pid): string[] {
  const deployments = new DeploymentsRepository(db);
  const events = new EventsRepository(db);
  const running = db.prepare(`SELECT id FROM deployments WHERE status = 'running'`).all() as { id: string }[];
  const found: string[] = [];
  for (const { id } of running) {
    const owner = ownerOf(events, id);
    if (owner && owner.pid === selfPid && owner.host === hostname()) continue;
    if (!owner || !ownerAlive(owner)) {
      deployments.update(id, { status: 'interrupted' });
      found.push(id);
    }
  }
  return found;
}
