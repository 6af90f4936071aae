// Runs every bench/*.bench.ts in its own process (on the Node that `npm run` put first on
// PATH, with tsx) and passes through their output: one JSON line per benchmark on stdout.
// Usage: npm run bench [-- name-filter]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter))).sort();
let failed = 0;
for (const file of files) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(here, file)], { stdio: ['ignore', 'inherit', 'inherit'], cwd: path.join(here, '..') });
  if (result.status !== 0) {
    failed++;
    console.log(JSON.stringify({ name: file.replace(/\.bench\.ts$/, ''), error: `exited with ${result.status ?? result.signal}` }));
  }
}
process.exitCode = failed ? 1 : 0;
