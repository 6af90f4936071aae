import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who a process is, beyond its PID: PIDs are reused (after a reboot, or once the counter wraps),
 * so a record that names only a PID can make a dead process look alive forever. The start time
 * of the process (and the boot it started in) tells the original from a later process that got
 * the same number. Records written by deployments (owner, repository lock) and by the test runs
 * (process groups) carry it; `processAlive` compares it.
 *
 * Linux: /proc/PID/stat's start time (clock ticks since boot) and /proc/sys/kernel/random/boot_id.
 * macOS and the BSDs: `ps -o lstart=` and `sysctl -n kern.boottime`. Elsewhere (Windows) neither
 * is known and only the PID is compared, as before.
 */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** The boot the process started in; absent where it cannot be read. */
  bootId?: string;
  /** When the process started, in the platform's own terms (only compared for equality); absent when unknown. */
  startTime?: string;
}

let ownIdentity: ProcessIdentity | undefined;

/** The identity of a running process (this one by default). `startTime` is absent when the process does not exist. */
export function processIdentity(pid: number = process.pid): ProcessIdentity {
  if (pid === process.pid && ownIdentity) return ownIdentity;
  const boot = bootId();
  const started = startTimeOf(pid);
  const identity: ProcessIdentity = { pid, host: hostname(), ...(boot ? { bootId: boot } : {}), ...(started ? { startTime: started } : {}) };
  if (pid === process.pid) ownIdentity = identity;
  return identity;
}

/**
 * Is the process a record names still the one that wrote it? Another host's process cannot be
 * checked and counts as alive. On this host: gone when the machine booted since, when no process
 * has the PID, or when the process with the PID started at another time (the PID was reused).
 */
export function processAlive(recorded: { pid: number; host?: string; bootId?: string; startTime?: string }): boolean {
  if (recorded.host && recorded.host !== hostname()) return true;
  if (recorded.bootId) {
    const now = bootId();
    if (now && now !== recorded.bootId) return false;
  }
  try {
    process.kill(recorded.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (recorded.startTime) {
    const current = startTimeOf(recorded.pid);
    if (current && current !== recorded.startTime) return false;
  }
  return true;
}

let cachedBootId: string | null | undefined;

/** An id of the current boot of this machine; undefined where it cannot be read. */
export function bootId(): string | undefined {
  if (cachedBootId === undefined) cachedBootId = readBootId() ?? null;
  return cachedBootId ?? undefined;
}

function readBootId(): string | undefined {
  try {
    if (process.platform === 'linux') return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    if (process.platform === 'darwin' || process.platform.endsWith('bsd')) {
      return /sec = (\d+)/.exec(execFileSync('sysctl', ['-n', 'kern.boottime'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }))?.[1];
    }
  } catch {
    // not readable here: only PIDs (and start times) are compared
  }
  return undefined;
}

/** When process `pid` started; undefined when there is no such process or the platform does not say. */
export function startTimeOf(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may hold spaces or parentheses: count from the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[19]; // field 22, starttime
    }
    if (process.platform === 'darwin' || process.platform.endsWith('bsd')) {
      return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim() || undefined;
    }
  } catch {
    // gone, or not ours to read
  }
  return undefined;
}
