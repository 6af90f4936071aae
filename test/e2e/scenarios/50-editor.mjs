/* global getComputedStyle -- the evaluate callbacks run in the page */
// Deploy Agent in the editor, in a real VS Code, on a copy of the example workspace (orders-service):
// the recommendation file with the schema's error for a bad field and completion for a known one,
// "Preview integration points" and its lenses in the code, a deployment from "Deploy Agent: Deploy
// Recommendation" (review, then "Create branch & commit"), the generated file's lenses once the
// branch is checked out, "Run its tests" with the results in the Testing view, and the output
// channel's colours. Screenshots in dark and light for the README (docs/images/editor-*.png).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureCodeServer } from '../../../scripts/code-server/install.mjs';
import { startCodeServer } from '../../../scripts/code-server/server.mjs';
import { logger, repoRoot } from '../../../scripts/code-server/util.mjs';
import { GIT_IDENTITY, git, loadFakes, writeSettings } from '../panel-harness.mjs';
import { runCommand, waitForWorkbench, webviewContent } from '../workbench.mjs';

export const name = 'editor';

const TITLE = 'Paginate the order list';

/** orders.js with pageOrders() beside listOrders(), as the fake model writes it. */
function pagedOrders(original) {
  return original.replace(
    'export function resetOrders() {',
    `/** One page of the order book, oldest first, with the total count so clients can page through. */
export function pageOrders({ limit = 20, offset = 0 } = {}) {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new RangeError('limit must be between 1 and 100');
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset must not be negative');
  const all = listOrders();
  return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
}

export function resetOrders() {`,
  );
}

function pagedApp(original) {
  return original
    .replace("import { createOrder, getOrder, listOrders } from './orders.js';", "import { createOrder, getOrder, pageOrders } from './orders.js';")
    .replace(
      "if (request.method === 'GET' && url.pathname === '/orders') return send(response, 200, listOrders());",
      `if (request.method === 'GET' && url.pathname === '/orders') {
      const number = (name, fallback) => (url.searchParams.has(name) ? Number(url.searchParams.get(name)) : fallback);
      return send(response, 200, pageOrders({ limit: number('limit', 20), offset: number('offset', 0) }));
    }`,
    );
}

const PAGINATION_TEST = `import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { createOrder, pageOrders, resetOrders } from '../src/orders.js';

afterEach(() => resetOrders());

const order = (n) => createOrder({ customer: \`c\${n}\`, items: [{ sku: 'book', quantity: 1, priceCents: 100 }] });

test('without parameters the first 20 orders are returned', () => {
  for (let n = 0; n < 25; n++) order(n);
  const page = pageOrders();
  assert.equal(page.items.length, 20);
  assert.deepEqual([page.total, page.limit, page.offset], [25, 20, 0]);
});

test('limit=10&offset=20 starts with the 21st order', () => {
  for (let n = 0; n < 25; n++) order(n);
  const page = pageOrders({ limit: 10, offset: 20 });
  assert.equal(page.items[0].customer, 'c20');
  assert.equal(page.items.length, 5);
});

test('limit above 100 or a negative offset is refused', () => {
  assert.throws(() => pageOrders({ limit: 101 }), RangeError);
  assert.throws(() => pageOrders({ offset: -1 }), RangeError);
});
`;

/** The model's side: read, implement in orders.js and app.js, write the tests. */
function scriptPagination(ollama, workspace) {
  const finish = (summary) => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });
  const orders = readFileSync(path.join(workspace, 'src', 'orders.js'), 'utf8');
  const app = readFileSync(path.join(workspace, 'src', 'app.js'), 'utf8');
  ollama.script(
    'implement',
    { text: 'Reading the order book first.', toolCalls: [{ name: 'read_file', arguments: { path: 'src/orders.js' } }] },
    { text: 'pageOrders() beside listOrders(), with the bounds the recommendation sets.', toolCalls: [{ name: 'write_file', arguments: { path: 'src/orders.js', content: pagedOrders(orders) } }] },
    { text: 'GET /orders reads limit and offset.', toolCalls: [{ name: 'write_file', arguments: { path: 'src/app.js', content: pagedApp(app) } }] },
    finish('Added pageOrders() and paginated GET /orders.'),
  );
  ollama.script('tests', { text: 'One test per acceptance criterion.', toolCalls: [{ name: 'write_file', arguments: { path: 'test/pagination.test.js', content: PAGINATION_TEST } }] }, finish('Wrote test/pagination.test.js.'));
}

/** @param {import('./context.mjs').ScenarioContext} ctx */
export async function run(ctx) {
  const { page, tmp, check, screenshot, onCleanup, log } = ctx;
  const { FakeOllama } = await loadFakes();
  const ollama = new FakeOllama();
  const ollamaUrl = await ollama.listen();
  onCleanup(() => ollama.close());

  // A copy of the example workspace, a git repository whose settings point at the fake Ollama.
  const workspace = path.join(tmp, 'orders-service');
  cpSync(path.join(repoRoot, 'examples', 'workspace'), workspace, { recursive: true });
  writeFileSync(path.join(workspace, '.deploy-agent', 'config.json'), `${JSON.stringify({ 'ollama.host': ollamaUrl, 'ai.providers': ['ollama'], 'ai.cacheTtlSeconds': 0 }, null, 2)}\n`);
  git(workspace, 'init', '-q', '-b', 'main');
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-qm', 'Example workspace');
  // A draft with a misspelt field, not committed (written before the window opens, so Quick Open knows it).
  const draft = path.join(workspace, '.deploy-agent', 'recommendations', 'draft.json');
  writeFileSync(draft, '{\n  "title": "Cache the order list",\n  "description": "GET /orders reads the whole book on every request.",\n  "categroy": "performance",\n  \n}\n');

  const cs = await ensureCodeServer({ log: logger('code-server') });
  const userDataDir = path.join(tmp, 'editor-user-data');
  writeSettings(userDataDir, { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false, 'window.commandCenter': false });
  const server = await startCodeServer(cs, { folder: workspace, userDataDir, extensionsDir: path.join(tmp, 'extensions'), log: logger('code-server:editor'), env: { ...process.env, ...GIT_IDENTITY, XDG_DATA_HOME: path.join(tmp, 'editor-data-home'), DEPLOY_AGENT_DB: '' } });
  onCleanup(() => server.stop());

  const view = webviewContent(page);
  const shots = path.join(repoRoot, 'screenshots');
  /** Picks a colour theme as a user does ("Preferences: Color Theme", its name, Enter). */
  const theme = async (kind) => {
    const wanted = kind === 'light' ? 'Light Modern' : 'Dark Modern';
    await runCommand(page, 'Preferences: Color Theme');
    await page.locator('.quick-input-widget .quick-input-box input').fill(wanted);
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: wanted }).first().waitFor({ state: 'visible', timeout: 10000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 });
    await page.locator(`.monaco-workbench.${kind === 'light' ? 'vs' : 'vs-dark'}`).waitFor({ state: 'attached', timeout: 15000 });
    await page.waitForTimeout(500);
  };
  /** Moves the cursor (and the view) to a line, by "Go to Line". */
  const goToLine = async (line) => {
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible', timeout: 5000 });
    await page.keyboard.type(String(line));
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
  };
  /** The window, and the editor area alone (the README shows those). */
  const shot = async (file, part = '.part.editor') => {
    await page.mouse.move(700, 880);
    await page.waitForTimeout(300);
    await screenshot(page, file);
    mkdirSync(shots, { recursive: true });
    await page.locator(part).first().screenshot({ path: path.join(shots, file.replace(/\.png$/, '-part.png')) }).catch((error) => log(`part screenshot ${file} failed: ${error.message}`));
  };
  /** Opens a workspace file by Quick Open, as a user does. */
  const open = async (relative) => {
    await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 } }).catch(() => {});
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(relative);
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: path.basename(relative) }).first();
    await row.waitFor({ state: 'visible', timeout: 10000 });
    await row.click();
    await page.locator('.tabs-container .tab.active', { hasText: path.basename(relative) }).waitFor({ state: 'visible', timeout: 15000 });
  };
  const lens = (text) => page.locator('.part.editor .monaco-editor .codelens-decoration a', { hasText: text });

  await check('editor: the workbench opens a copy of the example workspace', async () => {
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    await page.locator('.monaco-workbench .part.sidebar', { hasText: 'orders-service' }).first().waitFor({ state: 'visible', timeout: 30000 });
  });

  await check('editor: a recommendation file shows the schema’s error for a bad field and offers the known ones', async () => {
    await open('.deploy-agent/recommendations/draft.json');
    // The JSON language service marks the unknown property.
    await page.locator('.part.editor .monaco-editor .squiggly-warning, .part.editor .monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: 30000 });
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel', { hasText: 'categroy' });
    await problems.waitFor({ state: 'visible', timeout: 15000 });
    const text = await problems.innerText();
    if (!/Property categroy is not allowed/i.test(text)) throw new Error(`the Problems view shows ${JSON.stringify(text.slice(0, 300))}`);
    // Completion on the empty line: the schema's fields.
    await page.locator('.part.editor .monaco-editor .view-line').nth(4).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.editor-widget.suggest-widget');
    await suggest.locator('.monaco-list-row', { hasText: 'acceptanceCriteria' }).first().waitFor({ state: 'visible', timeout: 15000 });
    const offered = await suggest.locator('.monaco-list-row .label-name').allInnerTexts();
    for (const known of ['category', 'acceptanceCriteria', 'targetFiles']) if (!offered.some((o) => o.includes(known))) throw new Error(`completion offers ${JSON.stringify(offered)}`);
    await shot('editor-recommendation-schema-dark.png');
    await page.keyboard.press('Escape');
    await runCommand(page, 'View: Hide Panel');
    await runCommand(page, 'File: Revert File');
    await runCommand(page, 'View: Close Editor');
    rmSync(draft);
  });

  await check('editor: "Preview integration points" on the recommendation, then the lenses in the code with Exclude and Prefer', async () => {
    await open('.deploy-agent/recommendations/orders-pagination.json');
    await lens('Preview integration points').first().waitFor({ state: 'visible', timeout: 30000 });
    await lens('Preview integration points').first().click();
    // The places, as a quick pick: open the order book.
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'src/orders.js' }).first();
    await row.waitFor({ state: 'visible', timeout: 60000 });
    await row.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'orders.js' }).waitFor({ state: 'visible', timeout: 15000 });
    await lens('Deploy Agent would integrate here').first().waitFor({ state: 'visible', timeout: 15000 });
    await lens('Prefer').first().waitFor({ state: 'visible', timeout: 5000 });
    await lens('Exclude').first().waitFor({ state: 'visible', timeout: 5000 });
    await shot('editor-integration-points-dark.png');
    await lens('Prefer').first().click();
    await lens('Preferred').first().waitFor({ state: 'visible', timeout: 10000 });
    // Hidden again from the recommendation's own lens (the choice stays stored for the deployment).
    await open('.deploy-agent/recommendations/orders-pagination.json');
    await lens('1 preferred').first().waitFor({ state: 'visible', timeout: 10000 });
    await shot('editor-recommendation-lens-dark.png');
    await lens('Hide').first().click();
    await lens('Preview integration points').first().waitFor({ state: 'visible', timeout: 10000 });
  });

  scriptPagination(ollama, workspace);
  let branch = '';
  await check('editor: a deployment from "Deploy Agent: Deploy Recommendation" (review, then Create branch & commit)', async () => {
    await runCommand(page, 'Deploy Agent: Deploy Recommendation');
    const rec = view.locator('.rec', { hasText: TITLE });
    await rec.waitFor({ state: 'visible', timeout: 30000 });
    await rec.locator('vscode-button[data-action="preview"]').click();
    await view.locator('#deploy:not([disabled])').waitFor({ state: 'visible', timeout: 60000 });
    await view.locator('#deploy').click();
    await view.locator('[data-testid="deployment-status"] [data-status="awaiting-review"]').waitFor({ state: 'visible', timeout: 120000 });
    await view.locator('#ship-commit').click();
    await view.locator('[data-testid="commit"]').waitFor({ state: 'visible', timeout: 120000 });
    branch = git(workspace, 'branch', '--list', 'deploy-agent/*', '--format=%(refname:short)').split('\n').filter(Boolean)[0] ?? '';
    if (!branch) throw new Error('no deploy-agent branch');
    const prompt = JSON.stringify(ollama.chats.find((c) => c.phase === 'implement')?.body ?? {});
    if (!prompt.includes('look at them first: src/orders.js')) throw new Error('the preferred file did not reach the implement prompt');
  });

  await check('editor: with the branch checked out, the generated file shows "Generated by Deploy Agent" and a lens on each changed hunk', async () => {
    git(workspace, 'checkout', '-q', branch);
    await runCommand(page, 'View: Close All Editors');
    await open('src/orders.js');
    await runCommand(page, 'File: Revert File'); // the file changed on disk under the open editor
    await lens('Generated by Deploy Agent').first().waitFor({ state: 'visible', timeout: 30000 });
    const head = await page.locator('.part.editor .monaco-editor .codelens-decoration').first().innerText();
    for (const expected of [`Generated by Deploy Agent · ${TITLE}`, 'Run its tests', 'Open report', 'Revert this change']) {
      if (!head.includes(expected)) throw new Error(`the file's lens reads ${JSON.stringify(head)}; ${JSON.stringify(expected)} is missing`);
    }
    await shot('editor-generated-file-dark.png');
    // The first changed hunk, scrolled into view: its own lens.
    const hunk = Number(/^@@ -\d+(?:,\d+)? \+(\d+)/m.exec(git(workspace, 'diff', '-U0', `main..${branch}`, '--', 'src/orders.js'))?.[1]);
    await goToLine(hunk + 8);
    await lens('Deploy Agent · +').first().waitFor({ state: 'visible', timeout: 10000 });
    await lens('Revert this hunk').first().waitFor({ state: 'visible', timeout: 5000 });
    await shot('editor-generated-hunk-dark.png');
    await goToLine(1);
    await theme('light');
    await shot('editor-generated-file-light.png');
    await theme('dark');
  });

  await check('editor: "Run its tests" shows the generated tests passing in the Testing view', async () => {
    await lens('Run its tests').first().click();
    const explorer = page.locator('.test-explorer');
    await explorer.waitFor({ state: 'visible', timeout: 30000 });
    await explorer.locator('.monaco-list-row', { hasText: TITLE }).first().waitFor({ state: 'visible', timeout: 30000 });
    // Expanded down to the tests, each with its result.
    for (let i = 0; i < 3; i++) {
      const collapsed = explorer.locator('.monaco-list-row[aria-expanded="false"]').first();
      if (!(await collapsed.count())) break;
      await collapsed.click();
      await page.waitForTimeout(300);
    }
    const passed = explorer.locator('.monaco-list-row', { hasText: 'without parameters the first 20 orders are returned' }).locator('.codicon-testing-passed-icon');
    await passed.first().waitFor({ state: 'visible', timeout: 120000 });
    await shot('editor-testing-view-dark.png', '.monaco-workbench');
    await theme('light');
    await shot('editor-testing-view-light.png', '.monaco-workbench');
    await theme('dark');
  });

  await check('editor: the "Deploy Agent" output channel is coloured by the injected grammar', async () => {
    await runCommand(page, 'Output: Show Output Channels...');
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Deploy Agent' }).first();
    await row.waitFor({ state: 'visible', timeout: 10000 });
    await row.click();
    const output = page.locator('.part.panel .monaco-editor');
    await output.locator('.view-line', { hasText: 'commit: succeeded' }).first().waitFor({ state: 'visible', timeout: 15000 });
    // The step name of a step's line carries its own token colour (not the line's plain text colour).
    // The editor tokenizes in the background: a line shows before its tokens do on a loaded machine.
    const tokens = () => output.locator('.view-line', { hasText: /commit:\s+succeeded\s+\(/ }).first().evaluate((line) => [...line.querySelectorAll('span > span')].map((s) => [s.textContent, getComputedStyle(s).color]));
    const coloured = (/** @type {string[][]} */ colours) => {
      const step = colours.find(([t]) => t === 'commit');
      const ok = colours.find(([t]) => t === 'succeeded');
      return Boolean(step && ok && step[1] !== ok[1]);
    };
    let colours = await tokens();
    for (const deadline = Date.now() + 15000; !coloured(colours) && Date.now() < deadline; colours = await tokens()) await page.waitForTimeout(250);
    if (!coloured(colours)) throw new Error(`the step line's tokens: ${JSON.stringify(colours)}`);
    await shot('editor-output-dark.png', '.part.panel');
  });
}
