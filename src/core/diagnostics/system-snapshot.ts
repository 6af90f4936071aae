import type { Systeminformation } from 'systeminformation';
import path from 'node:path';

export interface SystemSnapshot {
  cpuLoadPercent: number;
  loadAverage: number[];
  cpuCores: number;
  memoryTotalBytes: number;
  memoryUsedBytes: number;
  memoryAvailableBytes: number;
  disk: { mount: string; freeBytes: number; sizeBytes: number } | null;
}

/**
 * One reading of the machine through systeminformation. `currentLoad` compares with its
 * previous call, so the first reading in a process is taken twice, a short moment apart.
 */
export async function readSystemSnapshot(workingDir: string): Promise<SystemSnapshot> {
  // Loaded here, not with this module: systeminformation is 0.7 MB of module set-up.
  const { default: systemInformation } = await import('systeminformation');
  const [load, mem, disks] = await Promise.all([systemInformation.currentLoad(), systemInformation.mem(), systemInformation.fsSize()]);
  return {
    cpuLoadPercent: round(load.currentLoad),
    loadAverage: (await import('node:os')).loadavg().map(round),
    cpuCores: load.cpus?.length ?? 0,
    memoryTotalBytes: mem.total,
    memoryUsedBytes: mem.total - mem.available,
    memoryAvailableBytes: mem.available,
    disk: diskFor(workingDir, disks),
  };
}

/** The file system that holds `dir`: the mount point that is its longest prefix. */
function diskFor(dir: string, disks: Systeminformation.FsSizeData[]): SystemSnapshot['disk'] {
  const absolute = path.resolve(dir);
  let best: Systeminformation.FsSizeData | undefined;
  for (const disk of disks) {
    const mount = disk.mount;
    if (!mount) continue;
    const inside = absolute === mount || absolute.startsWith(mount.endsWith(path.sep) ? mount : mount + path.sep);
    if (inside && (!best || mount.length > best.mount.length)) best = disk;
  }
  return best ? { mount: best.mount, freeBytes: best.available, sizeBytes: best.size } : null;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
