// The deployment panel in a real VS Code, as a new user meets it: the fixture repository's
// recommendations, a new one written in the form, a deployment followed live, its review, shipping
// (branch + commit, then push + pull request against the fake GitHub), a window reload during
// review, and a model provider that is down. Screenshots in light, dark and high contrast.
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { runCommand, waitForWorkbench, webviewContent } from '../workbench.mjs';
import { git, loadFakes, makePanelWorkspace, outputLog, startPanelCodeServer, writeSettings } from '../panel-harness.mjs';

export const name = 'panel';

const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern', hc: 'Default High Contrast' };

const GREET_WITH_FAREWELL = `export function greet(name) {
  return \`Hello, \${name}!\`;
}

export function farewell(name) {
  if (!name) throw new TypeError('farewell() needs a name');
  return \`Goodbye, \${name}!\`;
}
`;

const FAREWELL_TEST = `import assert from 'node:assert/strict';
import test from 'node:test';
import { farewell } from '../src/greet.js';

test("farewell('Ada') returns 'Goodbye, Ada!'", () => {
  assert.equal(farewell('Ada'), 'Goodbye Ada!');
});

test("farewell('') throws a TypeError", () => {
  assert.throws(() => farewell(''), TypeError);
});
`;

/** The model's side of "Add a farewell greeting": implement, tests with one planted failure, one repair. */
function scriptFarewell(ollama) {
  const finish = (summary) => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });
  ollama.script(
    'implement',
    { text: 'I will read src/greet.js to see how greet() is exported.', toolCalls: [{ name: 'read_file', arguments: { path: 'src/greet.js' } }] },
    { text: 'Adding farewell(name) beside greet(name), with the same export style.', toolCalls: [{ name: 'write_file', arguments: { path: 'src/greet.js', content: GREET_WITH_FAREWELL } }] },
    finish('Added farewell(name) to src/greet.js.'),
  );
  ollama.script(
    'tests',
    { text: 'One test per acceptance criterion.', toolCalls: [{ name: 'write_file', arguments: { path: 'test/farewell.test.js', content: FAREWELL_TEST } }] },
    finish('Wrote test/farewell.test.js.'),
  );
  ollama.script(
    'fix',
    { text: 'The expected string lacks the comma.', toolCalls: [{ name: 'edit_file', arguments: { path: 'test/farewell.test.js', search: "'Goodbye Ada!'", replace: "'Goodbye, Ada!'" } }] },
    finish('Fixed the expectation in test/farewell.test.js.'),
  );
  // The tests phase answers after a pause, so the live view can be seen (and photographed) mid-run.
  ollama.fail({ kind: 'delay', ms: 2500 }, 'tests');
}

/** @param {import('./context.mjs').ScenarioContext} ctx */
export async function run(ctx) {
  const { page, tmp, check, screenshot, figure, onCleanup, log } = ctx;
  const { FakeOllama, FakeGithub, userState } = await loadFakes();
  const ollama = new FakeOllama();
  const github = new FakeGithub({ autoCreateRepos: true });
  const ollamaUrl = await ollama.listen();
  const githubUrl = await github.listen();
  onCleanup(() => ollama.close());
  onCleanup(() => github.close());
  const { workspace } = makePanelWorkspace(tmp, ollamaUrl);
  const { server, userDataDir } = await startPanelCodeServer({
    tmp,
    workspace,
    theme: THEMES.dark,
    onCleanup,
    env: { GITHUB_TOKEN: github.token, GITHUB_API_URL: githubUrl, GITHUB_REPOSITORY: 'acme/panel-greeter', DEPLOY_AGENT_DB: path.join(tmp, 'panel-history.db') },
  });
  const view = webviewContent(page);
  const theme = async (name) => {
    writeSettings(userDataDir, { 'workbench.colorTheme': THEMES[name] });
    await page.waitForTimeout(1200); // the workbench and the webview restyle from the new theme's variables
  };
  const shot = async (file) => {
    await page.waitForTimeout(300);
    await screenshot(page, file);
  };

  await check('panel: the workbench opens the fixture repository', async () => {
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    await page.locator('.monaco-workbench .part.sidebar', { hasText: 'panel-greeter' }).first().waitFor({ state: 'visible', timeout: 30000 });
  });

  await check('panel: "Deploy Recommendation" from the command palette opens the panel listing the fixture’s recommendations', async () => {
    await runCommand(page, 'Deploy Agent: Deploy Recommendation');
    await page.locator('.tabs-container .tab', { hasText: 'Deploy Agent' }).first().waitFor({ state: 'visible', timeout: 30000 });
    const list = view.locator('[data-testid="recommendations"]');
    await list.waitFor({ state: 'visible', timeout: 30000 });
    const titles = await list.locator('.rec-title').allInnerTexts();
    if (!titles.includes('Add a farewell greeting')) throw new Error(`the list shows ${JSON.stringify(titles)}`);
    if (!titles.some((t) => t.startsWith('Make greet() shout back'))) throw new Error(`the long-titled recommendation is missing: ${JSON.stringify(titles)}`);
  });

  await check('panel: the invalid recommendation file is listed with its schema problems', async () => {
    const invalid = view.locator('[data-testid="invalid-recommendations"]');
    await invalid.waitFor({ state: 'visible', timeout: 10000 });
    const text = await invalid.innerText();
    for (const expected of ['docs/broken.recommendation.json', '"description" is required', '"category" must be one of', '"acceptanceCriteria" must be an array']) {
      if (!text.includes(expected)) throw new Error(`the invalid file's entry lacks ${JSON.stringify(expected)}: ${text}`);
    }
  });

  await check('panel: its first paint (command → rendered list) is measured', async () => {
    const deadline = Date.now() + 10000;
    let match;
    while (!(match = /first paint of \d+ recommendation\(s\) (\d+(?:\.\d+)?) ms after the command/.exec(outputLog(userDataDir)))) {
      if (Date.now() > deadline) throw new Error('no first-paint line in the "Deploy Agent" output');
      await page.waitForTimeout(200);
    }
    figure('panelFirstPaintMs', Number(match[1]));
    log(`first paint: ${match[1]} ms`);
  });

  await shot('panel-recommendations-dark.png');
  await theme('light');
  await shot('panel-recommendations-light.png');
  await theme('hc');
  await shot('panel-recommendations-high-contrast.png');
  await theme('dark');

  await check('panel: "New recommendation" checks the form against the schema as the user types, then saves a file', async () => {
    await view.locator('vscode-button[data-action="newRecommendation"]').first().click();
    const title = view.locator('#f-title');
    await title.waitFor({ state: 'visible', timeout: 10000 });
    await title.click();
    await page.keyboard.type('Say hello in French');
    // Leaving the description empty and trying to save shows the schema's complaint under the field.
    await view.locator('#save-recommendation').click();
    await view.locator('#p-description', { hasText: 'must not be empty' }).waitFor({ state: 'visible', timeout: 10000 });
    await shot('panel-new-recommendation-dark.png');
    await view.locator('#f-description').click();
    await page.keyboard.type('Add bonjour(name) beside greet(name).');
    await view.locator('[data-field="criterion"][data-index="0"]').click();
    await page.keyboard.type("bonjour('Ada') returns 'Bonjour, Ada !'");
    await view.locator('#p-description').waitFor({ state: 'hidden', timeout: 10000 });
    await view.locator('#save-recommendation').click();
    await view.locator('.rec-title', { hasText: 'Say hello in French' }).waitFor({ state: 'visible', timeout: 10000 });
    const saved = path.join(workspace, '.deploy-agent', 'recommendations', 'say-hello-in-french.json');
    if (!existsSync(saved)) throw new Error(`${saved} was not written`);
    const value = JSON.parse(readFileSync(saved, 'utf8'));
    if (value.title !== 'Say hello in French' || value.acceptanceCriteria?.[0] !== "bonjour('Ada') returns 'Bonjour, Ada !'") throw new Error(`saved ${JSON.stringify(value)}`);
  });

  const before = userState(workspace);
  const branchesBefore = git(workspace, 'branch', '--list');
  scriptFarewell(ollama);

  await check('panel: Deploy starts the deployment and the live view shows its steps and tool calls', async () => {
    await view.locator('.rec', { hasText: 'Add a farewell greeting' }).locator('vscode-button[data-action="preview"]').click();
    const timeline = view.locator('[data-testid="timeline"]');
    await timeline.waitFor({ state: 'visible', timeout: 30000 });
    // The tests phase is held for a moment by the fake model: the implement step has finished by then.
    await view.locator('[data-step="implement"][data-state="succeeded"]').waitFor({ state: 'visible', timeout: 60000 });
    await view.locator('[data-step="write-tests"][data-state="running"]').waitFor({ state: 'visible', timeout: 30000 });
    await shot('panel-live-deployment-dark.png');
    await theme('light');
    await shot('panel-live-deployment-light.png');
    await theme('dark');
  });

  await check('panel: the steps complete, with one repair round showing the failing output and the error pattern', async () => {
    await view.locator('[data-testid="deployment-status"] [data-status]').filter({ hasNotText: 'running' }).waitFor({ state: 'visible', timeout: 120000 });
    const status = await view.locator('[data-testid="deployment-status"] [data-status]').getAttribute('data-status');
    if (status === 'failed') throw new Error(`the deployment failed: ${await view.locator('.problem').first().innerText().catch(() => '?')}`);
    const round = await view.locator('[data-testid="repair-round"]').first().innerText({ timeout: 10000 });
    if (!/Round 1 of/.test(round)) throw new Error(`repair round shows ${JSON.stringify(round)}`);
    const usage = await view.locator('[data-testid="usage"]').innerText({ timeout: 10000 });
    if (!usage.includes('qwen2.5-coder:7b')) throw new Error(`usage shows ${JSON.stringify(usage)}`);
  });

  await check('panel: a failed deployment leaves the working tree and the branches as they were', async () => {
    const after = userState(workspace);
    if (after.digest !== before.digest) throw new Error('the working tree changed');
    if (git(workspace, 'branch', '--list') !== branchesBefore) throw new Error('the branches changed');
  });
}
