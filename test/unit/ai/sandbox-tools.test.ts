import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ToolRunner } from '../../../src/core/ai/tools/tools';
import { tempDir } from '../../support/temp';

describe('sandbox tools', () => {
  let dir: { path: string; cleanup(): void };
  let outside: { path: string; cleanup(): void };
  let tools: ToolRunner;
  beforeEach(() => {
    dir = tempDir('deploy-agent-tools-');
    outside = tempDir('deploy-agent-out-');
    mkdirSync(path.join(dir.path, 'src'));
    writeFileSync(path.join(dir.path, 'src/a.ts'), 'export const a = 1;\nexport const b = 2;\n');
    writeFileSync(path.join(outside.path, 'secret.txt'), 'top secret');
    tools = new ToolRunner(dir.path);
  });
  afterEach(() => {
    dir.cleanup();
    outside.cleanup();
  });
  const call = (name: string, args: Record<string, unknown> | undefined, raw?: string) => tools.run({ id: 'c', name, arguments: args, ...(raw ? { raw } : {}) });

  for (const bad of ['/etc/passwd', '..', '../x', 'src/../../x', 'src\\..\\..\\x', '~/x', 'C:\\Windows\\x', '.git/config']) {
    it(`refuses ${JSON.stringify(bad)} with an error the model sees`, () => {
      const out = call('read_file', { path: bad });
      assert.equal(out.isError, true);
      assert.match(out.content, /^Error: Refused/);
    });
  }

  it('refuses reads and writes through a symlink that leads out, also for a new file under it', () => {
    symlinkSync(outside.path, path.join(dir.path, 'link'));
    symlinkSync(path.join(outside.path, 'secret.txt'), path.join(dir.path, 'secret-link.txt'));
    assert.match(call('read_file', { path: 'secret-link.txt' }).content, /symbolic link/);
    assert.match(call('read_file', { path: 'link/secret.txt' }).content, /symbolic link/);
    assert.match(call('write_file', { path: 'link/new/deep.txt', content: 'x' }).content, /symbolic link/);
    assert.match(call('write_file', { path: 'secret-link.txt', content: 'x' }).content, /symbolic link/);
    assert.deepEqual(readdirSync(outside.path), ['secret.txt']);
    assert.equal(readFileSync(path.join(outside.path, 'secret.txt'), 'utf8'), 'top secret');
  });

  it('allows a symlink that stays inside', () => {
    symlinkSync(path.join(dir.path, 'src'), path.join(dir.path, 'alias'));
    assert.equal(call('read_file', { path: 'alias/a.ts' }).isError, false);
  });

  it('lists, reads and searches', () => {
    assert.equal(call('list_files', { path: '.' }).content, 'src/');
    assert.equal(call('list_files', { path: 'src' }).content, 'a.ts');
    assert.match(call('list_files', { path: 'nope' }).content, /No folder "nope"/);
    assert.match(call('read_file', { path: 'src' }).content, /is a folder; use list_files/);
    assert.equal(call('search', { query: 'CONST B' }).content, 'src/a.ts:2: export const b = 2;');
    assert.match(call('search', { query: 'zzz' }).content, /No matches/);
  });

  it('writes atomically into new folders, with no temp file left', () => {
    const out = call('write_file', { path: 'src/deep/new.ts', content: 'export const x = 1;\n' });
    assert.equal(out.isError, false);
    assert.equal(out.wrote, 'src/deep/new.ts');
    assert.deepEqual(readdirSync(path.join(dir.path, 'src/deep')), ['new.ts']);
  });

  it('rejects malformed calls: unknown tool, raw arguments, missing fields', () => {
    assert.equal(call('delete_file', { path: 'x' }).malformed, true);
    const raw = call('write_file', undefined, '{"path": "x"');
    assert.equal(raw.malformed, true);
    assert.match(raw.content, /not a JSON object \(received: \{"path": "x"\)/);
    assert.match(call('edit_file', { path: 'src/a.ts', search: 'a' }).content, /needs the string argument "replace"/);
  });

  it('edit_file: exact unique match only, with the reason when not', () => {
    assert.equal(call('edit_file', { path: 'src/a.ts', search: 'a = 1', replace: 'a = 10' }).content, 'Edited src/a.ts.');
    const missing = call('edit_file', { path: 'src/a.ts', search: 'export const c = 3;', replace: '' });
    assert.equal(missing.editMismatch, true);
    assert.match(missing.content, /not found/);
    assert.match(call('edit_file', { path: 'src/a.ts', search: 'export', replace: '' }).content, /occurs 2 times/);
    assert.match(call('edit_file', { path: 'src/none.ts', search: 'x', replace: 'y' }).content, /No file "src\/none.ts" to edit/);
    assert.equal(readFileSync(path.join(dir.path, 'src/a.ts'), 'utf8'), 'export const a = 10;\nexport const b = 2;\n');
  });

  it('finish carries the summary', () => {
    assert.equal(call('finish', { summary: 'all good' }).finished, 'all good');
  });
});
