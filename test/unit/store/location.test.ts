import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { adoptEarlierHistory } from '../../../src/core/store/adopt';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { defaultDbPath, describeDbPathSource, resolveDbPath } from '../../../src/core/store/location';
import { tempDir } from '../../support/temp';

describe('where the history lives (one history for the CLI and VS Code)', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('--db or the setting, else DEPLOY_AGENT_DB, else the platform data folder both front ends share', () => {
    const env = { DEPLOY_AGENT_DB: '/var/env.db', HOME: '/home/u' };
    assert.deepEqual(resolveDbPath({ flag: 'x.db', env }), { path: path.resolve('x.db'), source: 'flag' });
    assert.deepEqual(resolveDbPath({ setting: '~/h.db', env }), { path: '/home/u/h.db', source: 'setting' });
    assert.deepEqual(resolveDbPath({ setting: '  ', env }), { path: '/var/env.db', source: 'env' });
    assert.deepEqual(resolveDbPath({ env: {} }), { path: defaultDbPath(), source: 'default' });
    assert.match(defaultDbPath(), /deploy-agent[/\\](Data[/\\])?history\.db$/);
    assert.match(describeDbPathSource('default'), /shared by the deploy-agent CLI and VS Code/);
  });

  it('adopts the history the extension kept before (a consistent copy, WAL included), once, and never over a shared one', () => {
    const earlier = path.join(dir.path, 'globalStorage', 'history.db');
    const shared = path.join(dir.path, 'data', 'deploy-agent', 'history.db');
    const old = openHistoryStore(earlier);
    new DeploymentsRepository(old.db).insert({ id: 'vscode01', repoPath: '/repo', title: 'Made in VS Code', createdAt: 1, status: 'succeeded' });
    // Left open: the row is still in the WAL, not in the main file.
    assert.deepEqual(adoptEarlierHistory(earlier, shared), { adopted: true, from: earlier });
    old.close();
    const opened = openHistoryStore(shared);
    try {
      assert.equal(new DeploymentsRepository(opened.db).get('vscode01')?.title, 'Made in VS Code');
    } finally {
      opened.close();
    }
    assert.ok(existsSync(earlier), 'the original stays');
    assert.deepEqual(readdirSync(path.dirname(shared)).filter((f) => f.includes('adopting')), []);
    assert.deepEqual(adoptEarlierHistory(earlier, shared), { adopted: false, reason: 'target-exists', from: earlier });
    assert.deepEqual(adoptEarlierHistory(path.join(dir.path, 'none.db'), path.join(dir.path, 'x.db')), { adopted: false, reason: 'no-earlier-history', from: path.join(dir.path, 'none.db') });
    assert.ok(!existsSync(path.join(dir.path, 'x.db')));
  });
});
