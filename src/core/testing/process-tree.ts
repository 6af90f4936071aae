import { readdirSync, readFileSync } from 'node:fs';

/**
 * The processes a test run started, read from /proc (Linux). A process group kill reaches
 * everything that stayed in the group; a grandchild that called setsid() left it, so the
 * runner also remembers every descendant it has seen and kills those by pid.
 */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Clock ticks after boot: with the pid, it names a process even after its pid is reused. */
  startTime: number;
  rssBytes: number;
}

const PAGE = 4096;

export const canReadProcesses = process.platform === 'linux';

export function listProcesses(): ProcessInfo[] {
  if (!canReadProcesses) return [];
  const list: ProcessInfo[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may contain spaces: the fields follow the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] = state, [1] = ppid, [2] = pgrp, … [19] = starttime, [21] = rss (pages)
      list.push({ pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: Number(fields[19]), rssBytes: Number(fields[21]) * PAGE });
    } catch {
      // gone between readdir and read
    }
  }
  return list;
}

/** The root, its process group and every descendant of either, by pid. */
export function treeOf(rootPid: number, processes: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const inTree = new Set<number>([rootPid]);
  for (const p of processes) if (p.pgid === rootPid) inTree.add(p.pid);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of processes) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return processes.filter((p) => inTree.has(p.pid));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
