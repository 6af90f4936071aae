// The first look: the workbench with the fixture workspace, the diagnostics panel, and the
// Deploy Recommendation command opening its panel (empty: the fixture has no recommendation).
import { runCommand, waitForWorkbench, webviewContent } from '../workbench.mjs';

export const name = 'diagnostics';

/** @param {import('./context.mjs').ScenarioContext} ctx */
export async function run({ page, server, workspace, suite, check, screenshot, log }) {
  await check('the workbench loads with the fixture workspace', async () => {
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    await page.locator('.monaco-workbench .part.sidebar', { hasText: 'e2e-workspace' }).first().waitFor({ state: 'visible', timeout: 30000 });
  });
  await check('"Deploy Agent: Show Diagnostics" runs from the command palette and opens its panel', async () => {
    await runCommand(page, 'Deploy Agent: Show Diagnostics');
    await page.locator('.tabs-container .tab', { hasText: 'Deploy Agent: Diagnostics' }).first().waitFor({ state: 'visible', timeout: 30000 });
  });
  const view = webviewContent(page);
  /** @param {string} field */
  const cell = async (field) => (await view.locator(`td[data-field="${field}"]`).first().innerText({ timeout: 30000 })).trim();
  /** @type {Record<string, string>} */
  const shown = {};
  await check('the panel shows the SQLite version from the extension host', async () => {
    shown.sqlite = await cell('SQLite version');
    if (!/^3\.\d+\.\d+/.test(shown.sqlite)) throw new Error(`SQLite version cell shows "${shown.sqlite}"`);
    const fromHost = suite.extras?.diagnostics?.sqliteVersion;
    if (fromHost && fromHost !== shown.sqlite) throw new Error(`panel shows SQLite ${shown.sqlite}, the extension host computed ${fromHost}`);
  });
  await check('the panel shows the history schema version', async () => {
    shown.schema = await cell('Schema version');
    const m = /^(\d+) of (\d+)$/.exec(shown.schema);
    if (!m || Number(m[1]) < 1 || m[1] !== m[2]) throw new Error(`Schema version cell shows "${shown.schema}"`);
  });
  await check('the panel shows Node 22 and Node-API ≥ 10 (the extension host, not the browser)', async () => {
    shown.node = await cell('Node');
    shown.napi = await cell('Node-API');
    if (!/^v22\.\d+\.\d+$/.test(shown.node)) throw new Error(`Node cell shows "${shown.node}"`);
    if (!(Number(shown.napi) >= 10)) throw new Error(`Node-API cell shows "${shown.napi}"`);
    shown.vscode = await cell('VS Code');
    if (shown.vscode !== '1.103.2') throw new Error(`VS Code cell shows "${shown.vscode}"`);
  });
  await check('the panel shows the workspace configuration file as the source of pipeline.mode', async () => {
    const mode = await cell('pipeline.mode');
    if (!mode.includes('"dry-run"') || !/workspace|config\.json/.test(mode)) throw new Error(`pipeline.mode cell shows "${mode}"`);
  });
  log(`panel: SQLite ${shown.sqlite}, schema ${shown.schema}, Node ${shown.node}, Node-API ${shown.napi}, VS Code ${shown.vscode}`);
  await screenshot(page, 'diagnostics-panel.png');
  await check('"Deploy Agent: Deploy Recommendation" opens the deployment panel; a workspace without recommendations is told how to write one', async () => {
    await runCommand(page, 'Deploy Agent: Deploy Recommendation');
    await page.locator('.tabs-container .tab').filter({ hasText: 'Deploy Agent' }).filter({ hasNotText: 'Diagnostics' }).first().waitFor({ state: 'visible', timeout: 30000 });
    const empty = webviewContent(page).locator('.empty', { hasText: 'No recommendations yet' });
    await empty.waitFor({ state: 'visible', timeout: 30000 });
    if (!(await empty.innerText()).includes('New recommendation')) throw new Error(`the empty state says: ${await empty.innerText()}`);
    await screenshot(page, 'deploy-recommendation-opens-panel.png');
  });
}
