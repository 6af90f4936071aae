// Metrics sampler: its own CPU cost at the default interval (5 s), as % of one core.
// Same process, same duration: an idle baseline (nothing scheduled), then the sampler running
// (after its one warm-up) with latency probes to a local TCP server standing in for the model
// endpoint and the git remote. CPU = process.cpuUsage() (this process) plus, on Linux, the
// children it waited for (/proc/self/stat cutime+cstime: systeminformation's currentLoad runs
// `cat /proc/stat | grep cpu` on every call). A short fast run (every 250 ms) gives the cost per
// sample precisely; the default-interval figure is the measured one.
// Target: under 1% of one core, against either half of the idle baseline (raw differences: a
// negative figure is reported as it is). Run alone: npx tsx bench/metrics-sampler.bench.ts
// (BENCH_SAMPLER_SECONDS=25 sets the length of the baseline and of the measured run.)
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DEFAULT_METRICS_INTERVAL_MS, MetricsSampler } from '../src/core/strategy/metrics-sampler';
import { target as check, verdict } from './support';

const SECONDS = Number(process.env.BENCH_SAMPLER_SECONDS) || 25;
const FAST_INTERVAL_MS = 250;
const FAST_SECONDS = 10;
const TARGET_PERCENT = 1;

/** CPU ms of waited-for children (Linux); 0 elsewhere. Resolution: one clock tick (10 ms). */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime, cstime in 1/100 s
  } catch {
    return 0;
  }
}

function cpuNow(): { self: number; children: number } {
  const u = process.cpuUsage();
  return { self: (u.user + u.system) / 1000, children: childrenCpuMs() };
}

async function measure(ms: number, during?: () => Promise<void> | void, after?: () => void): Promise<{ selfMs: number; childrenMs: number; wallMs: number }> {
  const before = cpuNow();
  const t0 = performance.now();
  await during?.();
  await new Promise((resolve) => setTimeout(resolve, ms));
  after?.();
  const end = cpuNow();
  return { selfMs: end.self - before.self, childrenMs: end.children - before.children, wallMs: performance.now() - t0 };
}

async function main(): Promise<void> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const percent = (cpuMs: number, wallMs: number) => Math.round((cpuMs / wallMs) * 100 * 1000) / 1000;
  const target = { modelUrl: `http://127.0.0.1:${port}`, gitRemoteUrl: `ssh://git@127.0.0.1:${port}/acme/calc.git` };

  try {
    await new Promise((resolve) => setTimeout(resolve, 2000)); // let start-up work (module loading, JIT, GC) settle
    // Idle baseline in two halves, before and after the measured run, so drift cancels out.
    const idleBefore = await measure((SECONDS * 1000) / 2);

    let samples = 0;
    const sampler = new MetricsSampler({ repoPath: process.cwd(), ...target, onSample: () => samples++ });
    const warmStart = cpuNow();
    await sampler.start(); // the one warm-up (waits 500 ms) and the first sample: not part of the steady cost
    const warm = cpuNow();
    samples = 0;
    // A little over N intervals, so the N-th tick falls inside the window.
    const run = await measure(SECONDS * 1000 + 250, undefined, () => sampler.stop());
    const defaultSamples = samples;

    const idleAfter = await measure((SECONDS * 1000) / 2);
    const idleRate = (idleBefore.selfMs + idleAfter.selfMs) / (idleBefore.wallMs + idleAfter.wallMs);
    const idleChildrenRate = (idleBefore.childrenMs + idleAfter.childrenMs) / (idleBefore.wallMs + idleAfter.wallMs);

    const fast = new MetricsSampler({ repoPath: process.cwd(), intervalMs: FAST_INTERVAL_MS, latencyEveryMs: 1000, ...target });
    await fast.start();
    const before = fast.samples;
    let fastSamples = 0;
    const fastRun = await measure(FAST_SECONDS * 1000, undefined, () => {
      fastSamples = fast.samples - before;
      fast.stop();
    });

    // Raw differences, not clamped: a negative figure means the baseline's noise is larger than the cost.
    const extraSelf = run.selfMs - idleRate * run.wallMs;
    const extraChildren = run.childrenMs - idleChildrenRate * run.wallMs;
    const totalPercent = percent(extraSelf + extraChildren, run.wallMs);
    // The spread: the same figure against each half of the idle baseline alone (before, after).
    const against = (idle: { selfMs: number; childrenMs: number; wallMs: number }) => percent(run.selfMs + run.childrenMs - ((idle.selfMs + idle.childrenMs) / idle.wallMs) * run.wallMs, run.wallMs);
    const spread = [against(idleBefore), against(idleAfter)].sort((a, b) => a - b);
    const fastCpu = fastRun.selfMs + fastRun.childrenMs - (idleRate + idleChildrenRate) * fastRun.wallMs;
    const perSampleMs = fastSamples ? Math.round((fastCpu / fastSamples) * 100) / 100 : null;
    console.log(
      JSON.stringify({
        name: 'metrics-sampler.cpuCost',
        timed: `CPU of this process and its waited-for children while the sampler runs ${SECONDS} s at the default interval, minus the idle rate of the same process (before and after)`,
        runs: 1,
        percentOfOneCore: totalPercent,
        percentOfOneCoreMin: spread[0],
        percentOfOneCoreMax: spread[1],
        spread: `${spread[0]}–${spread[1]} % of one core (against each idle half)`,
        intervalMs: DEFAULT_METRICS_INTERVAL_MS,
        seconds: SECONDS,
        samples: defaultSamples,
        idlePercent: percent((idleRate + idleChildrenRate) * 1000, 1000),
        selfPercent: percent(extraSelf, run.wallMs),
        childrenPercent: percent(extraChildren, run.wallMs),
        idleBeforePercent: percent(idleBefore.selfMs + idleBefore.childrenMs, idleBefore.wallMs),
        idleAfterPercent: percent(idleAfter.selfMs + idleAfter.childrenMs, idleAfter.wallMs),
        perSampleCpuMs: perSampleMs,
        perSampleAtDefaultPercent: perSampleMs === null ? null : Math.round((perSampleMs / DEFAULT_METRICS_INTERVAL_MS) * 100 * 1000) / 1000,
        warmUpCpuMs: Math.round((warm.self - warmStart.self + warm.children - warmStart.children) * 10) / 10,
        // Judged on the worse end of the spread, so baseline noise cannot help it pass.
        ...verdict(check('CPU % of one core (worse baseline half)', spread[1]!, '<', TARGET_PERCENT, '%')),
      }),
    );
  } finally {
    server.close();
  }
}

void main().catch((error: unknown) => {
  console.log(JSON.stringify({ name: 'metrics-sampler.cpuCost', error: (error as Error).message }));
  process.exitCode = 1;
});
