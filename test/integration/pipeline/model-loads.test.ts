import assert from 'node:assert/strict';
import { openHistoryStore } from '../../../src/core/store/database';
import type { ScriptedTurn } from '../../support/fake-model-script';
import { parseJson, useHarnesses } from './harness';

const finish = (summary: string): ScriptedTurn => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });
const explore = (n: number): ScriptedTurn[] => Array.from({ length: n }, (_, i) => ({ toolCalls: [{ name: i % 2 ? 'list_files' : 'read_file', arguments: { path: i % 2 ? '.' : 'src/calc.js' } }, { name: 'search', arguments: { query: `add${i}` } }] }));

const TEST_FILE =
  "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { mul } = require('../src/calc');\n\ntest('mul(2, 3) returns 6', () => {\n  assert.equal(mul(2, 3), 5);\n});\n\ntest('mul(-1, 4) returns -4', () => {\n  assert.equal(mul(-1, 4), 4);\n});\n";

describe('a deployment loads its Ollama model once (built CLI, real pipeline, fake Ollama that counts loads)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();

  it('implement + tests + two repair rounds, 20 turns: one load, done by the warm-up while the workspace was analysed', async () => {
    const h = await harnesses.create('node');
    h.ollama.loadDelayMs = 300;
    h.ollama.script(
      'implement',
      ...explore(6),
      { toolCalls: [{ name: 'write_file', arguments: { path: 'src/calc.js', content: 'function add(a, b) {\n  return a + b;\n}\n\nfunction mul(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, mul };\n' } }] },
      finish('Added mul.'),
    );
    h.ollama.script('tests', ...explore(4), { toolCalls: [{ name: 'write_file', arguments: { path: 'test/mul.test.js', content: TEST_FILE } }] }, finish('Wrote test/mul.test.js.'));
    // Two wrong expectations: the first round fixes one, the second round the other.
    h.ollama.script(
      'fix',
      ...explore(1),
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'test/mul.test.js', search: 'assert.equal(mul(2, 3), 5);', replace: 'assert.equal(mul(2, 3), 6);' } }] },
      finish('Fixed the first expectation.'),
      ...explore(1),
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'test/mul.test.js', search: 'assert.equal(mul(-1, 4), 4);', replace: 'assert.equal(mul(-1, 4), -4);' } }] },
      finish('Fixed the second expectation.'),
    );

    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(out.status, 'succeeded');
    assert.equal(out.repairs, 2);
    assert.equal(h.ollama.chats.length, 20, 'twenty model turns');
    assert.equal(h.ollama.remaining(), 0);

    assert.deepEqual(h.ollama.loadsPerModel(), { 'qwen2.5-coder:7b': 1 }, JSON.stringify(h.ollama.loads));
    const sizes = new Set(h.ollama.chats.map((c) => (c.body as { options: { num_ctx: number } }).options.num_ctx));
    assert.equal(sizes.size, 1, `one num_ctx for the whole deployment, got ${[...sizes].join(', ')}`);
    // The warm-up (an empty chat request) came before the first turn.
    const requests = h.ollama.http.requests.filter((q) => q.path === '/api/chat').map((q) => ((q.body as { messages?: unknown[] }).messages?.length ? 'turn' : 'load'));
    assert.equal(requests[0], 'load');
    assert.equal(requests.filter((r) => r === 'load').length, 1);

    const store = openHistoryStore(h.db);
    try {
      const loads = store.db.prepare("SELECT chosen, reason FROM decisions WHERE kind = 'model-load' AND deployment_id = ?").all(String(out.id)) as { chosen: string; reason: string }[];
      assert.equal(loads.length, 1);
      assert.match(loads[0]!.reason, /^first load for this deployment \(not loaded\)/);
    } finally {
      store.close();
    }
  });
});
