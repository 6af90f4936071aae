// npm run test:e2e — Deploy Agent in a real VS Code (code-server 4.103.2) driven by
// playwright-core on Debian's Chromium:
//   1. install code-server into the cache (scripts/code-server/install.mjs), build + package the VSIX
//   2. install the VSIX into a fresh extensions folder, start code-server on 127.0.0.1
//   3. (a) the extension-host mocha suite (test/vscode-suite/*.test.ts) through the `payload` URL
//      (b) the UI scenarios of test/e2e/scenarios/ (NN-name.mjs, in order; see context.mjs), e.g.
//          command palette → "Deploy Agent: Show Diagnostics" → the panel shows what the
//          extension host computed. DEPLOY_AGENT_E2E_SCENARIOS=regex runs only the matching files.
// Everything it starts is stopped at the end, also on failure or Ctrl-C. Screenshots go to
// screenshots/, the run's figures to test-results/e2e/last-run.json (read by the benchmarks).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ensureCodeServer } from '../../scripts/code-server/install.mjs';
import { installExtension, startCodeServer } from '../../scripts/code-server/server.mjs';
import { logger, repoRoot, sleep } from '../../scripts/code-server/util.mjs';
import { hostTarget, packageExtension } from '../../scripts/package.mjs';
import { buildVscodeSuite } from '../../scripts/build-vscode-suite.mjs';

const log = logger('e2e');
// The suite deploys through the real pipeline several times; on a loaded machine that takes minutes.
const SUITE_TIMEOUT_MS = Number(process.env.DEPLOY_AGENT_E2E_SUITE_TIMEOUT_MS || 420000);
const CHROMIUM = process.env.DEPLOY_AGENT_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const screenshots = path.join(repoRoot, 'screenshots');
const resultsDir = path.join(repoRoot, 'test-results', 'e2e');

/** @type {{ name: string, ok: boolean, error?: string }[]} */
const checks = [];
/** @type {(() => Promise<void>)[]} */
const cleanups = [];
const timings = /** @type {Record<string, number>} */ ({});
/** Figures a scenario measured inside the workbench (e.g. the first chart paint), read by the benchmarks. */
const figures = /** @type {Record<string, number>} */ ({});

/** Process groups of servers this run started, killed synchronously if the process exits anyway. */
const groups = new Set();
process.on('exit', () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already stopped
    }
  }
});

async function cleanup() {
  while (cleanups.length) {
    const next = /** @type {() => Promise<void>} */ (cleanups.pop());
    // No cleanup step may hang the run: each gets 20 s.
    let timer;
    const limit = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out after 20 s')), 20000);
    });
    await Promise.race([next(), limit])
      .catch((error) => log(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => clearTimeout(timer));
  }
}

let interrupted = false;
for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping everything this run started`);
    void cleanup().finally(() => {
      console.log(`e2e: ${checks.filter((c) => c.ok).length} passed, ${checks.filter((c) => !c.ok).length + 1} failed (interrupted by ${signal})`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  });
}

/** Times a phase of the run. @template T @param {string} name @param {() => Promise<T>} action @returns {Promise<T>} */
async function timed(name, action) {
  const started = Date.now();
  try {
    return await action();
  } finally {
    timings[name] = Date.now() - started;
    log(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** Records one UI check. @param {string} name @param {() => Promise<void>} action */
async function check(name, action) {
  try {
    await action();
    checks.push({ name, ok: true });
    log(`ok   ${name}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    checks.push({ name, ok: false, error: message });
    log(`FAIL ${name}: ${message}`);
  }
}

/** @param {string} file @param {number} timeoutMs @param {Promise<unknown>} serverExit */
async function waitForFile(file, timeoutMs, serverExit) {
  let serverGone = false;
  void serverExit.then(() => {
    serverGone = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (serverGone) throw new Error('code-server exited before the suite wrote its results');
    if (Date.now() > deadline) throw new Error(`the extension-host suite wrote no results within ${timeoutMs / 1000} s (${file})`);
    await sleep(250);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Every "Deploy Agent activated in X ms" line in the output channel logs under `dir`. @param {string} dir */
function activationsFromLogs(dir) {
  /** @type {number[]} */
  const values = [];
  const walk = (/** @type {string} */ d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'Deploy Agent.log') {
        for (const m of readFileSync(full, 'utf8').matchAll(/Deploy Agent activated in (\d+(?:\.\d+)?) ms/g)) values.push(Number(m[1]));
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return values;
}

/** A git repository copied from the fixture, in the run's temp folder. @param {string} tmp */
function makeWorkspace(tmp) {
  const workspace = path.join(tmp, 'e2e-workspace');
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'e2e-workspace'), workspace, { recursive: true });
  const git = (/** @type {string[]} */ args) => execFileSync('git', args, { cwd: workspace, stdio: 'ignore' });
  git(['init', '-q', '-b', 'main']);
  git(['add', '-A']);
  git(['-c', 'user.name=Deploy Agent e2e', '-c', 'user.email=e2e@deploy-agent.invalid', 'commit', '-qm', 'fixture']);
  return workspace;
}

/** @param {import('playwright-core').Page} page @param {string} name */
async function screenshot(page, name) {
  mkdirSync(screenshots, { recursive: true });
  const file = path.join(screenshots, name);
  await page.screenshot({ path: file }).catch((error) => log(`screenshot ${name} failed: ${error.message}`));
  log(`screenshot: ${path.relative(repoRoot, file)}`);
}

async function main() {
  const started = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-e2e-'));
  let keepTmp = false;
  cleanups.push(async () => {
    if (keepTmp) log(`kept ${tmp} for inspection`);
    else rmSync(tmp, { recursive: true, force: true });
  });

  const cs = await timed('install code-server', () => ensureCodeServer({ log: logger('code-server') }));
  log(`code-server: ${cs.cached ? 'from the cache' : 'installed'} (${cs.installDir})`);
  // The VSIX a user on this machine installs: its platform's SQLite binding only.
  const vsix = await timed('build + package', async () => packageExtension({ out: path.join(tmp, 'deploy-agent.vsix'), target: hostTarget(), log: logger('package') }));
  log(`VSIX (${vsix.target ?? 'universal'}): ${(vsix.size / 1024 / 1024).toFixed(2)} MB`);
  const suiteEntry = await timed('bundle extension-host suite', () => buildVscodeSuite());

  const workspace = makeWorkspace(tmp);
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  await timed('install VSIX', () => installExtension(cs, { vsix: vsix.file, userDataDir, extensionsDir, log: logger('code-server') }));
  const installed = readdirSync(extensionsDir).filter((d) => d.startsWith('deploy-agent.deploy-agent-'));
  if (installed.length !== 1) throw new Error(`the VSIX did not install into ${extensionsDir} (found: ${readdirSync(extensionsDir).join(', ') || 'nothing'})`);

  const resultsFile = path.join(tmp, 'vscode-suite-results.json');
  const server = await timed('start code-server', () =>
    startCodeServer(cs, {
      folder: workspace,
      userDataDir,
      extensionsDir,
      log: logger('code-server'),
      // XDG_DATA_HOME: the history the extension shares with the CLI (its default place) stays in this run's folder.
      env: { ...process.env, XDG_DATA_HOME: path.join(path.dirname(userDataDir), 'data-home'), DEPLOY_AGENT_DB: '', DEPLOY_AGENT_VSCODE_TEST_RESULTS: resultsFile, DEPLOY_AGENT_VSCODE_TEST_USER_DATA: userDataDir },
    }),
  );
  groups.add(server.pid);
  cleanups.push(async () => {
    mkdirSync(resultsDir, { recursive: true });
    if (existsSync(server.logFile)) cpSync(server.logFile, path.join(resultsDir, 'code-server.log'));
    await server.stop();
    groups.delete(server.pid);
  });

  // Signals are handled here (cleanup in order), not by Playwright, which would exit early.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  cleanups.push(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });

  // (a) The extension-host suite, through the payload URL (DEPLOY_AGENT_E2E_SKIP_SUITE=1 skips it while working on a UI scenario).
  /** @type {any} */
  let suite = { passed: 0, failed: 0, tests: [], extras: {} };
  const skipSuite = process.env.DEPLOY_AGENT_E2E_SKIP_SUITE === '1';
  if (skipSuite) log('extension-host suite skipped (DEPLOY_AGENT_E2E_SKIP_SUITE=1)');
  if (!skipSuite) await timed('extension-host suite', async () => {
    const remote = (/** @type {string} */ p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(repoRoot)], ['extensionTestsPath', remote(suiteEntry.replace(/\.js$/, ''))]]);
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
      try {
        suite = await waitForFile(resultsFile, SUITE_TIMEOUT_MS, server.exited);
      } catch (error) {
        await screenshot(page, 'extension-host-suite-timeout.png');
        throw error;
      }
      await screenshot(page, 'extension-host-suite.png');
    } finally {
      await page.close();
    }
  }).catch((error) => {
    suite = { passed: 0, failed: 1, tests: [{ title: 'extension-host suite', state: 'failed', error: error.message }], extras: {} };
  });
  if (suite.extras?.extensionPath !== undefined || suite.passed > 0) {
    await check('the extension-host suite ran against the development copy of the extension', async () => {
      if (suite.extras?.extensionPath !== repoRoot) throw new Error(`the suite saw the extension at ${suite.extras?.extensionPath}, not ${repoRoot}`);
    });
  }
  for (const t of suite.tests) log(`${t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'skip'} [extension host] ${t.title}${t.error ? `\n       ${t.error.split('\n').slice(0, 3).join('\n       ')}` : ''}`);
  if (suite.error) log(`suite error: ${suite.error}`);
  log(`extension-host suite: ${suite.passed} passed, ${suite.failed} failed${suite.pending ? `, ${suite.pending} pending` : ''} (VS Code ${suite.extras?.vscodeVersion ?? '?'}, ${suite.extras?.extensionHostNode ?? '?'}, activation ${suite.extras?.activationMs ?? '?'} ms)`);

  // (b) The UI, with the installed VSIX: every scenario in test/e2e/scenarios/, in file-name order.
  const scenarioDir = path.join(repoRoot, 'test', 'e2e', 'scenarios');
  const only = process.env.DEPLOY_AGENT_E2E_SCENARIOS ? new RegExp(process.env.DEPLOY_AGENT_E2E_SCENARIOS) : null;
  for (const file of readdirSync(scenarioDir).filter((name) => /^\d+-.+\.mjs$/.test(name)).sort()) {
    if (only && !only.test(file)) continue;
    const scenario = await import(pathToFileURL(path.join(scenarioDir, file)).href);
    await timed(`UI ${scenario.name}`, async () => {
      const page = await context.newPage();
      const failedBefore = checks.filter((c) => !c.ok).length;
      try {
        await scenario.run({ page, browserContext: context, server, workspace, tmp, userDataDir, suite, check, screenshot, timed, figure: (/** @type {string} */ name, /** @type {number} */ value) => (figures[name] = value), onCleanup: (/** @type {() => Promise<void>} */ fn) => cleanups.push(fn), log: logger(`e2e:${scenario.name}`) });
      } catch (error) {
        checks.push({ name: `scenario ${scenario.name} ran to its end`, ok: false, error: error instanceof Error ? error.message : String(error) });
        log(`FAIL scenario ${scenario.name}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        if (checks.filter((c) => !c.ok).length > failedBefore) await screenshot(page, `ui-failure-${scenario.name}.png`);
        await page.close();
      }
    });
  }

  const activations = activationsFromLogs(path.join(userDataDir, 'logs'));
  const passed = suite.passed + checks.filter((c) => c.ok).length;
  const failed = suite.failed + checks.filter((c) => !c.ok).length;
  // Kept after a failure (unless DEPLOY_AGENT_E2E_KEEP=0), or always with DEPLOY_AGENT_E2E_KEEP=1 (to read its logs).
  keepTmp = process.env.DEPLOY_AGENT_E2E_KEEP === '1' || (failed > 0 && process.env.DEPLOY_AGENT_E2E_KEEP !== '0');
  timings.total = Date.now() - started;
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    path.join(resultsDir, 'last-run.json'),
    JSON.stringify({ finishedAt: new Date().toISOString(), passed, failed, codeServerCached: cs.cached, timingsMs: timings, figures, activationMs: { suite: suite.extras?.activationMs ?? null, outputChannel: activations }, suite, ui: checks, vsixBytes: vsix.size }, null, 2) + '\n',
  );
  return { passed, failed };
}

let outcome;
try {
  outcome = await main();
} catch (error) {
  log(`the run stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  outcome = { passed: checks.filter((c) => c.ok).length, failed: checks.filter((c) => !c.ok).length + 1 };
} finally {
  await cleanup();
}
if (!interrupted) {
  log(`took ${((timings.total ?? 0) / 1000).toFixed(1)} s`);
  console.log(`e2e: ${outcome.passed} passed, ${outcome.failed} failed`);
  process.exitCode = outcome.failed > 0 ? 1 : 0;
}
