import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Sandbox, ToolError } from '../../../src/core/ai/tools/sandbox';
import { ToolRunner } from '../../../src/core/ai/tools/tools';
import { tempDir } from '../../support/temp';

/**
 * The edges of the sandbox boundary that a plain "outside" folder does not reach:
 * - a sibling folder whose name starts with the sandbox's own name (`<sandbox>-evil`): a prefix
 *   comparison without the path separator would take it for the inside;
 * - `..` in a path that would land back inside after normalising (`src/../src/a.ts`): only the
 *   refusal of `..` itself stops it, the symlink check finds nothing wrong there.
 * Each tool that takes a path is checked, and so is what is on disk afterwards.
 */
describe('sandbox boundary: prefix siblings and `..`, for every tool', () => {
  let dir: { path: string; cleanup(): void };
  let sibling: string;
  let tools: ToolRunner;
  const call = (name: string, args: Record<string, string>) => tools.run({ id: 'c', name, arguments: args });
  const SECRET = 'sibling secret: do not read\n';

  beforeEach(() => {
    dir = tempDir('deploy-agent-box-');
    // A folder next to the sandbox, named like it plus a suffix.
    sibling = `${dir.path}-evil`;
    mkdirSync(sibling);
    writeFileSync(path.join(sibling, 'secret.txt'), SECRET);
    mkdirSync(path.join(dir.path, 'src'));
    writeFileSync(path.join(dir.path, 'src/a.ts'), 'export const a = 1;\n');
    symlinkSync(sibling, path.join(dir.path, 'evil'));
    symlinkSync(path.join(sibling, 'secret.txt'), path.join(dir.path, 'evil-file.txt'));
    tools = new ToolRunner(dir.path);
  });
  afterEach(() => {
    dir.cleanup();
    rmSync(sibling, { recursive: true, force: true });
  });

  const siblingUntouched = () => {
    assert.deepEqual(readdirSync(sibling), ['secret.txt'], 'nothing was created in the sibling folder');
    assert.equal(readFileSync(path.join(sibling, 'secret.txt'), 'utf8'), SECRET, 'the sibling file is unchanged');
  };

  it('the sibling really shares the sandbox name as a prefix (the case is not vacuous)', () => {
    const root = new Sandbox(dir.path).root;
    assert.ok(`${root}-evil`.startsWith(root));
    assert.ok(existsSync(path.join(dir.path, 'evil', 'secret.txt')), 'the link resolves');
  });

  it('Sandbox.contains: the root and what is below it, never a sibling that only shares the prefix', () => {
    const box = new Sandbox(dir.path);
    assert.equal(box.contains(box.root), true);
    assert.equal(box.contains(path.join(box.root, 'src', 'a.ts')), true);
    assert.equal(box.contains(`${box.root}-evil`), false);
    assert.equal(box.contains(`${box.root}-evil${path.sep}secret.txt`), false);
    assert.equal(box.contains(`${box.root}evil`), false);
    assert.equal(box.contains(path.dirname(box.root)), false);
  });

  it('read_file through a link into the sibling is refused', () => {
    for (const p of ['evil/secret.txt', 'evil-file.txt']) {
      const out = call('read_file', { path: p });
      assert.equal(out.isError, true, p);
      assert.match(out.content, /^Error: Refused: .* leads outside the workspace through a symbolic link/, p);
      assert.ok(!out.content.includes('sibling secret'), `${p}: the content was not shown`);
    }
  });

  it('write_file through a link into the sibling is refused and writes nothing there', () => {
    for (const p of ['evil/new.txt', 'evil/deep/new.txt', 'evil/secret.txt', 'evil-file.txt']) {
      const out = call('write_file', { path: p, content: 'pwned\n' });
      assert.equal(out.isError, true, p);
      assert.match(out.content, /symbolic link/, p);
      assert.equal(out.wrote, undefined, p);
    }
    siblingUntouched();
  });

  it('edit_file through a link into the sibling is refused and changes nothing', () => {
    for (const p of ['evil/secret.txt', 'evil-file.txt']) {
      const out = call('edit_file', { path: p, search: 'do not read', replace: 'pwned' });
      assert.equal(out.isError, true, p);
      assert.match(out.content, /symbolic link/, p);
    }
    siblingUntouched();
  });

  it('list_files of the linked sibling is refused', () => {
    const out = call('list_files', { path: 'evil' });
    assert.equal(out.isError, true);
    assert.match(out.content, /symbolic link/);
    assert.ok(!out.content.includes('secret.txt'));
  });

  it('search does not find text that lives only in the sibling', () => {
    const out = call('search', { query: 'sibling secret' });
    assert.equal(out.isError, false);
    assert.match(out.content, /^No matches/);
    // …while the same search finds a copy inside the sandbox (the search itself works).
    writeFileSync(path.join(dir.path, 'src/copy.txt'), SECRET);
    assert.match(call('search', { query: 'sibling secret' }).content, /^src\/copy\.txt:1:/);
  });

  describe('`..` is refused as such, even where the path would land back inside', () => {
    // Each of these normalises to a file inside the sandbox: only the `..` rule refuses them.
    const insideAgain = (base: string) => ['src/../src/a.ts', `../${base}/src/a.ts`, 'src/./../src/a.ts', 'src\\..\\src\\a.ts'];

    it('read_file', () => {
      for (const p of insideAgain(path.basename(dir.path))) {
        const out = call('read_file', { path: p });
        assert.equal(out.isError, true, p);
        assert.match(out.content, /^Error: Refused: .* contains "\.\."/, p);
      }
    });

    it('write_file: refused and the file is unchanged', () => {
      for (const p of insideAgain(path.basename(dir.path))) {
        const out = call('write_file', { path: p, content: 'overwritten\n' });
        assert.equal(out.isError, true, p);
        assert.match(out.content, /contains "\.\."/, p);
        assert.equal(out.wrote, undefined);
      }
      assert.equal(readFileSync(path.join(dir.path, 'src/a.ts'), 'utf8'), 'export const a = 1;\n');
    });

    it('edit_file: refused and the file is unchanged', () => {
      for (const p of insideAgain(path.basename(dir.path))) {
        const out = call('edit_file', { path: p, search: 'a = 1', replace: 'a = 2' });
        assert.equal(out.isError, true, p);
        assert.match(out.content, /contains "\.\."/, p);
      }
      assert.equal(readFileSync(path.join(dir.path, 'src/a.ts'), 'utf8'), 'export const a = 1;\n');
    });

    it('list_files', () => {
      for (const p of ['src/..', 'src/../src', `../${path.basename(dir.path)}`]) {
        const out = call('list_files', { path: p });
        assert.equal(out.isError, true, p);
        assert.match(out.content, /contains "\.\."/, p);
      }
    });

    it('Sandbox.resolve throws an escape ToolError', () => {
      const box = new Sandbox(dir.path);
      assert.throws(() => box.resolve('src/../src/a.ts'), (e: unknown) => e instanceof ToolError && e.kind === 'escape' && /"\.\."/.test(e.message));
      // A name that merely contains two dots is a name, not a parent reference.
      assert.equal(box.resolve('src/a..b.ts').relative, 'src/a..b.ts');
    });
  });
});
