// The first validation of a recommendation in a process (what the panel's first list of
// recommendation files pays, and `deploy-agent deploy FILE`): with the validator Ajv generated at
// build time (scripts/recommendation-validator.mjs, as the extension and the CLI are bundled) beside
// the same code compiling the schema on first use (as before, and as the tests run from source).
// Each run is a fresh Node process; the two alternate. Run alone: npx tsx bench/recommendation-validator.bench.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
// @ts-expect-error the build's plugin is plain ESM JavaScript without type declarations
import { precompiledRecommendationValidator } from '../scripts/recommendation-validator.mjs';
import { median, target, timing, verdict } from './support';

const RUNS = 15;
const root = path.resolve(import.meta.dirname, '..');
// The entry times one validation of a valid recommendation and checks an invalid one is refused.
const entry = `import { validateRecommendation } from './src/core/recommendation/load';
const started = performance.now();
validateRecommendation({ title: 'Add a health endpoint', description: 'GET /health returns 200' });
const ms = performance.now() - started;
let refused = false;
try { validateRecommendation({ title: '', description: 'd', extra: 1 }); } catch { refused = true; }
process.stdout.write(JSON.stringify({ ms, refused }));`;

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-bench-validator-'));
  try {
    const bundles: Record<'precompiled' | 'compiled', string> = { precompiled: path.join(work, 'precompiled.cjs'), compiled: path.join(work, 'compiled.cjs') };
    for (const [way, outfile] of Object.entries(bundles)) {
      await build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', target: 'node22', format: 'cjs', minify: true, outfile, plugins: way === 'precompiled' ? [precompiledRecommendationValidator(root)] : [], logLevel: 'warning' });
    }
    const run = (file: string): { ms: number; refused: boolean } => {
      const result = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 });
      if (result.status !== 0) throw new Error(`${file} failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as { ms: number; refused: boolean };
    };
    run(bundles.compiled); // warm-up: the files in the page cache
    const precompiled: number[] = [];
    const compiled: number[] = [];
    let refusedBoth = true;
    for (let i = 0; i < RUNS; i++) {
      const a = run(bundles.precompiled);
      const b = run(bundles.compiled);
      precompiled.push(a.ms);
      compiled.push(b.ms);
      refusedBoth &&= a.refused && b.refused;
    }
    const t = timing(precompiled, 2);
    console.log(
      JSON.stringify({
        name: 'recommendation.firstValidation',
        timed: 'the first validateRecommendation() in a fresh Node process, validator generated at build time (as bundled); beside it, alternating, the schema compiled on first use',
        ...t,
        compiledMedianMs: Math.round(median(compiled) * 10) / 10,
        compiledMinMs: Math.round(Math.min(...compiled) * 10) / 10,
        compiledMaxMs: Math.round(Math.max(...compiled) * 10) / 10,
        invalidRefusedBoth: refusedBoth,
        node: process.version,
        ...verdict(target('median', t.medianMs, '<', 5, 'ms')),
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
