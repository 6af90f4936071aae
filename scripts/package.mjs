// npm run package: production build, then @vscode/vsce → deploy-agent-<version>.vsix in the
// repository root. Prints the VSIX size and checks that the native SQLite binding for
// linux-x64 is inside (the extension cannot open its history database without it).
// Usage: node scripts/package.mjs [--out FILE] [--skip-build]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listZipEntries } from './zip-entries.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REQUIRED = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/extension-services.js',
  'extension/dist/webview/diagnostics.js',
  'extension/dist/webview/analytics.js',
  'extension/media/activity-bar.svg',
  'extension/media/analytics.css',
  'extension/dist/node_modules/better-sqlite3/package.json',
  'extension/dist/node_modules/better-sqlite3/lib/index.js',
  'extension/dist/node_modules/better-sqlite3/prebuilds/linux-x64.node',
];

/**
 * Builds and packages the extension. Returns the VSIX path.
 * @param {{ out?: string, build?: boolean, log?: (m: string) => void }} [options]
 */
export function packageExtension(options = {}) {
  const log = options.log ?? ((m) => process.stderr.write(`[package] ${m}\n`));
  const { version, name } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const out = path.resolve(root, options.out ?? `${name}-${version}.vsix`);
  const step = (/** @type {string} */ what, /** @type {string[]} */ args) => {
    log(`${what}: node ${args.map((a) => path.relative(root, a) || a).join(' ')}`);
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
    if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status ?? result.signal})`);
  };
  mkdirSync(path.dirname(out), { recursive: true });
  if (options.build !== false) step('build', [path.join(root, 'scripts', 'build.mjs'), '--production']);
  // No `repository` in the manifest: the project has no public home yet, and vsce would
  // otherwise stop to ask. Dependencies are bundled by esbuild, hence --no-dependencies.
  step('vsce', [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--out', out]);
  const entries = listZipEntries(readFileSync(out));
  const names = new Set(entries.map((e) => e.name));
  const missing = REQUIRED.filter((n) => !names.has(n));
  if (missing.length) throw new Error(`${path.basename(out)} is missing: ${missing.join(', ')}`);
  const leaked = entries.filter((e) => /^extension\/(src|test|bench|scripts|webview-ui|node_modules)\//.test(e.name) || e.name.endsWith('.map'));
  if (leaked.length) throw new Error(`${path.basename(out)} contains development files: ${leaked.slice(0, 5).map((e) => e.name).join(', ')}`);
  const sqlite = entries.find((e) => e.name.endsWith('better-sqlite3/prebuilds/linux-x64.node'));
  const size = statSync(out).size;
  return { file: out, size, files: entries.length, sqliteBinarySize: sqlite?.size ?? 0 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  try {
    const result = packageExtension({ out: outIndex >= 0 ? args[outIndex + 1] : undefined, build: !args.includes('--skip-build') });
    const mb = (result.size / 1024 / 1024).toFixed(2);
    console.log(`${path.relative(process.cwd(), result.file) || result.file}: ${mb} MB (${result.size} bytes), ${result.files} files; better-sqlite3 linux-x64 binary inside (${result.sqliteBinarySize} bytes)`);
  } catch (error) {
    console.error(`package failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
