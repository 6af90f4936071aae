import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * What a deployment cost the machine: the agent's own CPU time, the CPU time of the processes
 * it started and waited for (test runners, git, hooks — Linux reports them in /proc/self/stat as
 * cutime/cstime once they have been reaped), its peak memory, and the machine's load and free
 * memory, sampled once a second while it ran. Cheap enough to run always (one `os` call a second).
 */
export interface SystemImpact {
  wallMs: number;
  agentCpuMs: number;
  /** CPU of waited-for child processes; null where the platform does not report it. */
  childCpuMs: number | null;
  /** (agent + children CPU) / wall time, in cores: 1 = one core busy the whole time. */
  coresUsed: number;
  peakRssMb: number;
  machine: {
    cores: number;
    loadAverage1: { start: number; max: number; end: number };
    memoryUsedPercent: { start: number; max: number; end: number };
    samples: number;
  };
}

export interface ImpactProbe {
  stop(): SystemImpact;
}

const SAMPLE_MS = 1000;

export function startImpactProbe(now: () => number = Date.now): ImpactProbe {
  const startedAt = now();
  const cpu0 = process.cpuUsage();
  const child0 = childCpuMs();
  const load = range(os.loadavg()[0]!);
  const memory = range(memoryUsedPercent());
  let samples = 1;
  const timer = setInterval(() => {
    load.add(os.loadavg()[0]!);
    memory.add(memoryUsedPercent());
    samples++;
  }, SAMPLE_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      load.add(os.loadavg()[0]!);
      memory.add(memoryUsedPercent());
      samples++;
      const wallMs = Math.max(1, now() - startedAt);
      const cpu = process.cpuUsage(cpu0);
      const agentCpuMs = Math.round((cpu.user + cpu.system) / 1000);
      const child1 = childCpuMs();
      const children = child0 === null || child1 === null ? null : child1 - child0;
      return {
        wallMs,
        agentCpuMs,
        childCpuMs: children,
        coresUsed: round2((agentCpuMs + (children ?? 0)) / wallMs),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        machine: { cores: os.cpus().length || 1, loadAverage1: load.value(), memoryUsedPercent: memory.value(), samples },
      };
    },
  };
}

/** cutime + cstime of this process (fields 16 and 17 of /proc/self/stat), in ms. */
export function childCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksPerSecond = 100; // USER_HZ is 100 on every Linux architecture Node supports
    return Math.round(((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond);
  } catch {
    return null;
  }
}

function memoryUsedPercent(): number {
  return round2((1 - os.freemem() / os.totalmem()) * 100);
}

function range(first: number) {
  let max = first;
  let last = first;
  return {
    add(v: number) {
      last = v;
      if (v > max) max = v;
    },
    value: () => ({ start: round2(first), max: round2(max), end: round2(last) }),
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
