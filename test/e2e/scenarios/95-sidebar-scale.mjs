/* global document */
// The sidebar as a newcomer meets it, at both ends of a history: a repository with a long name and
// no deployment (the empty state offers to import CI history), the same repository with one
// deployment, and 100,000 deployments (all repositories, all history) — with the first chart's
// paint time at that size. Runs late: it leaves 100,000 deployments of another repository in the
// run's history database. Screenshots: screenshots/sidebar-{empty,one,100k}-view.png.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../scripts/code-server/util.mjs';
import { runCommand, waitForWorkbench } from '../workbench.mjs';
import { historyDb } from './20-sidebar.mjs';

export const name = 'sidebar-scale';

const SCALE = 100_000;

/** @param {import('playwright-core').Page} page */
async function analyticsFrame(page, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (await frame.evaluate(() => Boolean(document.querySelector('#app select#window'))).catch(() => false)) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no Analytics view document after ${timeoutMs / 1000} s`);
    await page.waitForTimeout(250);
  }
}

/** @param {import('playwright-core').Page} page @param {string} title @param {boolean} expanded */
async function setPane(page, title, expanded) {
  const header = page.locator('.part.sidebar .pane-header', { hasText: title }).first();
  if ((await header.getAttribute('aria-expanded')) !== String(expanded)) await header.click();
}

/** @param {string[]} args */
function seed(args) {
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'support', 'seed-history-cli.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 24 }));
}

/** @param {import('./context.mjs').ScenarioContext} ctx */
export async function run({ page, server, tmp, userDataDir, check, figure, log }) {
  const db = historyDb(userDataDir);
  const repo = path.join(tmp, 'acme-payments-reconciliation-and-settlement-service');
  mkdirSync(repo, { recursive: true });
  writeFileSync(path.join(repo, 'README.md'), '# Payments reconciliation\n');
  const git = (/** @type {string[]} */ args) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git(['init', '-q', '-b', 'main']);
  git(['add', '-A']);
  git(['-c', 'user.name=e2e', '-c', 'user.email=e2e@deploy-agent.invalid', 'commit', '-qm', 'start']);

  const shots = path.join(repoRoot, 'screenshots');
  mkdirSync(shots, { recursive: true });
  /** The side bar, with the pointer away from it (no hover tooltips). @param {string} name */
  const shot = async (name) => {
    await page.mouse.move(900, 500);
    await page.waitForTimeout(200);
    return page.locator('.part.sidebar').screenshot({ path: path.join(shots, `${name}-view.png`) }).catch((error) => log(`screenshot ${name} failed: ${error.message}`));
  };
  const view = () => analyticsFrame(page);

  // Other repositories have a history (the known one; already there when the sidebar scenario ran).
  seed(['--db', db, '--repo', path.join(tmp, 'greeter')]);
  await page.goto(`${server.url}?folder=${encodeURIComponent(repo)}`);
  await waitForWorkbench(page);
  await page.locator('.part.activitybar .action-item a.action-label[aria-label^="Deploy Agent"]').first().click();
  await page.locator('.part.sidebar .pane-header', { hasText: 'Deployments' }).first().waitFor({ state: 'visible', timeout: 30000 });
  await setPane(page, 'Analytics', true);
  await setPane(page, 'Deployments', true);
  await setPane(page, 'Patterns', false);

  await check('a repository without deployments: the Analytics view says so, offers to deploy and to import CI history, and points at the other repositories', async () => {
    const empty = (await view()).locator('.empty');
    await empty.waitFor({ state: 'visible', timeout: 30000 });
    const text = await empty.innerText();
    for (const expected of ['No deployments from acme-payments-reconciliation-and-settlement-service yet', 'Deploy Recommendation', 'Import from GitHub Actions', 'Import a TravisTorrent CSV', 'Show all repositories']) {
      if (!text.includes(expected)) throw new Error(`the empty state says: ${text}`);
    }
    await page.locator('.part.sidebar .pane', { hasText: 'other repositories have some' }).first().waitFor({ state: 'visible', timeout: 15000 });
    await shot('sidebar-empty');
  });

  await check('one deployment: the view and the tree show it after a refresh', async () => {
    seed(['--db', db, '--repo', repo, '--one']);
    await runCommand(page, 'Deploy Agent: Refresh');
    const summary = (await view()).locator('.summary');
    await summary.waitFor({ state: 'visible', timeout: 20000 });
    const text = await summary.innerText();
    if (!/^1 deployment ·/.test(text.trim())) throw new Error(`the summary says: ${text}`);
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Add a greeting for the morning' }).first().waitFor({ state: 'visible', timeout: 15000 });
    await (await view()).locator('section.chart .plot canvas').nth(4).waitFor({ state: 'attached', timeout: 15000 });
    await shot('sidebar-one');
  });

  await check(`${SCALE.toLocaleString('en-US')} deployments, all repositories and all history: the charts draw, and how long the first one took is recorded`, async () => {
    const started = Date.now();
    const seeded = seed(['--db', db, '--repo', path.join(tmp, 'monorepo-at-scale'), '--scale', String(SCALE)]);
    log(`seeded ${seeded.count} deployments in ${((Date.now() - started) / 1000).toFixed(1)} s (their first learning ${Math.round(seeded.learnMs)} ms)`);
    const frame = await view();
    await frame.locator('select#scope').selectOption('all');
    await frame.locator('select#window').selectOption('all');
    const deadline = Date.now() + 60000;
    for (;;) {
      const total = Number((await (await view()).locator('.summary strong').first().innerText().catch(() => '0')).replace(/,/g, ''));
      if (total >= SCALE) break;
      if (Date.now() > deadline) throw new Error(`the view shows ${total} deployments`);
      await page.waitForTimeout(500);
    }
    // The view opened again (its document anew): the figure is its first chart of the host's figures.
    await setPane(page, 'Analytics', false);
    await setPane(page, 'Analytics', true);
    const body = (await view()).locator('body');
    await body.locator('section.chart .plot canvas').first().waitFor({ state: 'attached', timeout: 30000 });
    const until = Date.now() + 30000;
    let fresh = NaN;
    while (!(fresh > 0) && Date.now() < until) {
      fresh = Number(await body.getAttribute('data-first-data-chart-ms'));
      if (!(fresh > 0)) await page.waitForTimeout(200);
    }
    if (!(fresh > 0)) throw new Error('no chart of the host’s figures was drawn');
    figure('sidebar.firstChartPaint100kMs', fresh);
    log(`${SCALE} deployments: first chart of the host's figures painted ${fresh} ms after the view's document started`);
    await shot('sidebar-100k');
  });

  await check('the Deployments tree over all repositories: counts in thousands, long groups closed, a page at a time', async () => {
    await runCommand(page, 'Deploy Agent: Show All Repositories');
    await setPane(page, 'Analytics', false);
    const shipped = page.locator('.part.sidebar .monaco-list-row', { hasText: /Shipped\s*\d{2},\d{3}/ }).first();
    await shipped.waitFor({ state: 'visible', timeout: 30000 });
    if ((await shipped.getAttribute('aria-expanded')) !== 'false') throw new Error('a group of thousands opens closed');
    await shipped.click();
    // Its first page: the newest shipped deployments (other scenarios' releases may be newer than the seeded ones).
    await page.locator('.part.sidebar .monaco-list-row[aria-level="2"]').nth(3).waitFor({ state: 'visible', timeout: 30000 });
    const more = page.locator('.part.sidebar .monaco-list-row', { hasText: /Show 50 more\s*\d{1,3}(,\d{3})+ not shown/ }).first();
    // The 51st row of the group, below the fold: scrolled to as a person would.
    const box = await shipped.boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + 200);
    const deadline = Date.now() + 20000;
    while (!(await more.isVisible()) && Date.now() < deadline) await page.mouse.wheel(0, 400);
    await more.waitFor({ state: 'visible', timeout: 5000 });
    await page.mouse.move(700, 450);
    await shot('sidebar-100k-trees');
  });
}
