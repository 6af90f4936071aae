import { execFileSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import os from 'node:os';
import { detectEnvironment, environmentSettings } from '../strategy/environment';
import type { MetricsReading } from '../strategy/types';
import type { ContextInfo } from './ports';

/**
 * The part of a deployment's context that is not analysis: the environment with its evidence and
 * one reading of the machine. The reading uses only calls that answer at once (load average, free
 * memory, statfs) — the pipeline's overhead budget has no room for systeminformation's 500 ms
 * first `currentLoad` — and gives the strategy what its safety overrides and blocks need.
 */
export function baseContext(repoRoot: string, env: NodeJS.ProcessEnv, config?: { get<T>(key: string): T }): ContextInfo {
  const environmentDetection = detectEnvironment({ env, branch: currentBranch(repoRoot), ...environmentSettings(config) });
  return { environment: environmentDetection.environment, environmentDetection, metrics: readMachineNow(repoRoot), dataGaps: [] };
}

export function readMachineNow(dir: string): MetricsReading {
  const cores = os.cpus().length || 1;
  const load1 = os.loadavg()[0]!;
  const total = os.totalmem();
  const free = os.freemem();
  let diskFreeBytes: number | null;
  try {
    const fs = statfsSync(dir);
    diskFreeBytes = fs.bavail * fs.bsize;
  } catch {
    diskFreeBytes = null; // a file system that does not answer statfs: no disk evidence
  }
  return {
    cpuLoadPercent: Math.min(100, Math.round((load1 / cores) * 1000) / 10),
    memoryUsedPercent: Math.round((1 - free / total) * 1000) / 10,
    memoryAvailableBytes: free,
    diskFreeBytes,
    loadAverage1: Math.round(load1 * 100) / 100,
    sampledAt: Date.now(),
  };
}

function currentBranch(repoRoot: string): string | undefined {
  try {
    const name = execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return name && name !== 'HEAD' ? name : undefined;
  } catch {
    return undefined; // detached HEAD: the branch is no evidence
  }
}
