// Which confinement model-written code gets on this machine, as the diagnostics panel shows it:
// bubblewrap (installed by scripts/test-toolchains.mjs), in effect, with the network off.
import { runCommand, waitForWorkbench, webviewContent } from '../workbench.mjs';

export const name = 'confinement';

/** @param {import('./context.mjs').ScenarioContext} ctx */
export async function run({ page, server, workspace, check, screenshot, log }) {
  await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page);
  await runCommand(page, 'Deploy Agent: Show Diagnostics');
  await page.locator('.tabs-container .tab', { hasText: 'Deploy Agent: Diagnostics' }).first().waitFor({ state: 'visible', timeout: 30000 });
  const view = webviewContent(page);
  const section = view.locator('section', { hasText: 'Confinement of model-written code' });
  /** @param {string} field */
  const cell = async (field) => (await section.locator(`td[data-field="${field}"]`).first().innerText({ timeout: 30000 })).trim();
  await check('the diagnostics panel names the confinement tool found on this machine', async () => {
    const tool = await cell('Tool');
    if (!/^bubblewrap \d+\.\d+(\.\d+)? \(\/.*bwrap\)$/.test(tool)) throw new Error(`Tool cell shows "${tool}"`);
  });
  await check('and what is in effect: confined by bubblewrap, the repository read-only, the network off', async () => {
    const inEffect = await cell('In effect');
    if (!/^confined by bubblewrap .*your repository is read-only.*network off$/.test(inEffect)) throw new Error(`In effect cell shows "${inEffect}"`);
    log(`confinement: ${inEffect}`);
  });
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, 'diagnostics-confinement.png');
}
