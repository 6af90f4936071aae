import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cleanStaleSandboxes } from '../../../src/core/pipeline/clean';
import { recordOwner } from '../../../src/core/pipeline/owner';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository, type DeploymentStatus } from '../../../src/core/store/deployments';
import { EventsRepository } from '../../../src/core/store/steps';
import { tempDir } from '../../support/temp';
import { createFixtureRepo, git } from '../../integration/pipeline/repos';

describe('deploy-agent clean (stale sandboxes)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: HistoryStore;
  let repo: string;

  beforeEach(() => {
    tmp = tempDir();
    repo = createFixtureRepo(tmp.path, 'node', { dirty: false }).dir;
    store = openHistoryStore(path.join(tmp.path, 'h.db'));
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  function sandboxFor(id: string, status: DeploymentStatus | null, options: { commit?: boolean; ownerPid?: number; mode?: string } = {}): string {
    const wt = path.join(tmp.path, `wt-${id}`);
    const branch = `deploy-agent/add-x-${id}`;
    git(repo, 'worktree', 'add', '-q', '-b', branch, wt, 'HEAD');
    if (status) {
      new DeploymentsRepository(store.db).insert({ id, repoPath: repo, title: 'x', status, createdAt: Date.now(), mode: options.mode ?? 'local-commit', commitSha: options.commit ? 'abc' : null, branch });
      if (options.ownerPid) recordOwner(new EventsRepository(store.db), id, options.ownerPid, Date.now());
    }
    return wt;
  }

  const branchExists = (id: string) => git(repo, 'branch', '--list', `deploy-agent/add-x-${id}`) !== '';

  it('removes worktrees of ended and unknown deployments, keeps running and interrupted ones, keeps branches with a commit', async () => {
    const failed = sandboxFor('aaaa0001', 'failed');
    const shipped = sandboxFor('aaaa0002', 'succeeded', { commit: true });
    const orphan = sandboxFor('aaaa0003', null);
    const running = sandboxFor('aaaa0004', 'running', { ownerPid: process.pid });
    const interrupted = sandboxFor('aaaa0005', 'running', { ownerPid: 2 ** 22 + 999 });

    const result = await cleanStaleSandboxes(store.db, [repo]);

    assert.deepEqual(result.removed.map((r) => r.deploymentId ?? 'orphan').sort(), ['aaaa0001', 'aaaa0002', 'orphan']);
    assert.equal(existsSync(failed), false);
    assert.equal(existsSync(shipped), false);
    assert.equal(existsSync(orphan), false);
    assert.equal(branchExists('aaaa0001'), false);
    assert.equal(branchExists('aaaa0002'), true, 'the branch carrying the commit is the result: kept');
    assert.equal(branchExists('aaaa0003'), false);
    assert.equal(existsSync(running), true);
    assert.equal(existsSync(interrupted), true);
    assert.deepEqual(result.running, ['aaaa0004']);
    assert.deepEqual(result.resumable, ['aaaa0005']);
    assert.equal(new DeploymentsRepository(store.db).get('aaaa0005')!.status, 'interrupted');

    const second = await cleanStaleSandboxes(store.db, [repo], { rollBackInterrupted: true });
    assert.deepEqual(second.rolledBack, ['aaaa0005']);
    assert.equal(existsSync(interrupted), false);
    assert.equal(branchExists('aaaa0005'), false);
    assert.equal(new DeploymentsRepository(store.db).get('aaaa0005')!.status, 'rolled_back');
    assert.equal(existsSync(running), true);
  });
});
