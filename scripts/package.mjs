// npm run package: production build, then @vscode/vsce → a VSIX in the repository root.
//   npm run package                                  one universal VSIX with every SQLite binding (about 9.5 MB)
//   npm run package -- --target linux-x64            a VSIX for one VS Code platform, holding only its binding
//   npm run package -- --target linux-x64,darwin-arm64 …   several (or --target all: every platform we can serve)
// Prints each VSIX's size and checks what is inside: the bundles, the better-sqlite3 binding of
// the target (the extension cannot open its history database without it) and no other binding.
// Usage: node scripts/package.mjs [--target T[,T…]|all] [--out FILE (one VSIX) | DIR (several)] [--skip-build]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listZipEntries, readZipEntry } from './zip-entries.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PREBUILDS = 'extension/dist/node_modules/better-sqlite3/prebuilds/';
const REQUIRED = [
  'extension/package.json',
  'extension/readme.md',
  'extension/dist/extension.js',
  'extension/dist/extension-services.js',
  'extension/dist/webview/diagnostics.js',
  'extension/dist/webview/analytics.js',
  'extension/media/activity-bar.svg',
  'extension/media/analytics.css',
  'extension/docs/images/sidebar-dark.png',
  'extension/dist/node_modules/better-sqlite3/package.json',
  'extension/dist/node_modules/better-sqlite3/lib/index.js',
];

/**
 * VS Code's platform targets (`vsce package --target`) and the better-sqlite3 prebuilt binding
 * each one loads (better-sqlite3's lib/binding.js picks `linuxmusl-*` on Alpine). better-sqlite3 13
 * ships no binding for 32-bit ARM, so linux-armhf cannot be served: packaging it is refused.
 */
export const TARGET_BINDINGS = {
  'win32-x64': 'win32-x64',
  'win32-arm64': 'win32-arm64',
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'alpine-x64': 'linuxmusl-x64',
  'alpine-arm64': 'linuxmusl-arm64',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
};
const UNSERVED = { 'linux-armhf': 'better-sqlite3 13 ships no prebuilt binding for 32-bit ARM (linux-armhf), and the extension cannot open its history database without one' };

/** The VS Code target of this machine (what a user here would install), when one is served. */
export function hostTarget() {
  const musl = process.platform === 'linux' && !process.report?.getReport().header?.glibcVersionRuntime;
  const target = `${musl ? 'alpine' : process.platform}-${process.arch}`;
  return target in TARGET_BINDINGS ? target : undefined;
}

/** The README a user sees on the Marketplace and in the Extensions view (packed as the VSIX's readme.md). */
export const MARKETPLACE_README = 'docs/marketplace/README.md';

/** A platform VSIX must stay under this (the universal one carries eight bindings of about 2 MB). */
export const TARGET_VSIX_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Builds and packages the extension. Returns the VSIX path and what is inside.
 * @param {{ out?: string, outDir?: string, build?: boolean, target?: string, quiet?: boolean, log?: (m: string) => void }} [options]
 */
export function packageExtension(options = {}) {
  const log = options.log ?? ((m) => process.stderr.write(`[package] ${m}\n`));
  const { version, name } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const target = options.target;
  if (target) checkTarget(target);
  const fileName = `${name}-${version}${target ? `-${target}` : ''}.vsix`;
  const out = path.resolve(root, options.out ?? path.join(options.outDir ?? '.', fileName));
  mkdirSync(path.dirname(out), { recursive: true });
  if (options.build !== false) run(log, 'build', [path.join(root, 'scripts', 'build.mjs'), '--production'], options.quiet);
  const prebuilds = path.join(root, 'dist', 'node_modules', 'better-sqlite3', 'prebuilds');
  if (!existsSync(prebuilds)) throw new Error('dist/ has no better-sqlite3 prebuilds: run `npm run build` (or package without --skip-build)');

  // A platform VSIX gets only its binding: the others are moved out of dist for the packaging and put back after.
  const aside = path.join(root, 'dist', '.prebuilds-aside');
  // An earlier packaging killed half-way left bindings aside: put them back first.
  if (existsSync(aside)) {
    for (const file of readdirSync(aside)) cpSync(path.join(aside, file), path.join(prebuilds, file));
    rmSync(aside, { recursive: true, force: true });
  }
  const binding = target ? `${TARGET_BINDINGS[target]}.node` : undefined;
  if (binding) {
    if (!existsSync(path.join(prebuilds, binding))) throw new Error(`dist/ has no better-sqlite3 binding ${binding} for ${target}`);
    rmSync(aside, { recursive: true, force: true });
    mkdirSync(aside, { recursive: true });
    for (const file of readdirSync(prebuilds)) {
      if (file === binding) continue;
      cpSync(path.join(prebuilds, file), path.join(aside, file));
      rmSync(path.join(prebuilds, file));
    }
  }
  try {
    // No `repository` in the manifest: the project has no public home yet, and vsce would
    // otherwise stop to ask. Dependencies are bundled by esbuild, hence --no-dependencies.
    // --readme-path: the Marketplace and the Extensions view show the user's README (MARKETPLACE_README),
    // not the repository's, which is about developing Deploy Agent.
    // --no-rewrite-relative-links: that README's screenshots (docs/images, packaged) stay relative to
    // the extension's root; without a repository URL vsce would refuse them instead of rewriting them.
    run(log, `vsce${target ? ` (${target})` : ''}`, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--readme-path', MARKETPLACE_README, ...(target ? ['--target', target] : []), '--out', out], options.quiet);
  } finally {
    if (binding) {
      for (const file of readdirSync(aside)) cpSync(path.join(aside, file), path.join(prebuilds, file));
      rmSync(aside, { recursive: true, force: true });
    }
  }
  return inspectVsix(out, target);
}

/** What a VSIX holds, checked: the bundles, the right binding(s), no development files; a platform VSIX under its size limit. */
export function inspectVsix(file, target) {
  const zip = readFileSync(file);
  const entries = listZipEntries(zip);
  const names = new Set(entries.map((e) => e.name));
  const bindings = entries.filter((e) => e.name.startsWith(PREBUILDS) && e.name.endsWith('.node')).map((e) => e.name.slice(PREBUILDS.length));
  const expected = target ? [`${TARGET_BINDINGS[target]}.node`] : Object.values(TARGET_BINDINGS).map((b) => `${b}.node`).sort();
  const missing = [...REQUIRED, ...expected.map((b) => PREBUILDS + b)].filter((n) => !names.has(n));
  if (missing.length) throw new Error(`${path.basename(file)} is missing: ${missing.join(', ')}`);
  const extra = bindings.filter((b) => !expected.includes(b));
  if (extra.length) throw new Error(`${path.basename(file)} carries bindings of other platforms: ${extra.join(', ')}`);
  const leaked = entries.filter((e) => /^extension\/(src|test|bench|scripts|webview-ui|node_modules)\//.test(e.name) || e.name.endsWith('.map') || e.name.includes('.prebuilds-aside'));
  if (leaked.length) throw new Error(`${path.basename(file)} contains development files: ${leaked.slice(0, 5).map((e) => e.name).join(', ')}`);
  const unpacked = missingReadmeFiles(readZipEntry(zip, 'extension/readme.md').toString('utf8'), names);
  if (unpacked.length) throw new Error(`${path.basename(file)}: its readme shows ${unpacked.join(', ')}, not in the VSIX (add them to .vscodeignore), so the details page would show broken images`);
  const manifest = readZipEntry(zip, 'extension.vsixmanifest').toString('utf8');
  const platform = /TargetPlatform="([^"]+)"/.exec(manifest)?.[1] ?? null;
  if ((platform ?? undefined) !== target) throw new Error(`${path.basename(file)} says target platform ${platform ?? 'none'}, expected ${target ?? 'none'}`);
  const size = statSync(file).size;
  if (target && size >= TARGET_VSIX_LIMIT_BYTES) throw new Error(`${path.basename(file)} is ${mb(size)}, over the ${mb(TARGET_VSIX_LIMIT_BYTES)} of a platform VSIX`);
  return { file, target: target ?? null, size, files: entries.length, bindings, sqliteBinarySize: entries.filter((e) => e.name.startsWith(PREBUILDS) && e.name.endsWith('.node')).reduce((n, e) => n + e.size, 0) };
}

/** Files a readme shows (images of Markdown and HTML, relative paths) that the VSIX does not hold; web addresses are not checked. */
export function missingReadmeFiles(readme, names) {
  const sources = [...readme.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)/g), ...readme.matchAll(/<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]);
  const relative = sources.filter((src) => !/^[a-z][a-z0-9+.-]*:/i.test(src) && !src.startsWith('#'));
  return [...new Set(relative)].filter((src) => !names.has(`extension/${path.posix.normalize(decodeURI(src).replace(/^\.\//, ''))}`));
}

function checkTarget(target) {
  if (target in UNSERVED) throw new Error(`${target} cannot be packaged: ${UNSERVED[target]}. It is not published for linux-armhf (a Raspberry Pi with a 64-bit OS takes the linux-arm64 VSIX).`);
  if (!(target in TARGET_BINDINGS)) throw new Error(`unknown target ${target}; one of ${Object.keys(TARGET_BINDINGS).join(', ')} (or all)`);
}

function run(log, what, args, quiet = false) {
  log(`${what}: node ${args.map((a) => path.relative(root, a) || a).join(' ')}`);
  // quiet (tests): the tools' output is kept and shown only when they fail.
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', process.stderr, process.stderr], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status ?? result.signal})${quiet ? `:\n${`${result.stdout}${result.stderr}`.slice(-3000)}` : ''}`);
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const targetArg = value('--target');
  const targets = targetArg === 'all' ? Object.keys(TARGET_BINDINGS) : targetArg ? targetArg.split(',').map((t) => t.trim()).filter(Boolean) : [undefined];
  const outArg = value('--out');
  try {
    for (const t of targets) if (t) checkTarget(t);
    let build = !args.includes('--skip-build');
    for (const target of targets) {
      // Several targets: --out names a folder; the build runs once.
      const result = packageExtension({ ...(targets.length > 1 ? { outDir: outArg } : { out: outArg }), build, target });
      build = false;
      console.log(`${path.relative(process.cwd(), result.file) || result.file}: ${mb(result.size)} (${result.size} bytes), ${result.files} files; better-sqlite3 ${result.bindings.join(', ')} (${result.sqliteBinarySize} bytes)`);
    }
    if (targetArg === 'all') console.log(`not packaged: linux-armhf (${UNSERVED['linux-armhf']})`);
  } catch (error) {
    console.error(`package failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
