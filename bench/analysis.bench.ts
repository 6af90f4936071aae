// Workspace analysis: full profile of a generated 10,000-file repository (TS / JS / Python,
// nested packages, a git repository) and of this project, cold (empty cache) and warm (second
// run with one source file changed, not staged; for the generated repository also with a
// manifest changed, which makes the profile be computed again), with the peak RSS of the
// analysing process; the import graph side by side with dependency-cruiser on this project's
// TypeScript (edge agreement; speed: both warmed up once, then RUNS alternating runs of each in
// the same process, the ratio of the medians); and detection accuracy over the stack fixtures
// (a wrongly detected item counts against it: precision as well as recall).
// Targets: cold < 1500 ms, warm < 100 ms, peak RSS < 300 MB, agreement >= 99 %, >= 5x faster,
// detection >= 95 % of fields right and >= 95 % precision.
// Run alone: npx tsx bench/analysis.bench.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeWorkspace, buildImportGraph, buildStructureMap } from '../src/core/analysis';
import { profileCacheStats } from '../src/core/analysis/profile-cache';
import { openHistoryStore } from '../src/core/store/database';
import { checkProfile, expectedOf, listFigures, stackFixtures, STACKS_DIR, type FieldCheck } from '../test/unit/analysis/expectations';
import { tempDir } from '../test/support/temp';
import { median, target, timing, verdict } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const COLD_MS = 1500;
const WARM_MS = 100;
const RSS_MB = 300;
const PROJECT = path.resolve(__dirname, '..');

type Mode = 'cold' | 'warm' | 'warmManifest';

/** Child mode: analyse ROOT RUNS times (cold: fresh cache each time; warm: `touch` changed before each run). */
async function child(root: string, db: string, mode: Mode, runs: number, touch: string): Promise<void> {
  const times: number[] = [];
  let files = 0;
  let readCount = 0;
  if (mode !== 'cold') {
    const store = openHistoryStore(db);
    await analyzeWorkspace(root, { store });
    if (!existsSync(path.join(root, touch))) throw new Error(`${touch} does not exist: the warm run must change an existing file`);
    const before = { ...profileCacheStats };
    for (let r = 0; r < runs; r++) {
      // A source file: a comment (the profile is reused); a manifest: one more dependency (it is not).
      if (mode === 'warm') appendFileSync(path.join(root, touch), `\n// touched ${r}\n`);
      else writeFileSync(path.join(root, touch), JSON.stringify({ name: 'touched', dependencies: Object.fromEntries(Array.from({ length: r + 1 }, (_, i) => [`dep${i}`, '^1.0.0'])) }));
      const future = new Date(Date.now() + (r + 1) * 2000);
      utimesSync(path.join(root, touch), future, future);
      const t = performance.now();
      const p = await analyzeWorkspace(root, { store });
      times.push(performance.now() - t);
      files = p.structure.files;
      readCount = p.structure.readCount;
    }
    store.close();
    process.stdout.write(JSON.stringify({ profilesReused: profileCacheStats.reused - before.reused, profilesComputed: profileCacheStats.computed - before.computed }) + '\n');
  } else {
    for (let r = 0; r < runs; r++) {
      rmSync(db, { force: true });
      rmSync(db + '-wal', { force: true });
      rmSync(db + '-shm', { force: true });
      const store = openHistoryStore(db);
      const t = performance.now();
      const p = await analyzeWorkspace(root, { store });
      times.push(performance.now() - t);
      files = p.structure.files;
      readCount = p.structure.readCount;
      store.close();
    }
  }
  process.stdout.write(JSON.stringify({ times, files, readCount, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
}

interface ChildResult {
  times: number[];
  files: number;
  readCount: number;
  maxRssMb: number;
  profilesReused?: number;
  profilesComputed?: number;
}

function runChild(root: string, db: string, mode: Mode, touch: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', root, db, mode, String(RUNS), touch], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Partial<ChildResult>);
  return Object.assign({}, ...lines) as ChildResult;
}

const tsFile = (pkg: number, i: number, deps: string[]) =>
  `/**\n * Module ${i} of package ${pkg}: order handling, pricing and reporting helpers.\n */\n${deps.join('\n')}\n\nexport interface Record${i} {\n  id: string;\n  amount: number;\n  createdAt: Date;\n}\n\nexport function compute${i}(items: Record${i}[]): number {\n  let total = 0;\n  for (const item of items) total += item.amount * ${(i % 7) + 1};\n  return total;\n}\n\nexport const LIMIT_${i} = ${i};\n\nexport class Service${i} {\n  constructor(private readonly rate = Number(process.env.RATE_${pkg} ?? 1)) {}\n  run(items: Record${i}[]): number {\n    return compute${i}(items) * this.rate;\n  }\n}\n`;

/** A realistic 10,000-file monorepo: 16 TS packages, 4 CommonJS packages, 4 Python services, docs and assets. */
export function generate(root: string): number {
  let count = 0;
  const w = (rel: string, content: string) => {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    count++;
  };
  w('package.json', JSON.stringify({ name: 'big', private: true, workspaces: ['packages/*'], scripts: { build: 'tsc -b', test: 'vitest run' }, devDependencies: { typescript: '^5.4.5', vitest: '^1.6.0' } }, null, 2));
  w('.gitignore', 'node_modules/\ndist/\n__pycache__/\n');
  w('README.md', '# big\n');
  for (let p = 0; p < 16; p++) {
    const base = `packages/ts${p}`;
    w(`${base}/package.json`, JSON.stringify({ name: `@big/ts${p}`, version: '1.0.0', main: 'src/index.ts', dependencies: { express: '^4.19.2', ...(p > 0 ? { [`@big/ts${p - 1}`]: '*' } : {}) } }, null, 2));
    w(`${base}/tsconfig.json`, JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { [`@ts${p}/*`]: ['src/*'] } } }, null, 2));
    w(`${base}/src/index.ts`, `export * from './f0/s0/m0';\n`);
    for (let i = 0; i < 480; i++) {
      const f = i % 8;
      const s = Math.floor(i / 8) % 6;
      const deps: string[] = [];
      if (i > 0) deps.push(`import { compute${i - 1} } from '${(i - 1) % 8 === f && Math.floor((i - 1) / 8) % 6 === s ? '.' : `../../f${(i - 1) % 8}/s${Math.floor((i - 1) / 8) % 6}`}/m${i - 1}';`);
      if (i > 10) deps.push(`import type { Record${i - 10} } from '@ts${p}/f${(i - 10) % 8}/s${Math.floor((i - 10) / 8) % 6}/m${i - 10}';`);
      if (i % 50 === 0 && p > 0) deps.push(`import { compute0 } from '@big/ts${p - 1}';`);
      if (i % 40 === 0) deps.push(`import express from 'express';`);
      w(`${base}/src/f${f}/s${s}/m${i}.ts`, tsFile(p, i, deps));
      if (i % 12 === 0) w(`${base}/src/f${f}/s${s}/m${i}.test.ts`, `import { compute${i} } from './m${i}';\nimport { test, expect } from 'vitest';\ntest('computes', () => expect(compute${i}([])).toBe(0));\n`);
    }
  }
  for (let p = 0; p < 4; p++) {
    const base = `packages/js${p}`;
    w(`${base}/package.json`, JSON.stringify({ name: `@big/js${p}`, version: '1.0.0', main: 'lib/index.js', dependencies: { axios: '^1.7.2' } }, null, 2));
    for (let i = 0; i < 200; i++) {
      const req = i > 0 ? `const { handler${i - 1} } = require('./h${i - 1}');\n` : `const axios = require('axios');\n`;
      w(`${base}/lib/h${i}.js`, `'use strict';\n${req}\n/** Handler ${i}. */\nfunction handler${i}(req) {\n  return { status: 200, body: req.body, key: process.env.API_KEY };\n}\n\nmodule.exports = { handler${i} };\n`);
    }
  }
  for (let p = 0; p < 4; p++) {
    const base = `services/py${p}`;
    w(`${base}/pyproject.toml`, `[project]\nname = "py${p}"\nversion = "0.1.0"\ndependencies = ["fastapi>=0.110", "sqlalchemy>=2"]\n`);
    w(`${base}/svc${p}/__init__.py`, '');
    for (let i = 0; i < 180; i++) {
      const imp = i > 0 ? `from .mod${i - 1} import compute_${i - 1}\n` : 'import os\n';
      w(`${base}/svc${p}/mod${i}.py`, `"""Module ${i}: reporting helpers."""\n${imp}from svc${p} import mod0\n\n\nclass Report${i}:\n    def __init__(self):\n        self.rate = os.environ.get("RATE", "1") if False else 1\n\n\ndef compute_${i}(items):\n    return sum(items) * ${i}\n`);
    }
    for (let i = 0; i < 20; i++) w(`${base}/tests/test_mod${i}.py`, `from svc${p}.mod${i} import compute_${i}\n\n\ndef test_compute():\n    assert compute_${i}([]) == 0\n`);
  }
  let k = 0;
  while (count < 10_000) {
    w(`docs/page${k}.md`, `# Page ${k}\n\nSome text.\n`);
    if (count < 10_000) w(`assets/img${k}.png`, '\x89PNG\r\n\x1a\n\0\0\0');
    k++;
  }
  return count;
}

async function peerComparison(): Promise<void> {
  const { cruise } = await import('dependency-cruiser');
  const { default: extractTSConfig } = await import('dependency-cruiser/config-utl/extract-ts-config');
  const tsconfigPath = path.join(PROJECT, 'tsconfig.json');
  const cwd = process.cwd();
  process.chdir(PROJECT);
  try {
    const ourRun = async () => {
      const t0 = performance.now();
      const graph = buildImportGraph(await buildStructureMap(PROJECT), (f) => f.path.startsWith('src/'));
      return { ms: performance.now() - t0, graph };
    };
    const peerRun = async () => {
      const t1 = performance.now();
      const result = await cruise(['src'], { tsPreCompilationDeps: true, doNotFollow: { path: 'node_modules' }, tsConfig: { fileName: tsconfigPath } }, { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] }, { tsConfig: extractTSConfig(tsconfigPath) });
      return { ms: performance.now() - t1, result };
    };
    // Warm-up of both (the peer loads its modules lazily on its first call), then alternating runs.
    const first = { ours: (await ourRun()).ms, peer: (await peerRun()).ms };
    const oursMs: number[] = [];
    const peerMs: number[] = [];
    let graph!: Awaited<ReturnType<typeof ourRun>>['graph'];
    let result!: Awaited<ReturnType<typeof peerRun>>['result'];
    for (let r = 0; r < Math.max(5, RUNS); r++) {
      const a = await ourRun();
      const b = await peerRun();
      oursMs.push(a.ms);
      peerMs.push(b.ms);
      graph = a.graph;
      result = b.result;
    }
    const output = result.output as { modules: { source: string; dependencies: { resolved: string; coreModule: boolean; couldNotResolve: boolean }[] }[] };
    const peer = new Set<string>();
    for (const m of output.modules) {
      if (!m.source.startsWith('src/')) continue;
      for (const d of m.dependencies) if (!d.coreModule && !d.couldNotResolve && !d.resolved.includes('node_modules/')) peer.add(`${m.source} -> ${d.resolved}`);
    }
    const ours = new Set(graph.edges.filter((e) => !e.external).map((e) => `${e.from} -> ${e.to}`));
    const both = [...ours].filter((e) => peer.has(e)).length;
    const union = new Set([...ours, ...peer]).size;
    const agreement = union ? both / union : 1;
    const onlyOurs = [...ours].filter((e) => !peer.has(e)).slice(0, 5);
    const onlyPeer = [...peer].filter((e) => !ours.has(e)).slice(0, 5);
    const t = timing(oursMs, 0);
    const p = timing(peerMs, 0);
    const speedup = Number((p.medianMs / t.medianMs).toFixed(1));
    // The spread of the ratio: each run's peer time over the same run's own time.
    const ratios = peerMs.map((ms, i) => ms / oursMs[i]!);
    console.log(
      JSON.stringify({
        name: 'analysis.importGraph.vsDependencyCruiser',
        timed: "this project's src/ import graph: our structure map + graph vs dependency-cruiser's cruise(), both warm, alternating in one process",
        code: 'this project src/',
        ...t,
        peerMedianMs: p.medianMs,
        peerMinMs: p.minMs,
        peerMaxMs: p.maxMs,
        speedup,
        speedupMin: Number(Math.min(...ratios).toFixed(1)),
        speedupMax: Number(Math.max(...ratios).toFixed(1)),
        firstCallSpeedup: Number((first.peer / first.ours).toFixed(1)),
        agreement: Number((agreement * 100).toFixed(2)),
        ...verdict(target('speedup (median over median)', speedup, '>=', 5, 'x'), target('edge agreement', Number((agreement * 100).toFixed(2)), '>=', 99, '%')),
        edgesOurs: ours.size,
        edgesPeer: peer.size,
        onlyOurs,
        onlyPeer,
      }),
    );
  } finally {
    process.chdir(cwd);
  }
}

/**
 * Detection over the stack fixtures: the share of fields right, a detected list item (framework,
 * env var, table, CI provider) that is not expected counting as a wrong field; and over the list
 * items alone, precision (found items that were expected) as well as recall (expected items found).
 */
async function accuracy(): Promise<void> {
  const names = stackFixtures();
  const all: FieldCheck[] = [];
  for (const name of names) all.push(...checkProfile(await analyzeWorkspace(path.join(STACKS_DIR, name)), expectedOf(name)));
  const right = all.filter((c) => c.ok).length;
  const lists = listFigures(all);
  const round = (n: number) => Number(n.toFixed(4));
  console.log(JSON.stringify({
    name: 'analysis.detectionAccuracy',
    timed: `not a time: analyzeWorkspace() of each of the ${names.length} stack fixtures against its expected.json, field by field (a detected framework, env var, table or CI provider not expected counts as a wrong field)`,
    runs: 1,
    spread: 'deterministic (counted, not timed)',
    fixtures: names.length,
    fieldsRight: right,
    fields: all.length,
    share: round(right / all.length),
    precision: round(lists.precision),
    recall: round(lists.recall),
    falsePositives: lists.falsePositives,
    ...verdict(target('fields right', round((right / all.length) * 100), '>=', 95, '%'), target('precision', round(lists.precision * 100), '>=', 95, '%')),
  }));
}

async function main(): Promise<void> {
  const dir = tempDir('deploy-agent-bench-analysis-');
  try {
    const repo = path.join(dir.path, 'repo');
    const files = generate(repo);
    // No automatic gc: one left running in the background would race the clean-up.
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=b', '-c', 'gc.auto=0', ...args], { cwd: repo, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'generated');
    // This project as committed (a local clone, so the shared working tree is never touched).
    const self = path.join(dir.path, 'self');
    execFileSync('git', ['clone', '-q', PROJECT, self], { stdio: 'ignore' });
    const targets: [string, string, string, string | undefined][] = [
      ['generated10k', repo, 'packages/ts3/src/f1/s1/m57.ts', 'packages/js2/package.json'],
      ['thisProject', self, 'src/core/analysis/ranking.ts', undefined],
    ];
    for (const [label, root, touchFile, manifest] of targets) {
      const db = path.join(dir.path, `${label}.db`);
      const what = label === 'generated10k' ? 'the generated 10,000-file repository' : 'this project (a clone)';
      const cold = runChild(root, db, 'cold', touchFile);
      const coldMs = median(cold.times);
      const coldT = timing(cold.times, 0);
      console.log(JSON.stringify({ name: `analysis.${label}.cold`, timed: `analyzeWorkspace() of ${what}, empty cache each run (child process)`, ...coldT, ...verdict(target('median', coldT.medianMs, '<', COLD_MS, 'ms'), target('peak RSS', cold.maxRssMb, '<', RSS_MB, 'MB')), files: cold.files, read: cold.readCount, peakRssMb: cold.maxRssMb, generatedFiles: label === 'generated10k' ? files : undefined }));
      const warm = runChild(root, db, 'warm', touchFile);
      const warmMs = median(warm.times);
      const warmT = timing(warm.times, 0);
      const reuse = { profilesReused: warm.profilesReused, profilesComputed: warm.profilesComputed };
      console.log(JSON.stringify({ name: `analysis.${label}.warm`, timed: `analyzeWorkspace() of ${what} again, one source file changed before each run`, ...warmT, ...verdict(target('median', warmT.medianMs, '<', WARM_MS, 'ms'), target('peak RSS', warm.maxRssMb, '<', RSS_MB, 'MB')), ratioToCold: Number((warmMs / coldMs).toFixed(3)), files: warm.files, read: warm.readCount, changedFiles: 1, ...reuse, peakRssMb: warm.maxRssMb }));
      if (!manifest) continue;
      // Not a target: what a warm run costs when the profile must be computed again.
      const changed = runChild(root, db, 'warmManifest', manifest);
      const changedMs = median(changed.times);
      console.log(JSON.stringify({ name: `analysis.${label}.warmManifestChanged`, timed: `analyzeWorkspace() of ${what} again, a package manifest changed before each run`, ...timing(changed.times, 0), ratioToCold: Number((changedMs / coldMs).toFixed(3)), files: changed.files, read: changed.readCount, changedFiles: 1, profilesReused: changed.profilesReused, profilesComputed: changed.profilesComputed, peakRssMb: changed.maxRssMb }));
    }
    await peerComparison();
    await accuracy();
  } finally {
    dir.cleanup();
  }
}

if (require.main !== module) {
  // imported (e.g. to reuse the generator): run nothing
} else if (process.argv[2] === '--child') {
  void child(process.argv[3]!, process.argv[4]!, process.argv[5] as Mode, Number(process.argv[6]), process.argv[7]!);
} else {
  void main();
}
