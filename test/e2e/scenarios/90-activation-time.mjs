// Activation as VS Code itself measures it: "Developer: Show Running Extensions" shows, per
// extension, the time to load its main file (dist/extension.js, codeLoadingTime) plus its
// activate() call (activateCallTime). Read in several fresh windows (a reload starts a new
// extension host), after a Deploy Agent command activated it; recorded as the run's figures
// `extension.vscodeActivationMs.windowN`. bench/activation.bench.ts reports these samples beside
// the in-function figure the extension logs itself.
import { runCommand, waitForWorkbench } from '../workbench.mjs';

export const name = 'activation-time';

const WINDOWS = 3;
/** Generous: on a loaded machine a fresh window's extension host takes long to start (the measured figure is VS Code's, not this wait). */
const WAIT_MS = 120_000;

/** @param {import('./context.mjs').ScenarioContext} ctx */
export async function run({ page, server, workspace, check, screenshot, figure, log }) {
  /** @type {{ totalMs: number, text: string }[]} */
  const samples = [];
  for (let i = 1; i <= WINDOWS; i++) {
    await check(`window ${i} of ${WINDOWS}: VS Code's Running Extensions shows Deploy Agent activated (loading + activate())`, async () => {
      await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
      await waitForWorkbench(page, WAIT_MS);
      await runCommand(page, 'Deploy Agent: Show Diagnostics', WAIT_MS); // activates the extension in this window's host
      await page.locator('.tabs-container .tab', { hasText: 'Deploy Agent: Diagnostics' }).first().waitFor({ state: 'visible', timeout: WAIT_MS });
      await runCommand(page, 'Developer: Show Running Extensions', WAIT_MS);
      const row = page.locator('.runtime-extensions-editor .extension', { hasText: 'Deploy Agent' }).first();
      const cell = row.locator('.activation-time');
      await cell.filter({ hasText: /Activation: \d+ms/ }).waitFor({ state: 'visible', timeout: WAIT_MS });
      const text = (await cell.innerText()).trim();
      const m = /Activation: (\d+)ms/.exec(text);
      if (!m) throw new Error(`the Running Extensions row shows "${text}"`);
      samples.push({ totalMs: Number(m[1]), text });
      figure(`extension.vscodeActivationMs.window${i}`, Number(m[1]));
      if (i === 1) await screenshot(page, 'running-extensions-activation.png');
    });
  }
  log(`VS Code activation times: ${samples.map((s) => `${s.totalMs} ms`).join(', ')}`);
}
