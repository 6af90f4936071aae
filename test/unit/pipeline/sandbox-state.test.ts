import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { discardPartialSandbox, restoreSandboxTree, sandboxHead, snapshotSandboxTree } from '../../../src/core/sandbox/sandbox-state';
import { tempDir } from '../../support/temp';
import { createFixtureRepo, git } from '../../integration/pipeline/repos';

describe('pipeline sandbox state (resume support)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let repo: string;
  let worktree: string;

  beforeEach(() => {
    tmp = tempDir();
    repo = createFixtureRepo(tmp.path, 'node', { dirty: false }).dir;
    worktree = path.join(tmp.path, 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'deploy-agent/add-mul-abcd1234', worktree, 'HEAD');
  });
  afterEach(() => tmp.cleanup());

  it('records the sandbox content as a tree without staging anything, and puts it back after a half-written step', async () => {
    writeFileSync(path.join(worktree, 'src/calc.js'), 'changed by implement\n');
    writeFileSync(path.join(worktree, 'src/mul.js'), 'new file\n');
    const tree = await snapshotSandboxTree(worktree);
    assert.match(tree, /^[0-9a-f]{40}$/);
    assert.equal(git(worktree, 'diff', '--cached', '--name-only'), '', 'the sandbox index is not touched');

    // A killed `tests` phase: a half-written file, a changed file, a deleted file.
    writeFileSync(path.join(worktree, 'test/half.test.js'), 'const x = ');
    writeFileSync(path.join(worktree, 'src/mul.js'), 'garbage');
    rmSync(path.join(worktree, 'README.md'));

    await restoreSandboxTree(worktree, tree);
    assert.equal(existsSync(path.join(worktree, 'test/half.test.js')), false);
    assert.equal(readFileSync(path.join(worktree, 'src/mul.js'), 'utf8'), 'new file\n');
    assert.equal(readFileSync(path.join(worktree, 'src/calc.js'), 'utf8'), 'changed by implement\n');
    assert.equal(readFileSync(path.join(worktree, 'README.md'), 'utf8'), '# calc\n\nA tiny calculator.\n');
    assert.equal(await snapshotSandboxTree(worktree), tree);
    assert.equal(await sandboxHead(worktree), git(repo, 'rev-parse', 'HEAD'));
  });

  it('discards only the half-made sandbox of the given deployment', async () => {
    const other = path.join(tmp.path, 'other');
    git(repo, 'worktree', 'add', '-q', '-b', 'deploy-agent/other-ffff0000', other, 'HEAD');
    await discardPartialSandbox(repo, 'abcd1234');
    assert.equal(existsSync(worktree), false);
    assert.equal(git(repo, 'branch', '--list', 'deploy-agent/add-mul-abcd1234'), '');
    assert.equal(existsSync(other), true);
    assert.match(git(repo, 'branch', '--list', 'deploy-agent/other-ffff0000'), /other-ffff0000/);
  });
});
