import assert from 'node:assert/strict';
import { existsSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Releaser } from '../../../src/core/release/releaser';
import { resolveTarget, type TargetConfig } from '../../../src/core/release/targets';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { createApp, commitVersion } from '../../support/release-app';
import { freePort, sshdUnavailable, startSshd, type TestSshd } from '../../support/sshd';
import { tempDir } from '../../support/temp';
import { getJson, stopTargetApp } from './helpers';

describe('release over SSH to a real OpenSSH server', function () {
  this.timeout(90_000);
  let dir: ReturnType<typeof tempDir>;
  let sshd: TestSshd;
  let store: HistoryStore;
  let repo: string;
  let root: string;
  let port: number;

  before(async function () {
    const why = sshdUnavailable();
    if (why) this.skip();
    dir = tempDir('deploy-agent-ssh-');
    sshd = await startSshd(path.join(dir.path, 'sshd'));
  });
  after(async () => {
    await sshd?.stop();
    dir?.cleanup();
  });
  beforeEach(async () => {
    const run = path.join(dir.path, `run-${Date.now()}`);
    store = openHistoryStore(path.join(run, 'history.db'));
    repo = path.join(run, 'app');
    root = sshd.ownedDir(path.join(run, 'target'));
    createApp(repo, '1.0.0');
    port = await freePort();
    sshd.ownedDir(path.join(root, 'shared'));
    writeFileSync(path.join(root, 'shared', '.env'), `PORT=${port}\n`);
  });
  afterEach(() => {
    stopTargetApp(root);
    store.close();
  });

  function target(extra: Partial<TargetConfig> = {}) {
    return resolveTarget('staging', {
      type: 'ssh',
      hosts: [`127.0.0.1:${sshd.port}`],
      user: sshd.user,
      identityFile: sshd.clientKey,
      knownHosts: sshd.knownHosts,
      path: root,
      environment: 'staging',
      shared: ['.env'],
      steps: { install: 'echo installing' },
      start: `${process.execPath} server.js`,
      healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 10_000 },
      watch: { minutes: 0 },
      ...extra,
    }, null);
  }

  it('uploads, installs, switches, restarts and checks health through the SSH connection; a second release; a rollback to the first', async () => {
    const releaser = new Releaser({ store, timing: { retryBaseMs: 20, healthBaseMs: 50 } });
    const first = await releaser.release({ target: target(), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
    assert.equal((await getJson(`http://127.0.0.1:${port}/health`)).version, '1.0.0');
    assert.equal(readlinkSync(path.join(root, 'current')), `releases/${first.release}`);
    assert.match(JSON.stringify(store.db.prepare(`SELECT artifacts FROM deployment_steps WHERE deployment_id = ? AND name = 'connect'`).pluck().get(first.id)), /SHA256:/);

    commitVersion(repo, '2.0.0');
    const second = await releaser.release({ target: target(), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    assert.equal(second.status, 'succeeded', JSON.stringify(second.error));
    assert.equal((await getJson(`http://127.0.0.1:${port}/health`)).version, '2.0.0');

    const back = await releaser.rollback({ target: target(), repoPath: repo, to: first.id }, new AbortController().signal);
    assert.equal(back.status, 'succeeded', JSON.stringify(back.error));
    assert.equal((await getJson(`http://127.0.0.1:${port}/health`)).version, '1.0.0');
    assert.equal(readlinkSync(path.join(root, 'current')), `releases/${first.release}`);
    assert.ok(existsSync(path.join(root, 'releases', second.release)), 'a rollback keeps the newer release for a later switch');
    assert.ok(!existsSync(path.join(root, '.deploy-agent.lock')), 'the lock is let go');
  });
});
