// CLI cold start: `node dist/cli/cli.mjs --version`, each run a new process, side by side
// with `node -e 0` (the floor any Node CLI pays) in the same loop. Target: 300 ms median.
// Run alone: npx tsx bench/cli-start.bench.ts
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const RUNS = 15;
const TARGET_MS = 300;
const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist', 'cli', 'cli.mjs');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeProcess(args: string[]): { ms: number; stdout: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: root, env: { ...process.env, NODE_OPTIONS: '' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

if (!existsSync(cli)) {
  process.stderr.write('dist/cli/cli.mjs is missing; building…\n');
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'], cwd: root });
  if (build.status !== 0) throw new Error('build failed');
}

const version = timeProcess([cli, '--version']).stdout.trim(); // warm-up (file cache)
timeProcess(['-e', '0']);
const cliRuns: number[] = [];
const baselineRuns: number[] = [];
for (let i = 0; i < RUNS; i++) {
  cliRuns.push(timeProcess([cli, '--version']).ms);
  baselineRuns.push(timeProcess(['-e', '0']).ms);
}
const medianMs = median(cliRuns);
const baselineMs = median(baselineRuns);
console.log(
  JSON.stringify({
    name: 'cli.coldStart',
    timed: 'a new process running `node dist/cli/cli.mjs --version`, spawn to exit (alternating with `node -e 0`)',
    command: 'node dist/cli/cli.mjs --version',
    printed: version,
    medianMs: Math.round(medianMs * 10) / 10,
    minMs: Math.round(Math.min(...cliRuns) * 10) / 10,
    maxMs: Math.round(Math.max(...cliRuns) * 10) / 10,
    baselineCommand: 'node -e 0',
    baselineMedianMs: Math.round(baselineMs * 10) / 10,
    ratioToBaseline: Math.round((medianMs / baselineMs) * 100) / 100,
    overheadMs: Math.round((medianMs - baselineMs) * 10) / 10,
    runs: RUNS,
    node: process.version,
    targetMs: TARGET_MS,
    pass: medianMs < TARGET_MS,
  }),
);
