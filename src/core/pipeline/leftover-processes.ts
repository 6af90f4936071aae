import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { processAlive, processIdentity, type ProcessIdentity } from '../process-identity';
import { EventsRepository } from '../store/steps';
import { canReadProcesses, listProcesses, treeOf } from '../testing/process-tree';
import type { ProcessWatch } from '../testing/run-process';

/**
 * The process groups a deployment runs in its sandbox (tests, installs, gates, hooks), recorded
 * while they run, so that what a killed Deploy Agent left behind can be stopped before anyone
 * touches the sandbox again: `resume` stops it before it continues, `clean` before it removes
 * the worktree. A record names the group's first process with what identifies it beyond its PID
 * (start time and boot, src/core/process-identity.ts), so a PID used again by an unrelated
 * process is never signalled. (bubblewrap's --die-with-parent already ends a confined run with
 * its parent; the record covers sandbox-exec and unconfined runs, and a tool that failed to.)
 */
export const PROCESS_STARTED = 'process.started';
export const PROCESS_ENDED = 'process.ended';
export const PROCESS_STOPPED = 'process.stopped';

interface StartedRecord extends ProcessIdentity {
  what: string;
  /** The sandbox the group runs in. */
  sandbox: string;
}

export interface StoppedGroup {
  pid: number;
  what: string;
  /** How many processes were signalled. */
  processes: number;
}

/** The watcher that records a deployment's process groups as events. */
export function recordProcessGroups(db: Database.Database, deploymentId: string, sandbox: string): ProcessWatch {
  const events = new EventsRepository(db);
  return ({ type, pid, what }) => {
    if (type === 'started') events.insert(deploymentId, Date.now(), PROCESS_STARTED, { ...processIdentity(pid), what, sandbox } satisfies StartedRecord);
    else events.insert(deploymentId, Date.now(), PROCESS_ENDED, { pid, what });
  };
}

/** The recorded groups of a deployment that did not end (their runner was killed). */
export function unendedGroups(db: Database.Database, deploymentId: string): StartedRecord[] {
  const open = new Map<number, StartedRecord>();
  for (const event of new EventsRepository(db).list(deploymentId)) {
    if (event.type === PROCESS_STARTED) {
      const record = event.payload as StartedRecord;
      open.set(record.pid, record);
    } else if (event.type === PROCESS_ENDED || event.type === PROCESS_STOPPED) {
      open.delete((event.payload as { pid: number }).pid);
    }
  }
  return [...open.values()];
}

/**
 * Stops what a deployment's killed run left running: each unended group whose first process is
 * still the recorded one (PID, start time, boot) with everything it started; when that process is
 * gone, the members of its group still working in the sandbox. TERM first, KILL after `graceMs`.
 */
export async function stopLeftoverProcesses(db: Database.Database, deploymentId: string, options: { graceMs?: number } = {}): Promise<StoppedGroup[]> {
  const stopped: StoppedGroup[] = [];
  const events = new EventsRepository(db);
  for (const record of unendedGroups(db, deploymentId)) {
    if (record.host && record.host !== hostname()) continue; // another machine's process cannot be reached
    const targets = findTargets(record);
    if (targets.length) {
      await terminate(targets, options.graceMs ?? 2000);
      stopped.push({ pid: record.pid, what: record.what, processes: targets.length });
    }
    events.insert(deploymentId, Date.now(), PROCESS_STOPPED, { pid: record.pid, what: record.what, processes: targets.length });
  }
  return stopped;
}

function findTargets(record: StartedRecord): number[] {
  const leader = processAlive(record);
  if (!canReadProcesses) return leader ? [-record.pid] : [];
  const processes = listProcesses();
  if (leader) return treeOf(record.pid, processes).map((p) => p.pid);
  // The first process is gone: its group's members that still work in the sandbox are the run's.
  return processes.filter((p) => p.pgid === record.pid && inside(cwdOf(p.pid), record.sandbox)).map((p) => p.pid);
}

async function terminate(pids: number[], graceMs: number): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(exists)) await new Promise((resolve) => setTimeout(resolve, 50));
  signal('SIGKILL');
}

/** Still running: a zombie (killed, not yet reaped by its new parent) counts as gone. */
function exists(pid: number): boolean {
  if (canReadProcesses && pid > 0) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cwdOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

function inside(dir: string | undefined, root: string): boolean {
  if (!dir) return false;
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
