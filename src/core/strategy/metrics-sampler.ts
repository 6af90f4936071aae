import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { endpointOfGitRemote, endpointOfUrl, tcpConnectLatency, type Endpoint } from './latency';
import type { MetricsReading } from './types';

/**
 * The machine's state, sampled in the background so a strategy decision reads it without
 * waiting: CPU load and load average, memory used and available, free disk on the repository's
 * file system, and TCP connect latency to the model endpoint and the git remote.
 *
 * Cost control (bench/metrics-sampler.bench.ts measures it):
 * - `currentLoad` compares with its previous call, so its very first call waits 500 ms: that
 *   warm-up happens once, in `start()`, never in a sample.
 * - The loop reads only cheap sources: os.cpus()-based load (systeminformation), /proc/meminfo
 *   (si.mem), statfs(2) for the disk (no `df` child process). Slow calls — si.networkInterfaces,
 *   si.processes, si.fsSize — are never made here.
 * - Latency probes run at most every `latencyEveryMs` (default 30 s), without blocking a sample.
 * - The timer is unref'd: the sampler never keeps a CLI process alive.
 */
export interface SamplerSources {
  currentLoad(): Promise<{ currentLoad: number }>;
  mem(): Promise<{ total: number; available: number }>;
  /** Free bytes for an unprivileged user on the file system holding `dir`; null when unknown. */
  diskFree(dir: string): Promise<number | null>;
  loadAverage1(): number;
  latency(endpoint: Endpoint, timeoutMs: number): Promise<number | null>;
}

export interface MetricsSamplerOptions {
  /** The repository: its file system's free space is reported. */
  repoPath: string;
  /** Time between samples (setting `strategy.metricsIntervalMs`, default 5000). */
  intervalMs?: number;
  /** Samples kept for the trend (default 12: one minute at the default interval). */
  trendWindow?: number;
  /** The model endpoint (Ollama host or Anthropic base URL) and the git remote URL; null/undefined: not probed. */
  modelUrl?: string | null;
  gitRemoteUrl?: string | null;
  latencyEveryMs?: number;
  connectTimeoutMs?: number;
  onSample?(reading: MetricsReading): void;
  /** Tests: fake sources, clock and timers. */
  sources?: Partial<SamplerSources>;
  now?: () => number;
  timers?: { setInterval(fn: () => void, ms: number): { unref?(): unknown }; clearInterval(handle: unknown): void };
}

export const DEFAULT_METRICS_INTERVAL_MS = 5000;

// systeminformation (0.7 MB) is loaded when the sampler first reads, not with this module.
const realSources: SamplerSources = {
  currentLoad: async () => (await import('systeminformation')).default.currentLoad(),
  mem: async () => (await import('systeminformation')).default.mem(),
  diskFree: async (dir) => {
    try {
      const s = await statfs(dir);
      return s.bavail * s.bsize;
    } catch {
      return null;
    }
  },
  loadAverage1: () => os.loadavg()[0] ?? 0,
  latency: tcpConnectLatency,
};

/** currentLoad sources already primed in this process (systeminformation keeps its baseline globally). */
const warmedUp = new WeakSet<object>();

interface Sample {
  at: number;
  cpu: number;
}

export class MetricsSampler {
  private readonly sources: SamplerSources;
  private readonly intervalMs: number;
  private readonly trendWindow: number;
  private readonly now: () => number;
  private readonly modelEndpoint: Endpoint | undefined;
  private readonly gitEndpoint: Endpoint | undefined;
  private readonly window: Sample[] = [];
  private timer: unknown;
  private active = false;
  private running: Promise<MetricsReading | undefined> | undefined;
  private probing = false;
  private lastProbe = -Infinity;
  private latencies: { model: number | null | undefined; git: number | null | undefined } = { model: undefined, git: undefined };
  private reading: MetricsReading | undefined;
  /** How many warm-up calls this sampler made (0 when another sampler had already primed the source). */
  warmUps = 0;
  samples = 0;

  constructor(private readonly options: MetricsSamplerOptions) {
    this.sources = { ...realSources, ...options.sources };
    this.intervalMs = Math.max(10, options.intervalMs ?? DEFAULT_METRICS_INTERVAL_MS);
    this.trendWindow = Math.max(2, options.trendWindow ?? 12);
    this.now = options.now ?? Date.now;
    this.modelEndpoint = endpointOfUrl(options.modelUrl);
    this.gitEndpoint = endpointOfGitRemote(options.gitRemoteUrl);
  }

  get started(): boolean {
    return this.active;
  }

  /** Warms up (once), takes a first sample, then samples every interval until stop(). */
  async start(): Promise<MetricsReading | undefined> {
    if (this.active) return this.reading;
    this.active = true;
    await this.warmUp();
    if (!this.active) return this.reading; // stopped during the warm-up
    const timers = this.options.timers ?? { setInterval, clearInterval: (h: unknown) => clearInterval(h as NodeJS.Timeout) };
    const handle = timers.setInterval(() => void this.tick(), this.intervalMs);
    handle.unref?.();
    this.timer = handle;
    return this.tick();
  }

  stop(): void {
    this.active = false;
    if (this.timer === undefined) return;
    (this.options.timers ?? { clearInterval: (h: unknown) => clearInterval(h as NodeJS.Timeout) }).clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The newest reading (undefined before the first sample). */
  latest(): MetricsReading | undefined {
    return this.reading;
  }

  /** One sample now (the timer's work; also usable without start()). Overlapping calls share one sample. */
  tick(): Promise<MetricsReading | undefined> {
    if (!this.running) {
      this.running = this.sample().finally(() => (this.running = undefined));
    }
    return this.running;
  }

  private async warmUp(): Promise<void> {
    const key = this.options.sources?.currentLoad ?? realSources;
    if (warmedUp.has(key)) return;
    warmedUp.add(key);
    this.warmUps++;
    await this.sources.currentLoad().catch(() => undefined);
  }

  private async sample(): Promise<MetricsReading | undefined> {
    const at = this.now();
    this.maybeProbeLatency(at);
    let read: [{ currentLoad: number }, { total: number; available: number }, number | null];
    try {
      read = await Promise.all([this.sources.currentLoad(), this.sources.mem(), this.sources.diskFree(this.options.repoPath)]);
    } catch {
      return this.reading; // a failed read keeps the previous reading; the next tick tries again
    }
    const [load, mem, disk] = read;
    const cpu = round(load.currentLoad);
    this.window.push({ at, cpu });
    while (this.window.length > this.trendWindow) this.window.shift();
    this.samples++;
    this.reading = {
      cpuLoadPercent: cpu,
      memoryUsedPercent: mem.total ? round(((mem.total - mem.available) / mem.total) * 100) : 0,
      memoryAvailableBytes: mem.available,
      diskFreeBytes: disk,
      loadAverage1: round(this.sources.loadAverage1()),
      ...(this.modelEndpoint ? { modelLatencyMs: this.latencies.model ?? null } : {}),
      ...(this.gitEndpoint ? { gitRemoteLatencyMs: this.latencies.git ?? null } : {}),
      cpuTrendPerMin: cpuTrendPerMinute(this.window),
      sampledAt: at,
    };
    this.options.onSample?.(this.reading);
    return this.reading;
  }

  /** Probes both endpoints in the background; the next samples carry the result. */
  private maybeProbeLatency(at: number): void {
    if (this.probing || (!this.modelEndpoint && !this.gitEndpoint)) return;
    if (at - this.lastProbe < (this.options.latencyEveryMs ?? 30_000)) return;
    this.lastProbe = at;
    this.probing = true;
    const timeout = this.options.connectTimeoutMs ?? 2000;
    void Promise.all([
      this.modelEndpoint ? this.sources.latency(this.modelEndpoint, timeout) : undefined,
      this.gitEndpoint ? this.sources.latency(this.gitEndpoint, timeout) : undefined,
    ])
      .then(([model, git]) => (this.latencies = { model, git }))
      .catch(() => undefined)
      .finally(() => (this.probing = false));
  }

  /** Probes the endpoints now and waits (the first strategy decision, tests). */
  async probeLatencyNow(): Promise<{ modelLatencyMs?: number | null; gitRemoteLatencyMs?: number | null }> {
    const timeout = this.options.connectTimeoutMs ?? 2000;
    const [model, git] = await Promise.all([
      this.modelEndpoint ? this.sources.latency(this.modelEndpoint, timeout) : undefined,
      this.gitEndpoint ? this.sources.latency(this.gitEndpoint, timeout) : undefined,
    ]);
    this.latencies = { model, git };
    this.lastProbe = this.now();
    if (this.reading) this.reading = { ...this.reading, ...(this.modelEndpoint ? { modelLatencyMs: model ?? null } : {}), ...(this.gitEndpoint ? { gitRemoteLatencyMs: git ?? null } : {}) };
    return { ...(this.modelEndpoint ? { modelLatencyMs: model ?? null } : {}), ...(this.gitEndpoint ? { gitRemoteLatencyMs: git ?? null } : {}) };
  }
}

/** Least-squares slope of CPU load over time, in percentage points per minute (0 with fewer than two samples). */
export function cpuTrendPerMinute(samples: readonly { at: number; cpu: number }[]): number {
  if (samples.length < 2) return 0;
  const t0 = samples[0]!.at;
  const xs = samples.map((s) => (s.at - t0) / 60_000);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = samples.reduce((a, s) => a + s.cpu, 0) / samples.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < samples.length; i++) {
    num += (xs[i]! - meanX) * (samples[i]!.cpu - meanY);
    den += (xs[i]! - meanX) ** 2;
  }
  return den ? round(num / den) : 0;
}

/** The model endpoint a deployment will use first: Ollama's host, or Anthropic's base URL. */
export function modelEndpointUrl(config: { get<T>(key: string): T }): string | null {
  const providers = config.get<string[]>('ai.providers') ?? ['ollama'];
  if (providers[0] === 'anthropic') return config.get<string>('anthropic.baseUrl') || 'https://api.anthropic.com';
  if (providers[0] === 'ollama') return config.get<string>('ollama.host') || 'http://127.0.0.1:11434';
  return null;
}

/** The URL of the repository's `origin` remote (read once, outside the sampling loop); null when there is none. */
export function gitRemoteUrl(repoPath: string, remote = 'origin'): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['remote', 'get-url', remote], { cwd: repoPath, timeout: 5000 }, (error, stdout) => resolve(error ? null : stdout.trim() || null));
  });
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
