// The size of what a user downloads: the universal VSIX (every platform's SQLite binding) side
// by side with each platform's VSIX (its binding only), from one production build. Target: a
// platform VSIX under 4 MB. Run alone: npx tsx bench/vsix-size.bench.ts (about a minute)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error the packaging script is plain ESM JavaScript without type declarations
import { packageExtension, TARGET_BINDINGS, TARGET_VSIX_LIMIT_BYTES } from '../scripts/package.mjs';
import { target, verdict } from './support';

const out = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vsix-bench-'));
try {
  const universal = packageExtension({ outDir: out, quiet: true, log: () => undefined }) as { size: number };
  const platforms: Record<string, number> = {};
  for (const target of Object.keys(TARGET_BINDINGS)) {
    platforms[target] = (packageExtension({ target, outDir: out, build: false, quiet: true, log: () => undefined }) as { size: number }).size;
  }
  const largest = Math.max(...Object.values(platforms));
  console.log(
    JSON.stringify({
      name: 'vsix.size',
      timed: "not a time: the size of each platform's VSIX (its SQLite binding only) and of the universal one, from one production build",
      runs: 1,
      spread: 'deterministic (one build)',
      universalBytes: universal.size,
      platformBytes: platforms,
      largestPlatformBytes: largest,
      ratioLargestToUniversal: Math.round((largest / universal.size) * 100) / 100,
      ...verdict(target('largest platform VSIX', Number((largest / 2 ** 20).toFixed(2)), '<', TARGET_VSIX_LIMIT_BYTES / 2 ** 20, 'MiB')),
      notPackaged: ['linux-armhf (no better-sqlite3 binding for 32-bit ARM)'],
    }),
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
