// Bundles the extension-host test suite (test/vscode-suite) into out/vscode-suite/ (CommonJS,
// `vscode` external). Its index.js is the `extensionTestsPath` for code-server's payload URL
// and for @vscode/test-electron.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const suiteDir = path.join(root, 'out', 'vscode-suite');

export async function buildVscodeSuite() {
  rmSync(suiteDir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    // Every *.test.ts beside index.ts is its own entry (index.js runs them all, in name order).
    entryPoints: Object.fromEntries([
      ['index', 'test/vscode-suite/index.ts'],
      ...readdirSync(path.join(root, 'test', 'vscode-suite'))
        .filter((name) => name.endsWith('.test.ts'))
        .map((name) => [name.replace(/\.ts$/, ''), `test/vscode-suite/${name}`]),
    ]),
    outdir: suiteDir,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: 'inline',
    // better-sqlite3 stays a real require: its native binding is found from its own package folder.
    external: ['vscode', 'better-sqlite3'],
    logLevel: 'warning',
    // Mocha's parallel mode (worker files found with require.resolve) is not used here.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return path.join(suiteDir, 'index.js');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await buildVscodeSuite());
}
