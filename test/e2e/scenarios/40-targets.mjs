// Releasing from a real VS Code: with two targets in the workspace's .deploy-agent/config.json —
// a `local` one and an SSH one whose server does not answer (long host list, the error state) —
// "Deploy Agent: Release to Target" asks which, shows the release in the panel (its progress in the
// status bar) and says "done."; the Targets view then shows the local target's current release as healthy and the SSH
// one as unreachable. Screenshots: screenshots/targets-{dark,light}.png and -view.png (side bar).
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../../scripts/code-server/util.mjs';
import { notificationText, runCommand, waitForWorkbench } from '../workbench.mjs';

export const name = 'targets';

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @param {import('./context.mjs').ScenarioContext} ctx */
export async function run({ page, server, workspace, check, screenshot, log }) {
  const configFile = path.join(workspace, '.deploy-agent', 'config.json');
  const saved = existsSync(configFile) ? readFileSync(configFile, 'utf8') : undefined;
  const root = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-targets-'));
  const port = await freePort();
  mkdirSync(path.join(root, 'shared'), { recursive: true });
  writeFileSync(path.join(root, 'shared', '.env'), `PORT=${port}\n`);
  const app = `require('http').createServer((q, s) => s.end('{"status":"ok"}')).listen(process.env.PORT, '127.0.0.1')`;
  mkdirSync(path.dirname(configFile), { recursive: true });
  writeFileSync(
    configFile,
    JSON.stringify({
      targets: {
        local: { type: 'local', path: root, shared: ['.env'], steps: { install: 'true' }, start: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(app)}`, healthCheck: { url: `http://127.0.0.1:${port}/health` }, watch: { minutes: 0 } },
        'production-eu-west': { type: 'ssh', hosts: ['127.0.0.1:1', '127.0.0.2:1'], user: 'deploy', path: '/srv/orders-service', environment: 'production', start: 'npm start', identityFile: path.join(root, 'no-key') },
      },
    }),
  );
  try {
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    // An editor the window restores late (a panel left by an earlier run) closes a quick pick as it opens.
    await runCommand(page, 'View: Close All Editors');
    await check('Release to Target asks which target, releases the local one, says done', async () => {
      const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'local' }).first();
      for (let attempt = 1; ; attempt++) {
        await runCommand(page, 'Deploy Agent: Release to Target');
        try {
          await row.waitFor({ state: 'visible', timeout: 15000 });
          break;
        } catch (error) {
          if (attempt === 2) throw error;
        }
      }
      await row.click();
      const done = await notificationText(page, /done\.|rolled_back|failed/, 60000);
      if (!/done\./.test(done)) throw new Error(`the release did not succeed: ${done}`);
      log(done);
    });
    await check('the Targets view shows the local target healthy and the SSH one unreachable', async () => {
      await page.locator('.activitybar .action-item a[aria-label^="Deploy Agent"]').first().click();
      const header = page.locator('.part.sidebar .pane-header', { hasText: 'Targets' }).first();
      await header.waitFor({ state: 'visible', timeout: 20000 });
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      for (const pane of ['Analytics', 'Deployments', 'Patterns']) {
        const other = page.locator('.part.sidebar .pane-header', { hasText: pane }).first();
        if ((await other.getAttribute('aria-expanded').catch(() => null)) === 'true') await other.click();
      }
      await page.locator('.part.sidebar .monaco-list-row', { hasText: /1\/1 healthy/ }).first().waitFor({ state: 'visible', timeout: 30000 });
      await page.locator('.part.sidebar .monaco-list-row', { hasText: /unreachable/ }).first().waitFor({ state: 'visible', timeout: 30000 });
    });
    const shots = path.join(repoRoot, 'screenshots');
    mkdirSync(shots, { recursive: true });
    for (const [theme, file] of [['Dark Modern', 'targets-dark'], ['Light Modern', 'targets-light']]) {
      await check(`a screenshot in ${theme}`, async () => {
        await runCommand(page, 'Preferences: Color Theme');
        await page.locator('.quick-input-widget .quick-input-box input').fill(theme);
        await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: theme }).first().waitFor({ state: 'visible', timeout: 10000 });
        await page.keyboard.press('Enter');
        await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 });
        await page.locator('.part.sidebar .monaco-list-row', { hasText: 'local' }).first().hover();
        await page.waitForTimeout(1200);
        await screenshot(page, `${file}.png`);
        await page.locator('.part.sidebar').screenshot({ path: path.join(shots, `${file}-view.png`) });
      });
    }
  } finally {
    if (saved === undefined) rmSync(configFile, { force: true });
    else writeFileSync(configFile, saved);
    const pid = path.join(root, 'run', 'app.pid');
    if (existsSync(pid)) {
      try {
        process.kill(-Number(readFileSync(pid, 'utf8')), 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  }
}
