import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { TestRunsRepository } from '../../../src/core/store/steps';
import { parseJson, useHarnesses, type Harness } from './harness';

const finish = (summary: string) => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });
const MUL = 'function add(a, b) {\n  return a + b;\n}\n\nfunction mul(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, mul };\n';
const MARK = 'credential-marker-7f3a9c1e';
/** Credential stores of the user's home, and a plain file beside them. */
const STORES: Record<string, string> = { ssh: '.ssh/id_ed25519', aws: '.aws/credentials', netrc: '.netrc', gh: '.config/gh/hosts.yml', gitCredentials: '.git-credentials' };
const PLAIN = 'notes/plain.txt';

/** A generated test that reads each file under the home and prints what it got as one `PEEK {…}` line; it passes either way. */
function peekingTest(): string {
  return `const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { mul } = require('../src/calc');

test('mul(2, 3) returns 6', () => assert.equal(mul(2, 3), 6));

test('looks into the home', () => {
  const files = ${JSON.stringify({ ...STORES, plain: PLAIN })};
  // Built at run time: the marker is a known secret value (it is in ~/.netrc), so the review would refuse a file holding it.
  const marker = ${JSON.stringify(MARK.slice(0, 10))} + ${JSON.stringify(MARK.slice(10))};
  const seen = {};
  for (const [name, rel] of Object.entries(files)) {
    try {
      const text = fs.readFileSync(path.join(os.homedir(), rel), 'utf8');
      seen[name] = text.includes(marker) ? 'read' : text === '' ? 'empty' : 'other';
    } catch (error) {
      seen[name] = error.code || String(error);
    }
  }
  console.log('PEEK ' + JSON.stringify(seen));
});
`;
}

/**
 * The credential stores in the user's home (~/.ssh, ~/.aws, ~/.netrc, ~/.config/gh,
 * ~/.git-credentials) are covered for model-written tests under bubblewrap, while the rest of the
 * home stays readable. The home is made outside /tmp on purpose: a confined run gets a private
 * /tmp, so a home under it would be out of sight anyway and hiding could not be told from absence.
 */
describe('model-written tests cannot read the credential stores of the home (built CLI, real bubblewrap)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();
  let home: string;

  before(async function () {
    const { detectConfinementTool } = await import('../../../src/core/confinement');
    const tool = await detectConfinementTool(process.env);
    if (tool.kind !== 'bubblewrap') {
      console.warn(`      skipped: ${tool.problem} (scripts/test-toolchains.mjs installs bubblewrap)`);
      this.skip();
    }
  });
  beforeEach(() => {
    // Beside the project (test-results/ is ignored), or in the real home's cache when the project itself lies under /tmp.
    const underTmp = (p: string) => p === os.tmpdir() || p.startsWith(os.tmpdir() + path.sep);
    const parent = [path.resolve(__dirname, '..', '..', '..', 'test-results'), path.join(os.homedir(), '.cache', 'deploy-agent-tests')].find((p) => !underTmp(p))!;
    mkdirSync(parent, { recursive: true });
    home = mkdtempSync(path.join(parent, 'home-'));
    for (const rel of [...Object.values(STORES), PLAIN]) {
      mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
      writeFileSync(path.join(home, rel), `${MARK}\n`);
    }
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const outputs = (h: Harness, id: string) => {
    const store = openHistoryStore(h.db);
    try {
      return new TestRunsRepository(store.db).list(id).map((t) => t.output).join('\n');
    } finally {
      store.close();
    }
  };

  it('each store reads as missing or empty; a plain file of the same home is read; the deployment goes on', async () => {
    const h = await harnesses.create('node');
    h.ollama.script('implement', { toolCalls: [{ name: 'write_file', arguments: { path: 'src/calc.js', content: MUL } }] }, finish('Added mul(a, b).'));
    h.ollama.script('tests', { toolCalls: [{ name: 'write_file', arguments: { path: 'test/mul.test.js', content: peekingTest() } }] }, finish('Wrote test/mul.test.js.'));
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json'], { HOME: home });
    const out = parseJson(result);
    assert.equal(out.status, 'succeeded', result.stderr);
    const text = outputs(h, String(out.id));
    const line = /PEEK (\{.*\})/.exec(text);
    assert.ok(line, `the generated test ran and reported:\n${text.slice(-3000)}`);
    const seen = JSON.parse(line[1]!) as Record<string, string>;
    assert.equal(seen.plain, 'read', 'the home itself is visible to the run (so the check below is not vacuous)');
    for (const name of Object.keys(STORES)) assert.notEqual(seen[name], 'read', `${name} (~/${STORES[name]}) was readable: ${JSON.stringify(seen)}`);
    assert.ok(!text.includes(MARK) && !readFileSync(h.db).includes(Buffer.from(MARK)), 'no credential content in the test output or the history');
  });
});
