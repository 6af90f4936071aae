/* global document */
// The sidebar as a newcomer finds it with all four views open: the Analytics view keeps the most
// room (package.json's initialSize: its DORA cards and first chart are not cut to a strip), and
// the Targets view of a workspace without targets shows its welcome content — what a target is and
// an "Open Target Configuration" button — instead of one truncated tree line.
// Screenshots: screenshots/sidebar-panes-{dark,light}.png and -view.png (the side bar only).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../scripts/code-server/util.mjs';
import { runCommand, waitForWorkbench } from '../workbench.mjs';

export const name = 'sidebar-panes';

/** @param {import('./context.mjs').ScenarioContext} ctx */
export async function run({ page, server, workspace, check, screenshot, figure, log }) {
  await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page);
  const header = (/** @type {string} */ title) => page.locator('.part.sidebar .pane-header', { hasText: title }).first();

  await check('with Analytics, Deployments, Patterns and Targets all open, Analytics is the tallest view', async () => {
    await page.locator('.part.activitybar .action-item a.action-label[aria-label^="Deploy Agent"]').first().click();
    for (const title of ['Analytics', 'Deployments', 'Patterns', 'Targets']) {
      const h = header(title);
      await h.waitFor({ state: 'visible', timeout: 30000 });
      if ((await h.getAttribute('aria-expanded')) !== 'true') await h.click();
    }
    await page.waitForTimeout(500);
    const heights = await page.locator('.part.sidebar .split-view-view').evaluateAll((views) =>
      views.map((v) => ({ title: v.querySelector('.pane-header .title')?.textContent ?? '', height: v.getBoundingClientRect().height })),
    );
    const sidebar = (await page.locator('.part.sidebar').boundingBox())?.height ?? 0;
    log(`side bar ${Math.round(sidebar)} px: ${heights.map((h) => `${h.title} ${Math.round(h.height)}`).join(', ')}`);
    const analytics = heights.find((h) => /analytics/i.test(h.title));
    if (!analytics) throw new Error(`no Analytics view among ${JSON.stringify(heights)}`);
    const others = heights.filter((h) => h !== analytics);
    if (others.some((h) => h.height > analytics.height)) throw new Error(`a view is taller than Analytics: ${JSON.stringify(heights)}`);
    if (analytics.height < sidebar * 0.35) throw new Error(`Analytics has ${Math.round(analytics.height)} of ${Math.round(sidebar)} px`);
  });

  await check('the Targets view without targets shows what a target is and an Open Target Configuration button', async () => {
    const targets = page.locator('.part.sidebar .split-view-view', { has: page.locator('.pane-header', { hasText: 'Targets' }) }).first();
    const welcome = targets.locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 20000 });
    const text = (await welcome.innerText()).replace(/\s+/g, ' ');
    if (!/No release targets yet\..*A target is a folder on this machine or servers over SSH/.test(text)) throw new Error(`welcome reads: ${text}`);
    const button = welcome.locator('.monaco-button', { hasText: 'Open Target Configuration' }).first();
    await button.waitFor({ state: 'visible', timeout: 5000 });
    // In view without scrolling, in the height the view has with all four open.
    const [box, pane] = [await button.boundingBox(), await targets.boundingBox()];
    if (!box || !pane || box.y + box.height > pane.y + pane.height) throw new Error(`the button is below the view's fold: ${JSON.stringify({ box, pane })}`);
  });

  await check('the Analytics view has drawn its content (figures or its empty state), not a blank pane', async () => {
    const started = Date.now();
    const deadline = started + 60000;
    for (;;) {
      let drawn = false;
      for (const frame of page.frames()) {
        drawn ||= await frame.evaluate(() => Boolean(document.querySelector('#app select#window') && (document.querySelector('#app .dora') || document.querySelector('#app .empty')))).catch(() => false);
      }
      if (drawn) break;
      if (Date.now() > deadline) throw new Error('the Analytics view drew nothing in 60 s');
      await page.waitForTimeout(250);
    }
    figure('sidebarPanes.analyticsDrawnMs', Date.now() - started);
    log(`Analytics drawn ${Date.now() - started} ms after the views were opened`);
  });

  const shots = path.join(repoRoot, 'screenshots');
  mkdirSync(shots, { recursive: true });
  for (const [theme, file] of /** @type {const} */ ([['Dark Modern', 'sidebar-panes-dark'], ['Light Modern', 'sidebar-panes-light']])) {
    await check(`screenshot in ${theme}`, async () => {
      await runCommand(page, 'Preferences: Color Theme');
      await page.locator('.quick-input-widget .quick-input-box input').fill(theme);
      await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: theme }).first().waitFor({ state: 'visible', timeout: 10000 });
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 });
      await page.mouse.move(900, 500);
      await page.waitForTimeout(1200);
      await screenshot(page, `${file}.png`);
      await page.locator('.part.sidebar').screenshot({ path: path.join(shots, `${file}-view.png`) });
    });
  }
}
