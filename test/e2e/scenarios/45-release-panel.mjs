// A release watched in the deployment panel, in a real VS Code: a small service with two `local`
// targets in its .deploy-agent/config.json. "Deploy Agent: Release to Target" → pick "local" → the
// panel shows the release live (its strategy and why, each step with its duration, the health
// check) → "Release again" → "Roll Back" (VS Code asks first) → back to the first release. From the
// list, "Release to broken-health" fails its health check and is rolled back, with its recoveries and
// error shown. The list shows the targets, the latest releases and the deployment configuration the
// project misses ("Add a Dockerfile" …). Screenshots in dark and light: screenshots/release-*.png.
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../scripts/code-server/util.mjs';
import { pickColorTheme, runCommand, waitForWorkbench, webviewContent } from '../workbench.mjs';
import { git } from '../panel-harness.mjs';

export const name = 'release-panel';

const THEMES = { dark: 'Dark Modern', light: 'Light Modern' };
const THEME_CLASS = { dark: 'vs-dark', light: 'vs' };

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

const SERVER_JS = `import http from 'node:http';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
http
  .createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ status: 'ok', version }));
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
`;

/** A small service in its own git repository, with a `local` target that works and one whose health check never passes. */
function makeWorkspace(tmp, { port, brokenPort }) {
  const workspace = path.join(tmp, 'greeter-service');
  mkdirSync(path.join(workspace, '.deploy-agent'), { recursive: true });
  writeFileSync(path.join(workspace, 'package.json'), `${JSON.stringify({ name: 'greeter-service', version: '1.4.0', private: true, type: 'module', scripts: { start: 'node server.js', test: 'node --test' } }, null, 2)}\n`);
  writeFileSync(path.join(workspace, 'server.js'), SERVER_JS);
  writeFileSync(path.join(workspace, 'README.md'), '# greeter-service\n\nAnswers `{ "status": "ok" }`.\n');
  const releases = path.join(tmp, 'releases');
  for (const [target, p] of [['local', port], ['broken-health', brokenPort]]) {
    mkdirSync(path.join(releases, target, 'shared'), { recursive: true });
    writeFileSync(path.join(releases, target, 'shared', '.env'), `PORT=${p}\n`);
  }
  const node = JSON.stringify(process.execPath);
  writeFileSync(
    path.join(workspace, '.deploy-agent', 'config.json'),
    `${JSON.stringify(
      {
        targets: {
          // install takes a few seconds, so the live view can be seen (and photographed) mid-run.
          local: { type: 'local', path: path.join(releases, 'local'), shared: ['.env'], steps: { install: 'sleep 5' }, start: `${node} server.js`, healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 15000 }, watch: { minutes: 0 } },
          // Its application listens on another port than the one its health check asks.
          'broken-health': { type: 'local', path: path.join(releases, 'broken-health'), shared: ['.env'], steps: { install: 'true' }, start: `${node} server.js`, healthCheck: { url: `http://127.0.0.1:${brokenPort + 1}/health`, timeoutMs: 3000 }, watch: { minutes: 0 } },
        },
      },
      null,
      2,
    )}\n`,
  );
  git(workspace, 'init', '-q', '-b', 'main');
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-qm', 'greeter-service 1.4.0');
  return { workspace, releases };
}

/** @param {import('./context.mjs').ScenarioContext} ctx */
export async function run({ page, tmp, server, check, screenshot, log }) {
  const { workspace, releases } = makeWorkspace(tmp, { port: await freePort(), brokenPort: await freePort() });
  const view = webviewContent(page);
  const theme = (which) => pickColorTheme(page, THEMES[which], THEME_CLASS[which]);
  /** The whole window, and the panel alone (docs/release.md shows those). */
  const shot = async (file) => {
    // The release's own toasts ("… done.", with Open Report) would cover the panel.
    await runCommand(page, 'Notifications: Clear All Notifications');
    await page.mouse.move(5, 450);
    await page.waitForTimeout(300);
    await screenshot(page, file);
    await page.locator('.part.editor').screenshot({ path: path.join(repoRoot, 'screenshots', file.replace(/\.png$/, '-panel.png')) }).catch((error) => log(`panel screenshot ${file} failed: ${error.message}`));
  };
  /** Waits for the release's status badge to read one of `expected`. @param {string[]} expected */
  const waitStatus = async (expected, timeout = 60000) => {
    await view.locator(expected.map((s) => `[data-testid="deployment-status"] .status[data-status="${s}"]`).join(', ')).waitFor({ state: 'visible', timeout });
  };
  const panelButton = (label) => view.locator('vscode-button', { hasText: label }).first();

  try {
    await check('release-panel: the workbench opens the service', async () => {
      await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
      await waitForWorkbench(page);
      await theme('dark');
    });

    await check('release-panel: "Release to Target" → local: the panel shows the release live, its plan and steps', async () => {
      await runCommand(page, 'Deploy Agent: Release to Target');
      const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'local' }).first();
      await row.waitFor({ state: 'visible', timeout: 30000 });
      await row.click();
      await page.locator('.tabs-container .tab', { hasText: 'Deploy Agent' }).first().waitFor({ state: 'visible', timeout: 30000 });
      await view.locator('h1', { hasText: 'Release to local' }).waitFor({ state: 'visible', timeout: 30000 });
      // Mid-run (install takes 5 s): a step running, Cancel offered, the plan saying how and why.
      await view.locator('vscode-button#cancel').waitFor({ state: 'visible', timeout: 30000 });
      await view.locator('[data-testid="timeline"] [data-state="running"]').first().waitFor({ state: 'visible', timeout: 30000 });
      await view.locator('[data-testid="release-plan"]').waitFor({ state: 'visible', timeout: 10000 });
      const plan = await view.locator('[data-testid="release-plan"]').innerText();
      if (!/Strategy: (conservative|balanced|aggressive)/.test(plan) || !/Why:/.test(plan)) throw new Error(`the plan shows ${JSON.stringify(plan)}`);
      await view.locator('[data-step="install"][data-state="running"]').waitFor({ state: 'visible', timeout: 30000 });
      await shot('release-live-dark.png');
      await waitStatus(['succeeded']);
      const health = await view.locator('[data-step="health-check"]').innerText();
      if (!/200 in \d+ ms/.test(health)) throw new Error(`the health check step shows ${JSON.stringify(health)}`);
      const steps = await view.locator('[data-testid="timeline"] [data-state="succeeded"]').count();
      if (steps < 10) throw new Error(`only ${steps} steps succeeded`);
    });

    await check('release-panel: "Release again", then "Roll Back" (VS Code asks first) goes back to the first release', async () => {
      const firstTitle = await view.locator('.subtitle code').first().innerText();
      await panelButton('Release again').click();
      await view.locator('[data-step="install"][data-state="running"]').waitFor({ state: 'visible', timeout: 30000 });
      const secondTitle = await view.locator('.subtitle code').first().innerText();
      if (secondTitle === firstTitle) throw new Error('the panel still shows the first release');
      await waitStatus(['succeeded']);
      await panelButton('Roll Back').click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 15000 });
      const question = await dialog.innerText();
      if (!/Roll local back to its previous release\?/.test(question)) throw new Error(`the dialog asks ${JSON.stringify(question)}`);
      await dialog.locator('.monaco-button', { hasText: 'Roll Back' }).first().click();
      await view.locator('h1', { hasText: 'Roll back local' }).waitFor({ state: 'visible', timeout: 30000 });
      await waitStatus(['succeeded']);
      const subtitle = await view.locator('.subtitle').innerText();
      if (!subtitle.includes(firstTitle)) throw new Error(`the rollback does not go back to the first release ${firstTitle}: ${subtitle}`);
      await shot('release-rollback-dark.png');
    });

    await check('release-panel: the list shows the targets, the latest releases and the missing deployment configuration', async () => {
      await view.locator('button.back').first().click();
      const releasesSection = view.locator('[data-testid="releases"]');
      // The list is read again on the way back: the rollback is among the latest releases.
      await releasesSection.locator('.recent-releases li', { hasText: 'roll back local' }).first().waitFor({ state: 'visible', timeout: 30000 });
      const text = await releasesSection.innerText();
      for (const expected of ['local', 'broken-health', 'never released', 'roll back local']) if (!text.includes(expected)) throw new Error(`the releases section lacks ${expected}: ${text}`);
      const missing = view.locator('[data-testid="missing-config"]');
      await missing.waitFor({ state: 'visible', timeout: 60000 });
      const offered = await missing.locator('.rec-title').allInnerTexts();
      if (!offered.includes('Add a Dockerfile')) throw new Error(`offered: ${JSON.stringify(offered)}`);
      if (offered.includes('Add a release target')) throw new Error('a release target is offered although the project has two');
      await page.waitForTimeout(1500);
      await view.locator('[data-testid="releases"]').evaluate((el) => el.scrollIntoView());
      await shot('release-list-dark.png');
    });

    await check('release-panel: "Release to broken-health" from the list fails its health check and is rolled back, with the recoveries shown', async () => {
      await view.locator('vscode-button[data-argument="broken-health"]').click();
      await view.locator('h1', { hasText: 'Release to broken-health' }).waitFor({ state: 'visible', timeout: 30000 });
      // A first release has nothing to go back to: its application is stopped and it ends failed.
      await waitStatus(['rolled_back', 'failed'], 90000);
      const problem = await view.locator('.problem').first().innerText();
      if (!/health/i.test(problem)) throw new Error(`the problem shown: ${problem}`);
      // What was tried is right under the error.
      const recoveries = await view.locator('#region-problem [data-testid="recoveries"]').innerText();
      if (!/waited and asked again/.test(recoveries) || !/did not work/.test(recoveries) || !/rolled back/.test(recoveries)) throw new Error(`recoveries: ${recoveries}`);
      if (await view.locator('vscode-button', { hasText: 'Roll Back' }).count()) throw new Error('a rolled-back release offers Roll Back');
      await shot('release-failed-dark.png');
    });

    await check('release-panel: the same views in the light theme', async () => {
      await theme('light');
      await shot('release-failed-light.png');
      await view.locator('button.back').first().click();
      await view.locator('vscode-button[data-argument="local"]', { hasText: 'Release to local' }).first().click();
      await view.locator('h1', { hasText: 'Release to local' }).waitFor({ state: 'visible', timeout: 30000 });
      await view.locator('[data-step="install"][data-state="running"]').waitFor({ state: 'visible', timeout: 30000 });
      await shot('release-live-light.png');
      await waitStatus(['succeeded']);
      await view.locator('button.back').first().click();
      await view.locator('[data-testid="missing-config"]').waitFor({ state: 'visible', timeout: 60000 });
      await view.locator('[data-testid="releases"] .recent-releases').waitFor({ state: 'visible', timeout: 30000 });
      // Both parts of the list arrive after it (each repaints it): scrolled once they are in.
      await page.waitForTimeout(1500);
      await view.locator('[data-testid="releases"]').evaluate((el) => el.scrollIntoView());
      await shot('release-list-light.png');
    });
  } finally {
    // The applications the targets started (supervised process groups) are stopped.
    for (const target of ['local', 'broken-health']) {
      const pid = path.join(releases, target, 'run', 'app.pid');
      if (existsSync(pid)) {
        try {
          process.kill(-Number(readFileSync(pid, 'utf8')), 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  }
}
