import { readdirSync, readlinkSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

export interface FileHolder {
  pid: number;
  command: string;
}

/**
 * Which other processes have this database (or its -wal/-shm) open. Linux reads /proc;
 * elsewhere the answer is empty and the error says only that another process holds it.
 */
export function findFileHolders(file: string): FileHolder[] {
  if (process.platform !== 'linux') return [];
  let target: string;
  try {
    target = realpathSync(file);
  } catch {
    target = path.resolve(file);
  }
  const wanted = new Set([target, `${target}-wal`, `${target}-shm`]);
  const holders: FileHolder[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    const holds = fds.some((fd) => {
      try {
        return wanted.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false;
      }
    });
    if (holds) holders.push({ pid: Number(pid), command: readCommand(pid) });
  }
  return holders;
}

function readCommand(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 200);
  } catch {
    return '?';
  }
}
