// Starts and stops code-server (installed by install.mjs) on 127.0.0.1 with Node 22, and
// installs a .vsix into an extensions folder.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, killTree, logger, run, sleep } from './util.mjs';

/**
 * @typedef {{ entry: string, node: string }} CodeServerInstall
 * @typedef {{ url: string, port: number, pid: number, folder: string | undefined, userDataDir: string, extensionsDir: string, logFile: string, stop(): Promise<void>, exited: Promise<number | null> }} RunningCodeServer
 */

/**
 * The flags every run shares: no auth, no telemetry or update checks, trust on, its own
 * user data, extensions and config (nothing read from or written to the user's home).
 * @param {{ userDataDir: string, extensionsDir: string }} dirs
 */
function commonArgs(dirs) {
  const config = path.join(dirs.userDataDir, 'code-server.yaml');
  mkdirSync(dirs.userDataDir, { recursive: true });
  mkdirSync(dirs.extensionsDir, { recursive: true });
  writeFileSync(config, 'auth: none\n');
  return ['--config', config, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'];
}

/**
 * Installs a .vsix with code-server's --install-extension.
 * @param {CodeServerInstall} cs
 * @param {{ vsix: string, userDataDir: string, extensionsDir: string, log?: (m: string) => void }} options
 */
export async function installExtension(cs, options) {
  const log = options.log ?? logger('code-server');
  await run(cs.node, [cs.entry, ...commonArgs(options), '--install-extension', options.vsix, '--force'], { log });
}

/**
 * Starts code-server and waits until it answers. The server runs in its own process group
 * so that stop() can end it together with its extension hosts and helpers.
 * @param {CodeServerInstall} cs
 * @param {{ folder?: string, userDataDir: string, extensionsDir: string, port?: number, env?: NodeJS.ProcessEnv, log?: (m: string) => void, readyTimeoutMs?: number }} options
 * @returns {Promise<RunningCodeServer>}
 */
export async function startCodeServer(cs, options) {
  const log = options.log ?? logger('code-server');
  const port = options.port ?? (await freePort());
  const args = [cs.entry, ...commonArgs(options), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--ignore-last-opened'];
  if (options.folder) args.push(options.folder);
  const logFile = path.join(options.userDataDir, 'code-server.log');
  const out = createWriteStream(logFile, { flags: 'a' });
  log(`starting code-server on 127.0.0.1:${port} (log: ${logFile})`);
  const child = spawn(cs.node, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  let exitCode = /** @type {number | null | undefined} */ (undefined);
  void exited.then((code) => {
    exitCode = code;
  });
  const pid = /** @type {number} */ (child.pid);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const left = await killTree(pid, { group: true });
    out.end();
    if (left.length) log(`could not stop processes ${left.join(', ')}`);
    else log(`code-server on port ${port} stopped`);
  };

  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60000);
  for (;;) {
    if (exitCode !== undefined) {
      await stop();
      throw new Error(`code-server exited with code ${exitCode} before it was ready; see ${logFile}`);
    }
    try {
      const response = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url} within ${(options.readyTimeoutMs ?? 60000) / 1000} s; see ${logFile}`);
    }
    await sleep(200);
  }
  log(`code-server ready at ${url}`);
  return { url, port, pid, folder: options.folder, userDataDir: options.userDataDir, extensionsDir: options.extensionsDir, logFile, stop, exited };
}
