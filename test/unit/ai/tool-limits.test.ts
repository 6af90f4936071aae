import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withoutOversize } from '../../../src/core/ai/agent-loop';
import { ToolRunner } from '../../../src/core/ai/tools/tools';
import { tempDir } from '../../support/temp';

describe('sandbox tools: what a write may be', () => {
  let dir: { path: string; cleanup(): void };
  beforeEach(() => (dir = tempDir('deploy-agent-tools-')));
  afterEach(() => dir.cleanup());

  for (const bad of ['src/a\nb.ts', 'notes\r.md', 'x\u0007.js', 'tab\tname.ts', 'esc\u001b[31m.txt', 'del\u007f.txt', 'c1\u0085.txt']) {
    const shown = JSON.stringify(bad).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    it(`refuses the control character in ${shown} (write, read, edit) with an error the model sees`, () => {
      const tools = new ToolRunner(dir.path);
      for (const [name, args] of [
        ['write_file', { path: bad, content: 'x' }],
        ['read_file', { path: bad }],
        ['edit_file', { path: bad, search: 'a', replace: 'b' }],
      ] as const) {
        const out = tools.run({ id: 'c', name, arguments: args });
        assert.equal(out.isError, true, name);
        assert.match(out.content, /^Error: Refused: the path .* contains a control character \(U\+00[0-9A-F]{2}\)/, name);
      }
      assert.deepEqual(readdirSync(dir.path), [], 'nothing was written');
    });
  }

  it('still accepts ordinary names (spaces, accents, dots) and strips surrounding whitespace', () => {
    const tools = new ToolRunner(dir.path);
    assert.equal(tools.run({ id: 'c', name: 'write_file', arguments: { path: 'docs/Café notes.v2.md', content: 'ok\n' } }).isError, false);
    assert.equal(tools.run({ id: 'c', name: 'write_file', arguments: { path: '  src/index.ts\n', content: 'ok\n' } }).isError, false);
    assert.ok(existsSync(path.join(dir.path, 'src/index.ts')));
  });

  it('refuses a file larger than the cap (write_file and edit_file), naming the sizes and the setting; nothing is written', () => {
    const tools = new ToolRunner(dir.path, { maxWriteBytes: 10_000 });
    const big = tools.run({ id: 'c', name: 'write_file', arguments: { path: 'data.json', content: 'x'.repeat(10_001) } });
    assert.equal(big.isError, true);
    assert.match(big.content, /^Error: Refused: data\.json would be 9\.8 KB; a file written by the agent may be at most 9\.8 KB \(deployAgent\.ai\.maxWriteBytes\)/);
    assert.equal(existsSync(path.join(dir.path, 'data.json')), false);
    assert.deepEqual(readdirSync(dir.path), [], 'no temp file left');

    writeFileSync(path.join(dir.path, 'a.txt'), 'AAA\n');
    const grown = tools.run({ id: 'c', name: 'edit_file', arguments: { path: 'a.txt', search: 'AAA', replace: 'é'.repeat(5001) } });
    assert.equal(grown.isError, true, 'bytes count, not characters');
    assert.match(grown.content, /a\.txt would be 9\.8 KB/);
    assert.equal(tools.run({ id: 'c', name: 'write_file', arguments: { path: 'ok.txt', content: 'x'.repeat(10_000) } }).isError, false, 'exactly the cap is fine');
  });

  it('an oversize argument is cut in the conversation and the transcript; small ones are kept as they are', () => {
    const huge = 'y'.repeat(50_000);
    const message = { role: 'assistant' as const, content: 'writing', toolCalls: [{ id: '1', name: 'write_file', arguments: { path: 'big.txt', content: huge } }, { id: '2', name: 'finish', arguments: { summary: 'done' } }] };
    const kept = withoutOversize(message, 10_000);
    assert.ok(kept.role === 'assistant');
    const content = String(kept.toolCalls![0]!.arguments!.content);
    assert.ok(content.length < 2200);
    assert.match(content, /50,000 characters not kept: more than the 10,000 bytes a file may have/);
    assert.deepEqual(kept.toolCalls![1], message.toolCalls[1]);
    const small = { role: 'assistant' as const, content: 'small', toolCalls: [{ id: '1', name: 'write_file', arguments: { path: 'a', content: 'b' } }] };
    assert.equal(withoutOversize(small, 10_000), small);
  });
});
