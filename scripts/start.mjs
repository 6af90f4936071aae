// npm start: builds and packages Deploy Agent, installs code-server (cached after the first
// time), installs the VSIX into it and starts VS Code in the browser on 127.0.0.1 with a copy
// of examples/workspace open. Prints the URL; Ctrl-C stops code-server.
// Options: --port N (or DEPLOY_AGENT_PORT; default: a free port), --fresh (new example copy and
// editor state).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureCodeServer } from './code-server/install.mjs';
import { installExtension, startCodeServer } from './code-server/server.mjs';
import { logger, repoRoot } from './code-server/util.mjs';
import { packageExtension } from './package.mjs';
import { writeDemoSettings } from './start-settings.mjs';

const log = logger('start');
const args = process.argv.slice(2);
const portArg = args.includes('--port') ? args[args.indexOf('--port') + 1] : process.env.DEPLOY_AGENT_PORT;
const port = portArg ? Number(portArg) : undefined;
if (portArg && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error(`start: --port must be a TCP port number, got "${portArg}"`);
  process.exit(2);
}
const state = path.join(repoRoot, '.cache', 'start');
if (args.includes('--fresh')) rmSync(state, { recursive: true, force: true });

/** A git repository copied from examples/workspace once; kept between runs so your changes stay. */
function exampleWorkspace() {
  const workspace = path.join(state, 'orders-service');
  if (existsSync(path.join(workspace, '.git'))) return workspace;
  rmSync(workspace, { recursive: true, force: true });
  cpSync(path.join(repoRoot, 'examples', 'workspace'), workspace, { recursive: true });
  const git = (/** @type {string[]} */ a) => execFileSync('git', a, { cwd: workspace, stdio: 'ignore' });
  git(['init', '-q', '-b', 'main']);
  git(['add', '-A']);
  git(['-c', 'user.name=Deploy Agent', '-c', 'user.email=example@deploy-agent.invalid', 'commit', '-qm', 'Example workspace']);
  return workspace;
}

/** @type {import('./code-server/server.mjs').RunningCodeServer | undefined} */
let server;
let stopping = false;
async function shutdown(/** @type {number} */ code) {
  if (stopping) return;
  stopping = true;
  log('stopping code-server…');
  await server?.stop();
  process.exit(code);
}
process.on('exit', () => {
  // Last resort if this process ends some other way: code-server runs in its own process group.
  if (server && !stopping) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already stopped
    }
  }
});
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));

try {
  const vsix = packageExtension({ out: path.join(state, 'deploy-agent.vsix'), log: logger('package') });
  const cs = await ensureCodeServer({ log: logger('code-server') });
  const userDataDir = path.join(state, 'user-data');
  const extensionsDir = path.join(state, 'extensions');
  mkdirSync(state, { recursive: true });
  await installExtension(cs, { vsix: vsix.file, userDataDir, extensionsDir, log: logger('code-server') });
  writeDemoSettings(userDataDir, state);
  const workspace = exampleWorkspace();
  server = await startCodeServer(cs, { folder: workspace, userDataDir, extensionsDir, port, log: logger('code-server') });
  if (stopping) await server.stop();
  const url = `${server.url}?folder=${encodeURIComponent(workspace)}`;
  console.log(`\nDeploy Agent in VS Code (code-server ${cs.installDir.split('code-server-').pop()}): ${url}\n`);
  console.log(`Workspace: ${workspace} (a copy of examples/workspace; npm start -- --fresh starts over)`);
  console.log(`History: ${path.join(state, 'history.db')} (the demo's own; your deployments elsewhere are not touched)`);
  console.log('Open .deploy-agent/recommendations/orders-pagination.json (completion and errors from its schema, "Preview integration points" at');
  console.log('its top), then the command palette: "Deploy Agent: Deploy Recommendation". Press Ctrl-C to stop.');
  const code = await server.exited;
  if (!stopping) {
    log(`code-server exited on its own (code ${code}); see ${server.logFile}`);
    process.exit(code || 1);
  }
} catch (error) {
  console.error(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  await server?.stop();
  process.exit(1);
}
