// Which confinement model-written code gets on this machine, as the diagnostics panel shows it:
// bubblewrap (installed by scripts/test-toolchains.mjs), in effect, with the network off.
import { runCommand, waitForWorkbench, webviewContent } from '../workbench.mjs';

export const name = 'confinement';

/** @param {import('./context.mjs').ScenarioContext} ctx */
export async function run({ page, server, workspace, check, screenshot, log }) {
  await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page);
  // A panel the extension-host suite left open may come back with the window: only the diagnostics is wanted here.
  await runCommand(page, 'View: Close All Editors');
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
  // The panel draws again when its figures arrive: a section found a moment before can be replaced meanwhile.
  for (let attempt = 1; ; attempt++) {
    try {
      await section.scrollIntoViewIfNeeded({ timeout: 10000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.waitForTimeout(500);
    }
  }
  await screenshot(page, 'diagnostics-confinement.png');
}
