import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { changedPaths, snapshotRepoState } from '../../../src/core/sandbox/repo-state';
import { guardUserFiles, restoreUserFiles, snapshotUserFiles } from '../../../src/core/sandbox/user-files';
import { tempDir } from '../../support/temp';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e' } });
}

describe("the user's work in progress is kept while model-written code runs (snapshot of contents, exact restore)", () => {
  let temp: ReturnType<typeof tempDir>;
  let repo: string;
  beforeEach(() => {
    temp = tempDir('deploy-agent-user-files-');
    repo = path.join(temp.path, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(repo, 'tracked.txt'), 'committed\n');
    writeFileSync(path.join(repo, 'gone.txt'), 'committed, deleted by the user\n');
    writeFileSync(path.join(repo, '.gitignore'), 'ignored.log\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'initial');
    // Work in progress: a modified file, an untracked one (executable), a link, a deleted one; and an ignored file.
    writeFileSync(path.join(repo, 'tracked.txt'), 'committed\nand edited\n');
    writeFileSync(path.join(repo, 'NOTES.txt'), 'my notes\n');
    chmodSync(path.join(repo, 'NOTES.txt'), 0o750);
    symlinkSync('tracked.txt', path.join(repo, 'link'));
    rmSync(path.join(repo, 'gone.txt'));
    writeFileSync(path.join(repo, 'ignored.log'), 'not kept\n');
  });
  afterEach(() => temp.cleanup());

  it('puts back exactly what changed (bytes, mode, links, deleted files, git hooks and config) and keeps what it found', async () => {
    const guard = await guardUserFiles(repo, 'd1');
    const config = readFileSync(path.join(repo, '.git', 'config'));
    // What a test run unconfined could do.
    writeFileSync(path.join(repo, 'NOTES.txt'), 'my notes\na line from the test\n');
    chmodSync(path.join(repo, 'NOTES.txt'), 0o777);
    writeFileSync(path.join(repo, 'tracked.txt'), 'replaced\n');
    rmSync(path.join(repo, 'link'));
    writeFileSync(path.join(repo, 'link'), 'not a link any more\n');
    writeFileSync(path.join(repo, 'gone.txt'), 'came back\n');
    writeFileSync(path.join(repo, '.git', 'hooks', 'post-checkout'), '#!/bin/sh\necho planted\n', { mode: 0o755 });
    writeFileSync(path.join(repo, '.git', 'config'), `${config}[core]\n\tfsmonitor = ./planted\n`);
    writeFileSync(path.join(repo, 'ignored.log'), 'changed, ignored\n');

    const result = await guard.restore();

    assert.deepEqual([...result.restored].sort(), ['.git/config', '.git/hooks/post-checkout', 'NOTES.txt', 'gone.txt', 'link', 'tracked.txt']);
    assert.deepEqual(result.notRestored, []);
    assert.equal(readFileSync(path.join(repo, 'NOTES.txt'), 'utf8'), 'my notes\n');
    assert.equal(lstatSync(path.join(repo, 'NOTES.txt')).mode & 0o777, 0o750);
    assert.equal(readFileSync(path.join(repo, 'tracked.txt'), 'utf8'), 'committed\nand edited\n');
    assert.equal(readlinkSync(path.join(repo, 'link')), 'tracked.txt');
    assert.equal(existsSync(path.join(repo, 'gone.txt')), false);
    assert.equal(existsSync(path.join(repo, '.git', 'hooks', 'post-checkout')), false);
    assert.deepEqual(readFileSync(path.join(repo, '.git', 'config')), config);
    assert.equal(readFileSync(path.join(repo, 'ignored.log'), 'utf8'), 'changed, ignored\n', 'ignored files are not the user\'s work in progress');
    // Nothing is destroyed: what was there instead is kept.
    assert.ok(result.keptAt?.startsWith(path.join(repo, '.git', 'deploy-agent', 'restored', 'd1-')));
    assert.equal(readFileSync(path.join(result.keptAt!, 'NOTES.txt'), 'utf8'), 'my notes\na line from the test\n');
    assert.equal(readFileSync(path.join(result.keptAt!, 'gone.txt'), 'utf8'), 'came back\n');
    assert.equal(git(repo, 'status', '--porcelain', '--untracked-files=all').includes('.git'), false);
  });

  it('nothing changed: nothing restored, nothing kept', async () => {
    const guard = await guardUserFiles(repo, 'd2');
    const result = await guard.restore();
    assert.deepEqual(result, { restored: [], notRestored: [] });
    assert.equal(existsSync(path.join(repo, '.git', 'deploy-agent')), false);
  });

  it('a file over the size cap is watched by its hash: its change is named, not restored', async () => {
    const snapshot = await snapshotUserFiles(repo, 4);
    assert.ok(snapshot.tooLarge.has('NOTES.txt'));
    writeFileSync(path.join(repo, 'NOTES.txt'), 'changed\n');
    const result = await restoreUserFiles(snapshot, path.join(temp.path, 'kept'));
    assert.deepEqual(result.notRestored, ['NOTES.txt']);
    assert.equal(readFileSync(path.join(repo, 'NOTES.txt'), 'utf8'), 'changed\n');
  });

  it('the review\'s snapshot sees a change to the first file git lists, when its status starts with a space (" M …")', async () => {
    rmSync(path.join(repo, 'NOTES.txt'));
    rmSync(path.join(repo, 'link'));
    git(repo, 'checkout', '--', 'gone.txt');
    // Only tracked.txt is changed now: git lists it first, as " M tracked.txt".
    assert.match(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }), /^ M tracked\.txt\n$/);
    const before = await snapshotRepoState(repo);
    writeFileSync(path.join(repo, 'tracked.txt'), 'changed again\n');
    assert.deepEqual(changedPaths(before, await snapshotRepoState(repo)), ['tracked.txt']);
  });
});
