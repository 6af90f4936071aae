/* global document, getComputedStyle, HTMLInputElement -- the waitForFunction callbacks run in the page */
// Driving the VS Code workbench (code-server in Chromium) with playwright-core: waiting for
// it, running a command from the command palette, reaching into a webview's nested iframes.

/** Waits until the workbench has rendered and its extension host is up. @param {import('playwright-core').Page} page */
export async function waitForWorkbench(page, timeoutMs = 90000) {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.activitybar, .monaco-workbench .part.sidebar').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Opens the command palette (F1), types the command's title and runs it.
 * @param {import('playwright-core').Page} page
 * @param {string} title e.g. "Deploy Agent: Show Diagnostics"
 */
export async function runCommand(page, title, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  // The palette can lose focus to a late notification or editor; retry until it holds the title.
  for (let attempt = 1; ; attempt++) {
    await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, trial: false }).catch(() => {});
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ state: 'visible', timeout: 10000 });
      await row.click({ timeout: 5000 }); // short, so a palette closed by a late welcome page is retried, not waited on
      // The palette closes, or the command opens its own quick input (the input no longer holds ">title").
      await page.waitForFunction(
        () => {
          const widget = document.querySelector('.quick-input-widget');
          const box = widget?.querySelector('.quick-input-box input');
          return !widget || getComputedStyle(widget).display === 'none' || !(box instanceof HTMLInputElement) || !box.value.startsWith('>');
        },
        null,
        { timeout: 5000 },
      );
      return;
    } catch (error) {
      await page.keyboard.press('Escape').catch(() => {});
      if (Date.now() > deadline) throw new Error(`could not run "${title}" from the command palette (${attempt} attempts): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

/**
 * The document inside the webview whose panel title is `title`: VS Code puts each webview in
 * an outer iframe (class "webview") holding the content iframe (#active-frame).
 * @param {import('playwright-core').Page} page
 */
export function webviewContent(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

/**
 * Text of the notification toast containing `text`, once it shows.
 * @param {import('playwright-core').Page} page
 * @param {string | RegExp} text
 */
export async function notificationText(page, text, timeoutMs = 15000) {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await toast.innerText()).trim();
}

/**
 * Picks a colour theme as a user does ("Preferences: Color Theme", its name, Enter), then waits
 * until the workbench wears it (`themeClass`: vs, vs-dark, hc-black) and a webview has restyled.
 * @param {import('playwright-core').Page} page
 * @param {string} name e.g. "Light Modern"
 * @param {string} themeClass
 */
export async function pickColorTheme(page, name, themeClass) {
  await runCommand(page, 'Preferences: Color Theme');
  await page.locator('.quick-input-widget .quick-input-box input').fill(name);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 30000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 });
  await page.locator(`.monaco-workbench.${themeClass}`).waitFor({ state: 'attached', timeout: 15000 });
  await page.waitForTimeout(500);
}
