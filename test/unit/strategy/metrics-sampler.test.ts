import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { endpointOfGitRemote, endpointOfUrl, tcpConnectLatency } from '../../../src/core/strategy/latency';
import { cpuTrendPerMinute, MetricsSampler, modelEndpointUrl, type SamplerSources } from '../../../src/core/strategy/metrics-sampler';

/** Manual timers: the test decides when the interval fires. */
function manualTimers() {
  const handles: { fn: () => void; ms: number; cleared: boolean; unrefd: boolean }[] = [];
  return {
    handles,
    setInterval(fn: () => void, ms: number) {
      const h = { fn, ms, cleared: false, unrefd: false, unref: () => (h.unrefd = true) };
      handles.push(h);
      return h;
    },
    clearInterval(h: unknown) {
      (h as { cleared: boolean }).cleared = true;
    },
    fire: async (sampler: MetricsSampler) => {
      for (const h of handles) if (!h.cleared) h.fn();
      await sampler.tick();
    },
  };
}

function fakeSources(cpu: number[] = [10]) {
  let i = 0;
  const calls = { currentLoad: 0, mem: 0, disk: 0, latency: 0 };
  const sources: Partial<SamplerSources> = {
    currentLoad: async () => (calls.currentLoad++, { currentLoad: cpu[Math.min(i++, cpu.length - 1)]! }),
    mem: async () => (calls.mem++, { total: 8e9, available: 2e9 }),
    diskFree: async () => (calls.disk++, 5e10),
    loadAverage1: () => 1.25,
  };
  return { sources, calls };
}

describe('MetricsSampler', () => {
  it('warms currentLoad up once at start, then samples on every tick; stop() stops the timer', async () => {
    const timers = manualTimers();
    const { sources, calls } = fakeSources([50, 20, 30, 40]);
    const seen: number[] = [];
    let clock = 0;
    const sampler = new MetricsSampler({ repoPath: '/repo', sources, timers, now: () => (clock += 5000), onSample: (r) => seen.push(r.cpuLoadPercent) });
    assert.equal(sampler.latest(), undefined);
    const first = await sampler.start();
    assert.equal(sampler.warmUps, 1);
    assert.equal(calls.currentLoad, 2, 'the warm-up call, then the first sample');
    assert.equal(first!.cpuLoadPercent, 20, 'the warm-up reading is not a sample');
    assert.equal(timers.handles.length, 1);
    assert.equal(timers.handles[0]!.ms, 5000, 'default interval');
    assert.equal(timers.handles[0]!.unrefd, true, 'the timer never keeps the process alive');
    await timers.fire(sampler);
    await timers.fire(sampler);
    assert.deepEqual(seen, [20, 30, 40]);
    assert.equal(calls.mem, 3);
    await sampler.start(); // already started: no second warm-up, no second timer
    assert.equal(sampler.warmUps, 1);
    assert.equal(timers.handles.length, 1);
    sampler.stop();
    assert.equal(timers.handles[0]!.cleared, true);
    assert.equal(sampler.started, false);
    await timers.fire(sampler); // a stray tick after stop: the timer is gone
    assert.equal(timers.handles.filter((h) => !h.cleared).length, 0);
  });

  it('a second sampler on the same source does not warm up again', async () => {
    const { sources } = fakeSources();
    const a = new MetricsSampler({ repoPath: '/r', sources, timers: manualTimers() });
    const b = new MetricsSampler({ repoPath: '/r', sources, timers: manualTimers() });
    await a.start();
    await b.start();
    assert.equal(a.warmUps + b.warmUps, 1);
    a.stop();
    b.stop();
  });

  it('latest() is a MetricsReading: memory %, available, disk, load average, trend', async () => {
    const timers = manualTimers();
    const { sources } = fakeSources([0, 10, 20, 30]);
    let clock = 0;
    const sampler = new MetricsSampler({ repoPath: '/repo', sources, timers, now: () => (clock += 30_000), trendWindow: 3 });
    await sampler.start();
    await timers.fire(sampler);
    await timers.fire(sampler);
    const r = sampler.latest()!;
    assert.equal(r.memoryUsedPercent, 75);
    assert.equal(r.memoryAvailableBytes, 2e9);
    assert.equal(r.diskFreeBytes, 5e10);
    assert.equal(r.loadAverage1, 1.3);
    assert.equal(r.cpuTrendPerMin, 20, '+10 points every 30 s');
    assert.equal(r.sampledAt, 90_000);
    assert.equal('modelLatencyMs' in r, false, 'no endpoint given: not probed');
    sampler.stop();
  });

  it('the trend window keeps the last N samples', () => {
    assert.equal(cpuTrendPerMinute([]), 0);
    assert.equal(cpuTrendPerMinute([{ at: 0, cpu: 50 }]), 0);
    assert.equal(cpuTrendPerMinute([{ at: 0, cpu: 80 }, { at: 60_000, cpu: 20 }]), -60);
    assert.equal(cpuTrendPerMinute([{ at: 0, cpu: 30 }, { at: 5000, cpu: 30 }, { at: 10_000, cpu: 30 }]), 0);
  });

  it('a failed read keeps the previous reading', async () => {
    const timers = manualTimers();
    let fail = false;
    const sampler = new MetricsSampler({
      repoPath: '/r',
      timers,
      sources: { currentLoad: async () => ({ currentLoad: 5 }), mem: async () => { if (fail) throw new Error('EIO'); return { total: 100, available: 50 }; }, diskFree: async () => null, loadAverage1: () => 0 },
    });
    const first = await sampler.start();
    fail = true;
    await timers.fire(sampler);
    assert.equal(sampler.latest(), first);
    assert.equal(first!.diskFreeBytes, null);
    sampler.stop();
  });

  it('real sources: free disk of this folder, memory and CPU from systeminformation', async () => {
    const sampler = new MetricsSampler({ repoPath: process.cwd(), timers: manualTimers() });
    const r = (await sampler.start())!;
    sampler.stop();
    assert.ok(r.cpuLoadPercent >= 0 && r.cpuLoadPercent <= 100);
    assert.ok(r.memoryUsedPercent > 0 && r.memoryUsedPercent <= 100);
    assert.ok(typeof r.diskFreeBytes === 'number' && r.diskFreeBytes > 0);
    assert.ok(r.memoryAvailableBytes! > 0 && r.memoryAvailableBytes! <= os.totalmem());
  });

  it('a started, never stopped sampler does not keep the process alive (real timers)', function () {
    this.timeout(20000);
    const script = `import { MetricsSampler } from ${JSON.stringify(require.resolve('../../../src/core/strategy/metrics-sampler'))};
      const s = new MetricsSampler({ repoPath: process.cwd(), intervalMs: 1000 });
      s.start().then((r) => console.log(r ? 'sampled' : 'none'));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15000 });
    assert.equal(child.signal, null, 'the process had to be killed: something kept it alive');
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), 'sampled');
  });

  describe('latency', () => {
    let server: Server;
    let port: number;
    before(async () => {
      server = createServer((socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    async function closedPort(): Promise<number> {
      const s = createServer();
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      const p = (s.address() as AddressInfo).port;
      await new Promise<void>((resolve) => s.close(() => resolve()));
      return p;
    }

    it('measures the TCP connect time to a listening port, null for a closed one', async () => {
      const open = await tcpConnectLatency({ host: '127.0.0.1', port });
      assert.equal(typeof open, 'number');
      assert.ok(open! >= 0);
      assert.equal(await tcpConnectLatency({ host: '127.0.0.1', port: await closedPort() }), null);
    });

    it('the sampler reports model and git remote latency (null when unreachable)', async () => {
      const sampler = new MetricsSampler({
        repoPath: process.cwd(),
        timers: manualTimers(),
        modelUrl: `http://127.0.0.1:${port}`,
        gitRemoteUrl: `ssh://git@127.0.0.1:${await closedPort()}/acme/calc.git`,
        sources: fakeSources().sources,
      });
      await sampler.start();
      const probed = await sampler.probeLatencyNow();
      assert.equal(typeof probed.modelLatencyMs, 'number');
      assert.equal(probed.gitRemoteLatencyMs, null);
      assert.equal(typeof sampler.latest()!.modelLatencyMs, 'number');
      assert.equal(sampler.latest()!.gitRemoteLatencyMs, null);
      sampler.stop();
    });

    it('background probes run at most every latencyEveryMs and never block a sample', async () => {
      const timers = manualTimers();
      let probes = 0;
      let clock = 0;
      const { sources } = fakeSources();
      const sampler = new MetricsSampler({
        repoPath: '/r',
        timers,
        now: () => (clock += 5000),
        latencyEveryMs: 15_000,
        modelUrl: 'http://ollama.local:11434',
        sources: { ...sources, latency: async () => (probes++, 12.5) },
      });
      await sampler.start();
      for (let i = 0; i < 5; i++) await timers.fire(sampler);
      assert.equal(probes, 2, 'six samples 5 s apart, a probe every 15 s');
      assert.equal(sampler.latest()!.modelLatencyMs, 12.5);
      sampler.stop();
    });
  });

  describe('endpoints', () => {
    it('git remotes: https, ssh with port, scp-like, git://; none for local paths', () => {
      assert.deepEqual(endpointOfGitRemote('https://github.com/acme/calc.git'), { host: 'github.com', port: 443 });
      assert.deepEqual(endpointOfGitRemote('http://git.local:8080/acme/calc'), { host: 'git.local', port: 8080 });
      assert.deepEqual(endpointOfGitRemote('ssh://git@gitlab.example.com:2222/acme/calc.git'), { host: 'gitlab.example.com', port: 2222 });
      assert.deepEqual(endpointOfGitRemote('git@github.com:acme/calc.git'), { host: 'github.com', port: 22 });
      assert.deepEqual(endpointOfGitRemote('github.com:acme/calc.git'), { host: 'github.com', port: 22 });
      assert.deepEqual(endpointOfGitRemote('git://git.kernel.org/pub/scm/git/git.git'), { host: 'git.kernel.org', port: 9418 });
      assert.equal(endpointOfGitRemote('/srv/git/calc.git'), undefined);
      assert.equal(endpointOfGitRemote('../calc.git'), undefined);
      assert.equal(endpointOfGitRemote('file:///srv/git/calc.git'), undefined);
      assert.equal(endpointOfGitRemote('C:\\repos\\calc'), undefined);
      assert.equal(endpointOfGitRemote(''), undefined);
    });

    it('model endpoint: the first provider decides (Ollama host, Anthropic base URL or the official API)', () => {
      const config = (values: Record<string, unknown>) => ({ get: <T>(k: string) => values[k] as T });
      assert.equal(modelEndpointUrl(config({ 'ai.providers': ['ollama', 'anthropic'], 'ollama.host': 'http://gpu:11434' })), 'http://gpu:11434');
      assert.equal(modelEndpointUrl(config({ 'ai.providers': ['anthropic'], 'anthropic.baseUrl': '' })), 'https://api.anthropic.com');
      assert.deepEqual(endpointOfUrl('https://api.anthropic.com'), { host: 'api.anthropic.com', port: 443 });
      assert.deepEqual(endpointOfUrl('http://[::1]:11434'), { host: '::1', port: 11434 });
      assert.equal(endpointOfUrl('not a url'), undefined);
    });
  });
});
