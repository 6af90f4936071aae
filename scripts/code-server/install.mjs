// Installs code-server (VS Code in the browser) into a cache folder, by the recipe in
// DESIGN.md ("Running VS Code here"). Idempotent: each finished step is recorded in a marker
// file, so a second run only checks the marker; an interrupted run resumes where it stopped.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive, logger, node22, run, sleep } from './util.mjs';

export const CODE_SERVER_VERSION = '4.103.2';
export const DEBIAN_PACKAGES = ['libkrb5-dev', 'ripgrep', 'chromium'];
const RECIPE = 1; // bump when the steps change, so old caches are redone

/** The cache folder: $DEPLOY_AGENT_CACHE, else ~/.cache/deploy-agent, plus code-server-<version>. */
export function defaultInstallDir() {
  const base = process.env.DEPLOY_AGENT_CACHE || path.join(os.homedir(), '.cache', 'deploy-agent');
  return path.join(base, `code-server-${CODE_SERVER_VERSION}`);
}

/** @param {string} installDir */
export function codeServerPaths(installDir) {
  const pkg = path.join(installDir, 'node_modules', 'code-server');
  return { installDir, pkg, entry: path.join(pkg, 'out', 'node', 'entry.js'), vscode: path.join(pkg, 'lib', 'vscode'), marker: path.join(installDir, '.deploy-agent-install.json') };
}

/** Debian packages from DEBIAN_PACKAGES that are not installed. */
export function missingDebianPackages(packages = DEBIAN_PACKAGES) {
  return packages.filter((name) => {
    try {
      const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return !status.includes('install ok installed');
    } catch {
      return true;
    }
  });
}

/** Installs missing Debian packages (as root), or explains what to install. */
export async function ensureDebianPackages(log = logger('code-server')) {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`Debian packages missing: ${missing.join(', ')}. Install them with: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env, log });
  await run('apt-get', ['install', '-y', ...missing], { env, log });
  const still = missingDebianPackages();
  if (still.length) throw new Error(`apt-get did not install: ${still.join(', ')}`);
}

/**
 * Where node-gyp should take Node's headers from. An explicit nodedir (environment or npmrc)
 * wins; otherwise the machine's own headers (e.g. Debian's /usr/include/node) are used, so no
 * header download is needed. The modules are Node-API, so these headers serve Node 22 too.
 * @param {NodeJS.ProcessEnv} env
 */
function machineNodeHeaders(env) {
  if (env.npm_config_nodedir) return undefined;
  try {
    const configured = execFileSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (configured && configured !== 'undefined' && configured !== 'null') return undefined;
  } catch {
    // npm could not answer: fall through to the machine's headers
  }
  return existsSync('/usr/include/node/node_api.h') ? '/usr' : undefined;
}

/** @param {string} file */
function readMarker(file) {
  try {
    const marker = JSON.parse(readFileSync(file, 'utf8'));
    if (marker.version === CODE_SERVER_VERSION && marker.recipe === RECIPE) return marker;
  } catch {
    // none yet, or unreadable: start over
  }
  return { version: CODE_SERVER_VERSION, recipe: RECIPE, steps: {} };
}

/**
 * Serialises installs into the same folder (two test runs at once).
 * @param {string} installDir
 * @param {(m: string) => void} log
 */
async function lock(installDir, log) {
  const file = path.join(installDir, '.install.lock');
  for (let waited = 0; ; waited += 1000) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (!holder || !isAlive(holder)) {
        rmSync(file, { force: true });
        continue;
      }
      if (waited % 30000 === 0) log(`waiting for another install (pid ${holder}) in ${installDir}`);
      await sleep(1000);
    }
  }
}

/** @param {string} target @param {string} link */
function forceSymlink(target, link) {
  try {
    lstatSync(link);
    rmSync(link, { recursive: true, force: true });
  } catch {
    // no link yet
  }
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(target, link);
}

/**
 * Makes sure code-server is installed and returns its paths. Fast when already done.
 * @param {{ installDir?: string, log?: (m: string) => void }} [options]
 */
export async function ensureCodeServer(options = {}) {
  const log = options.log ?? logger('code-server');
  const paths = codeServerPaths(options.installDir ?? defaultInstallDir());
  const quick = readMarker(paths.marker);
  if (quick.steps.done && existsSync(paths.entry) && missingDebianPackages().length === 0) {
    return { ...paths, cached: true, node: node22() };
  }

  const started = Date.now();
  await ensureDebianPackages(log);
  mkdirSync(paths.installDir, { recursive: true });
  const unlock = await lock(paths.installDir, log);
  try {
    const marker = readMarker(paths.marker);
    const save = () => writeFileSync(paths.marker, JSON.stringify(marker, null, 2) + '\n');
    /** @param {string} name @param {() => Promise<unknown>} action */
    const step = async (name, action) => {
      if (marker.steps[name]) return;
      const t = Date.now();
      log(`step ${name}…`);
      await action();
      marker.steps[name] = { at: new Date().toISOString(), ms: Date.now() - t };
      save();
    };
    // npm here runs on Node 22 (first on PATH); its native builds use the machine's Node
    // headers when npm is configured with a nodedir, otherwise node-gyp fetches them.
    const env = { ...process.env, PATH: `${path.dirname(node22())}${path.delimiter}${process.env.PATH ?? ''}` };
    const nodedir = machineNodeHeaders(env);
    if (nodedir) {
      env.npm_config_nodedir = nodedir;
      log(`native modules build against the Node headers in ${nodedir}/include/node (Node-API)`);
    }
    const npm = 'npm';

    await step('npm-install', async () => {
      const manifest = path.join(paths.installDir, 'package.json');
      if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: 'deploy-agent-code-server-cache', private: true }, null, 2) + '\n');
      await run(npm, ['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: paths.installDir, env, log });
    });
    await step('vscode-install', () => run(npm, ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: paths.vscode, env, log }));
    await step('ripgrep-link', async () => {
      const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
      forceSymlink(rg, path.join(paths.vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'));
    });
    await step('vscode-rebuild', () => run(npm, ['rebuild'], { cwd: paths.vscode, env: { ...env, npm_config_yes: 'true' }, log }));
    await step('asar-link', async () => forceSymlink('node_modules', path.join(paths.vscode, 'node_modules.asar')));
    await step('extensions-install', () => run(npm, ['install', '--omit=dev', '--no-audit', '--no-fund'], { cwd: path.join(paths.vscode, 'extensions'), env, log }));
    await step('argon2-rebuild', () => run(npm, ['rebuild', 'argon2'], { cwd: paths.installDir, env, log }));
    if (!existsSync(paths.entry)) throw new Error(`code-server's entry point is missing after the install: ${paths.entry}`);
    marker.steps.done = { at: new Date().toISOString() };
    save();
    log(`code-server ${CODE_SERVER_VERSION} installed in ${paths.installDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    unlock();
  }
  return { ...paths, cached: false, node: node22() };
}
