import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { review } from '../../../src/core/git/ship';
import type { SandboxInfo } from '../../../src/core/pipeline/ports';
import { snapshotRepoState } from '../../../src/core/sandbox/repo-state';
import { createSandbox, removeSandbox } from '../../../src/core/sandbox/worktree';
import { tempDir } from '../../support/temp';
import { createFixtureRepo, git, type FixtureRepo } from './repos';

/**
 * The review step's detector of writes outside the sandbox (git/ship.ts `review` over
 * sandbox/repo-state.ts), with nothing stubbed: a real repository with a developer's usual
 * dirt (a stash, a staged and an unstaged change, an untracked file), a real worktree sandbox,
 * and real writes into the user's repository between the snapshot and the review, of every
 * kind a test process or a hook could make. Each must be named; writes inside the sandbox must not.
 */
describe('review: writes outside the sandbox are detected (real repository, real writes)', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let repo: FixtureRepo;
  let sandbox: SandboxInfo;
  let n = 0;

  before(async () => {
    tmp = tempDir('deploy-agent-outside-');
    repo = createFixtureRepo(tmp.path, 'node');
  });
  beforeEach(async () => {
    sandbox = await createSandbox(repo.dir, { deploymentId: `out${String(++n).padStart(5, '0')}`, title: 'outside writes' });
  });
  afterEach(async () => {
    await removeSandbox(repo.dir, sandbox, { deleteBranch: true });
  });
  after(() => tmp?.cleanup());

  /** Snapshot, let `act` write, review: what the review names as changed outside. */
  async function outsideAfter(act: () => void): Promise<string[]> {
    const before = await snapshotRepoState(repo.dir);
    act();
    const found = await review(repo.dir, sandbox, before);
    return found.outsideSandbox;
  }

  it('nothing written outside: nothing named, while the sandbox change is counted', async () => {
    const found = await outsideAfter(() => writeFileSync(path.join(sandbox.path, 'src/mul.js'), 'module.exports = (a, b) => a * b;\n'));
    assert.deepEqual(found, []);
    const again = await review(repo.dir, sandbox, await snapshotRepoState(repo.dir));
    assert.deepEqual(again.diffStat.paths, ['src/mul.js']);
  });

  it('a committed file of the user rewritten', async () => {
    assert.deepEqual(await outsideAfter(() => writeFileSync(path.join(repo.dir, 'src/calc.js'), '// overwritten\n')), ['src/calc.js']);
  });

  it('a file the user was already editing rewritten (same git status, other content)', async () => {
    assert.deepEqual(await outsideAfter(() => writeFileSync(path.join(repo.dir, 'README.md'), '# calc\n\nSomeone else wrote this.\n')), ['README.md']);
  });

  it('a new file in the user’s tree', async () => {
    assert.deepEqual(await outsideAfter(() => writeFileSync(path.join(repo.dir, 'planted.js'), 'process.exit(0);\n')), ['planted.js']);
  });

  it('a file of the user deleted', async () => {
    assert.deepEqual(await outsideAfter(() => rmSync(path.join(repo.dir, 'test/calc.test.js'))), ['test/calc.test.js']);
  });

  it('a file made executable (mode only)', async () => {
    assert.deepEqual(await outsideAfter(() => chmodSync(path.join(repo.dir, 'package.json'), 0o755)), ['package.json']);
  });

  it('the index changed (a file staged)', async () => {
    const found = await outsideAfter(() => git(repo.dir, 'add', 'scratch.txt'));
    assert.ok(found.includes('.git/index'), found.join(', '));
    assert.ok(found.includes('scratch.txt'), found.join(', '));
  });

  it('HEAD moved (a commit made in the user’s repository)', async () => {
    const found = await outsideAfter(() => git(repo.dir, 'commit', '-q', '--allow-empty', '-m', 'sneaky'));
    assert.ok(found.includes('.git/HEAD'), found.join(', '));
  });

  it('the stash dropped', async () => {
    const found = await outsideAfter(() => git(repo.dir, 'stash', 'drop', '-q'));
    assert.ok(found.includes('.git/refs/stash'), found.join(', '));
  });
});
