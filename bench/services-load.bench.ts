// The first load of the services bundle (dist/extension-services.js) in a window: what the first
// command pays before it can do anything. Each run is a fresh Node process (this Node, 22, as the
// extension host's) with a stub `vscode` module, timing only the load itself, three ways in turn:
// - plain: `require` of the bundle (how it was loaded before the code cache);
// - code cache, first window: src/extension/services-loader.ts with an empty cache folder (it
//   compiles from source, then writes the cache; the write, after the load, is timed apart);
// - code cache, later windows: the loader with the cache the first window wrote.
// BENCH_SERVICES_BASELINE=/path/to/extension-services.js adds a plain require of another build
// (e.g. main's, for the effect of the lazy imports) to the same loop.
// Without dist/ it says so (skipped). Build first: npm run build (the VSIX's: node scripts/build.mjs --production).
// Run alone: npx tsx bench/services-load.bench.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { median, requirement, target, timing, verdict } from './support';

const RUNS = 9;
const NAME = 'extension.servicesLoad';
const root = path.resolve(import.meta.dirname, '..');
const bundle = path.join(root, 'dist', 'extension-services.js');
const baseline = process.env.BENCH_SERVICES_BASELINE ? path.resolve(process.env.BENCH_SERVICES_BASELINE) : undefined;

if (!existsSync(bundle)) {
  console.log(JSON.stringify({ name: NAME, skipped: true, reason: 'dist/extension-services.js is missing: run npm run build (or node scripts/build.mjs --production) first' }));
} else if (baseline && !existsSync(baseline)) {
  console.log(JSON.stringify({ name: NAME, skipped: true, reason: `BENCH_SERVICES_BASELINE ${baseline} does not exist` }));
} else {
  measure();
}

interface Run {
  ms: number;
  cache: string;
  written?: string;
  writeMs?: number;
}

function measure(): void {
  const work = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-bench-services-'));
  try {
    // The loader as the extension runs it: bundled to CommonJS (no tsx in the timed processes).
    const loader = path.join(work, 'services-loader.cjs');
    buildSync({ entryPoints: [path.join(root, 'src', 'extension', 'services-loader.ts')], bundle: true, platform: 'node', target: 'node22', format: 'cjs', outfile: loader, logLevel: 'warning' });
    const child = path.join(work, 'load.cjs');
    writeFileSync(child, childSource(loader));
    const load = (mode: 'plain' | 'cache', file: string, cacheDir = ''): Run => {
      const result = spawnSync(process.execPath, [child, mode, file, cacheDir], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 });
      if (result.status !== 0) throw new Error(`loading ${file} (${mode}) failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as Run;
    };

    load('plain', bundle); // warm-up: the file in the page cache, as in every run after
    const plain: Run[] = [];
    const first: Run[] = [];
    const later: Run[] = [];
    const before: Run[] = [];
    let cacheBytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const cacheDir = path.join(work, `cache-${i}`);
      plain.push(load('plain', bundle));
      first.push(load('cache', bundle, cacheDir));
      cacheBytes = readdirSync(cacheDir).reduce((sum, f) => sum + statSync(path.join(cacheDir, f)).size, 0);
      later.push(load('cache', bundle, cacheDir));
      if (baseline) before.push(load('plain', baseline));
    }
    const states = (runs: Run[]) => [...new Set(runs.map((r) => r.cache))].join(',');
    const plainMs = median(plain.map((r) => r.ms));
    const laterMs = median(later.map((r) => r.ms));
    const ratio = Math.round((laterMs / plainMs) * 100) / 100;
    const t = timing(later.map((r) => r.ms));
    console.log(
      JSON.stringify({
        name: NAME,
        timed: 'loading dist/extension-services.js in a fresh Node process (stub vscode), with the code cache a first window wrote; beside it, in the same loop, a plain require and the first window (no cache yet)',
        ...t,
        plainMedianMs: round(plainMs),
        firstWindowMedianMs: round(median(first.map((r) => r.ms))),
        ratioToPlain: ratio,
        cacheWriteMedianMs: round(median(first.map((r) => r.writeMs ?? NaN))),
        ...(baseline ? { baselineMedianMs: round(median(before.map((r) => r.ms))), baseline } : {}),
        bundleBytes: statSync(bundle).size,
        cacheBytes,
        cacheStates: { first: states(first), later: states(later), written: [...new Set(first.map((r) => r.written))].join(',') },
        samplesByWayMs: { plain: plain.map((r) => round(r.ms)), firstWindow: first.map((r) => round(r.ms)), laterWindows: later.map((r) => round(r.ms)), ...(baseline ? { baseline: before.map((r) => round(r.ms)) } : {}) },
        node: process.version,
        ...verdict(
          requirement('every later window used the cache (V8 accepted it)', later.every((r) => r.cache === 'used')),
          target('later windows / plain require (medians)', ratio, '<', 0.7),
        ),
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The timed process: the extension host's `vscode` stood in for, then one load, timed alone. */
function childSource(loader: string): string {
  return `
const Module = require('node:module');
// Any property of the stub is a callable, constructible stub: the bundle's top level only declares.
const stub = () => new Proxy(function () {}, { get: (_, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : stub()), apply: () => stub(), construct: () => stub() });
const vscode = stub();
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
const { loadWithCodeCache } = require(${JSON.stringify(loader)});
const [mode, file, cacheDir] = process.argv.slice(2);
const started = performance.now();
if (mode === 'plain') {
  require(file);
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, cache: 'plain' }));
} else {
  const loaded = loadWithCodeCache(file, { cacheDir, version: 'bench', log: () => {}, writeDelayMs: 0 });
  const ms = performance.now() - started;
  const writing = performance.now();
  // The loader's timer does not keep a process alive (the extension host lives on anyway): this one waits for the write.
  const alive = setInterval(() => {}, 1000);
  loaded.written.then((written) => clearInterval(alive) || process.stdout.write(JSON.stringify({ ms, cache: loaded.cache, written, writeMs: written === 'written' ? performance.now() - writing : undefined })));
}
`;
}
