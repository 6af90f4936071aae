// Bundles Deploy Agent with esbuild:
//   dist/extension.js            extension host entry (CommonJS, tiny: activation only)
//   dist/extension-services.js   everything the commands need, loaded on first use
//   dist/cli/cli.mjs (+ chunks)  the deploy-agent CLI (ESM, code-split so --version stays fast)
//   dist/webview/*.js            webview front ends (browser ESM)
//   dist/node_modules/better-sqlite3  the native SQLite binding with its prebuilt binaries
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync, chmodSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  legalComments: 'linked',
};

// '*.node': native addons of optional dependencies (ssh2's sshcrypto, cpu-features), built by their
// install scripts when a compiler is there. They are loaded in try/catch and fall back to JavaScript,
// so they stay out of the bundles (esbuild has no loader for them and stopped the build).
const nodeExternals = ['vscode', 'better-sqlite3', '*.node'];

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension/main.ts', 'extension-services': 'src/extension/services.ts' },
    outdir: dist,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: [...nodeExternals, './extension-services.js'],
    // import() of a Node built-in or an external becomes a require: the services are compiled with a
    // V8 code cache through vm.Script (src/extension/services-loader.ts), where import() is experimental.
    supported: { 'dynamic-import': false },
  },
  {
    ...common,
    // retrain-worker: the outcome model's training thread (src/core/strategy/retrain.ts finds it beside cli.mjs).
    entryPoints: { cli: 'src/cli/main.ts', 'retrain-worker': 'src/core/strategy/retrain-worker.ts' },
    outdir: path.join(dist, 'cli'),
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    target: 'node22',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    external: nodeExternals,
    // Bundled CommonJS dependencies call require() for Node built-ins.
    // … and some read __dirname (ssh2's poly1305, compiled by Emscripten, locates itself with it).
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; import { dirname as __pathDirname } from 'node:path'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __dirname = __pathDirname(__fileURLToPath(import.meta.url));",
    },
  },
  {
    ...common,
    entryPoints: { diagnostics: 'webview-ui/diagnostics/main.ts', analytics: 'webview-ui/analytics/main.ts', panel: 'webview-ui/panel/main.ts' },
    outdir: path.join(dist, 'webview'),
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    // A library's stylesheet (uPlot's) is bundled as text and put in a <style> (the CSP allows inline styles, not more files).
    loader: { '.css': 'text' },
  },
];

function copyNativeSqlite() {
  const source = path.join(root, 'node_modules', 'better-sqlite3');
  const target = path.join(dist, 'node_modules', 'better-sqlite3');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const entry of ['package.json', 'LICENSE', 'lib', 'prebuilds']) {
    if (existsSync(path.join(source, entry))) cpSync(path.join(source, entry), path.join(target, entry), { recursive: true });
  }
}

if (!watch) rmSync(dist, { recursive: true, force: true });
copyNativeSqlite();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching for changes…');
} else {
  const started = performance.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync(path.join(dist, 'cli', 'cli.mjs'), 0o755);
  console.log(`built dist/ in ${Math.round(performance.now() - started)} ms`);
}
