import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { sandboxRoot } from '../../../src/core/sandbox/worktree';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { useHarnesses, parseJson, scriptPlantedFailure } from './harness';
import { git } from './repos';

describe('deploy-agent clean: what ended deployments left behind (built CLI, real git)', function () {
  this.timeout(180_000);
  const harnesses = useHarnesses();

  it('removes the emptied sandbox folder, the lock of a dead process, branches of ended deployments that carry no commit, and folders git never registered; keeps a branch with a commit', async () => {
    const h = await harnesses.create('node');
    const root = git(h.repo.dir, 'rev-parse', '--show-toplevel');
    scriptPlantedFailure(h.ollama, 'node');
    const kept = parseJson(await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--keep-worktree', '--json']));
    assert.equal(kept.status, 'succeeded');

    // What a cancelled deployment left before this fix: its branch (at HEAD, no commit) and a half-made folder.
    const base = git(h.repo.dir, 'rev-parse', 'HEAD');
    const store = openHistoryStore(h.db);
    try {
      new DeploymentsRepository(store.db).insertMany([
        { id: 'cafe0001', repoPath: root, title: 'cancelled while the sandbox was made', status: 'cancelled', createdAt: Date.now() - 60_000 },
        { id: 'cafe0002', repoPath: root, title: 'ended with its own commit', status: 'failed', createdAt: Date.now() - 60_000 },
      ]);
    } finally {
      store.close();
    }
    git(h.repo.dir, 'branch', 'deploy-agent/left-behind-cafe0001', base);
    git(h.repo.dir, 'checkout', '-q', '-b', 'deploy-agent/has-work-cafe0002');
    writeFileSync(path.join(h.repo.dir, 'work.txt'), 'work\n');
    git(h.repo.dir, 'add', 'work.txt');
    git(h.repo.dir, 'commit', '-qm', 'work of its own');
    git(h.repo.dir, 'checkout', '-q', 'main');
    const halfMade = path.join(sandboxRoot(root), 'cafe0001');
    mkdirSync(path.join(halfMade, 'src'), { recursive: true });

    // The lock file of a process that died.
    const dead = spawn('true');
    await new Promise((r) => dead.on('exit', r));
    const lock = path.join(h.repo.dir, '.git', 'deploy-agent.lock');
    writeFileSync(lock, JSON.stringify({ deploymentId: 'dead0001', pid: dead.pid, host: hostname(), at: Date.now() - 3_600_000 }));

    const result = await h.cli(['clean', '--workspace', h.repo.dir, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const out = parseJson(result) as { removed: unknown[]; branchesDeleted: { branch: string }[]; foldersRemoved: string[]; locksRemoved: string[] };
    assert.equal(out.removed.length, 1, 'the kept worktree');
    assert.deepEqual(out.branchesDeleted.map((b) => b.branch), ['deploy-agent/left-behind-cafe0001']);
    assert.deepEqual(out.foldersRemoved, [halfMade]);
    assert.equal(out.locksRemoved.length, 1);

    assert.equal(existsSync(sandboxRoot(root)), false, 'no empty deploy-agent-worktrees/<repo>-<hash> folder');
    assert.equal(existsSync(lock), false);
    assert.equal(git(h.repo.dir, 'branch', '--list', 'deploy-agent/*'), 'deploy-agent/has-work-cafe0002', 'the branch with a commit of its own is kept');

    const again = await h.cli(['clean', '--workspace', h.repo.dir]);
    assert.match(again.stdout, /Nothing to clean/);
  });

  it('a live process keeps its lock', async () => {
    const h = await harnesses.create('node');
    const lock = path.join(h.repo.dir, '.git', 'deploy-agent.lock');
    writeFileSync(lock, JSON.stringify({ deploymentId: 'live0001', pid: process.pid, host: hostname(), at: Date.now() }));
    const out = parseJson(await h.cli(['clean', '--workspace', h.repo.dir, '--json'])) as { locksRemoved: string[] };
    assert.deepEqual(out.locksRemoved, []);
    assert.equal(existsSync(lock), true);
  });
});
