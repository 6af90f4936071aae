import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { targetStatus } from '../../../src/core/release/inspect';
import { Releaser } from '../../../src/core/release/releaser';
import { resolveTarget } from '../../../src/core/release/targets';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { rollbackScenarios } from '../../../src/core/learning/rollback-scenarios';
import { StepsRepository } from '../../../src/core/store/steps';
import { commitVersion, createApp } from '../../support/release-app';
import { freePort, machinesUnavailable, sshdUnavailable, startSshd, type TestSshd } from '../../support/sshd';
import { tempDir } from '../../support/temp';
import { FAST_TIMING } from './fixture';
import { stopTargetApp } from './helpers';

/**
 * Two servers (two sshd, each a machine of its own: its own network and its own /srv folder),
 * released in batches of one; the second fails its health check → both end on the previous release.
 */
describe('release over SSH to two hosts in batches', function () {
  this.timeout(120_000);
  let temp: ReturnType<typeof tempDir>;
  let servers: TestSshd[] = [];
  let roots: string[] = [];
  let store: HistoryStore;
  let repo: string;
  let srv: string;
  let port: number;

  before(async function () {
    const why = sshdUnavailable() ?? machinesUnavailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    temp = tempDir('deploy-agent-hosts-');
    port = await freePort();
    srv = path.join(temp.path, 'srv');
    for (const name of ['web-1', 'web-2']) {
      mkdirSync(path.join(temp.path, name), { recursive: true });
      mkdirSync(srv, { recursive: true });
      const first = servers[0];
      // One client key for both servers, as one deploy key is authorized on every host.
      servers.push(await startSshd(path.join(temp.path, `sshd-${name}`), { ...(first ? { clientKey: first.clientKey } : {}), machine: { root: path.join(temp.path, name), mountAt: srv } }));
    }
  });
  after(async () => {
    for (const root of roots) stopTargetApp(root);
    for (const s of servers) await s.stop();
    servers = [];
    temp?.cleanup();
  });

  it('a rolling release, batches of one: the second host fails its health check → both back on the previous release', async () => {
    const [a, b] = servers as [TestSshd, TestSshd];
    roots = ['web-1', 'web-2'].map((name) => path.join(temp.path, name));
    a.ownedDir(srv);
    for (const root of roots) {
      a.ownedDir(root);
      a.ownedDir(path.join(root, 'shared'));
    }
    // The same port on both machines; the second breaks version 2.0.0.
    writeFileSync(path.join(roots[0]!, 'shared', '.env'), `PORT=${port}\n`);
    writeFileSync(path.join(roots[1]!, 'shared', '.env'), `PORT=${port}\nBROKEN_VERSION=2.0.0\n`);
    const knownHosts = path.join(temp.path, 'known_hosts');
    writeFileSync(knownHosts, readFileSync(a.knownHosts, 'utf8') + readFileSync(b.knownHosts, 'utf8'));
    store = openHistoryStore(path.join(temp.path, 'history.db'));
    repo = path.join(temp.path, 'app');
    createApp(repo, '1.0.0');
    const target = resolveTarget('production', {
      type: 'ssh',
      hosts: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`],
      user: a.user,
      identityFile: a.clientKey,
      knownHosts,
      path: srv,
      environment: 'production',
      shared: ['.env'],
      start: `${process.execPath} server.js`,
      healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 2000 },
      watch: { minutes: 0 },
    }, null);
    const releaser = new Releaser({ store, timing: FAST_TIMING });
    try {
      const first = await releaser.release({ target, repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
      assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
      assert.equal(first.strategy?.name, 'conservative', 'production goes conservative');
      assert.deepEqual(first.strategy?.batchSize, 1);

      commitVersion(repo, '2.0.0');
      const second = await releaser.release({ target, repoPath: repo, ref: 'HEAD', strategy: 'aggressive' }, new AbortController().signal);
      assert.equal(second.strategy?.name, 'conservative', 'production never goes aggressive, even when asked');
      assert.equal(second.status, 'rolled_back', JSON.stringify(second.error));
      assert.equal(second.error?.code, 'HEALTH_CHECK_FAILED');
      assert.match(second.error!.message, new RegExp(`on 127\\.0\\.0\\.1:${b.port}: answered 503`));
      const steps = new StepsRepository(store.db).list(second.id).map((s) => `${s.name}:${s.status}`);
      assert.deepEqual(steps.slice(steps.indexOf('migrate:skipped') + 1), ['switch@1:succeeded', 'restart@1:succeeded', 'health-check@1:succeeded', 'switch@2:succeeded', 'restart@2:succeeded', 'health-check@2:failed', 'finish:succeeded']);
      for (const root of roots) assert.equal(readlinkSync(path.join(root, 'current')), `releases/${first.release}`);
      const status = await targetStatus(store, target);
      assert.deepEqual(status.hosts.map((h) => [h.current, h.health?.ok, JSON.parse(h.health?.body ?? '{}').version]), [
        [first.release, true, '1.0.0'],
        [first.release, true, '1.0.0'],
      ]);
      const rollbacks = store.db.prepare(`SELECT json_extract(detail, '$.host') AS host, worked FROM learning_recoveries WHERE deployment_id = ? AND action = 'rollback' ORDER BY 1`).all(second.id);
      // ORDER BY compares the host strings, so the expectation is sorted the same way (ports are random).
      assert.deepEqual(rollbacks, [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`].sort().map((host) => ({ host, worked: 1 })));
      // The batch's step and its rollbacks meet in one rollback scenario (health-check, not health-check@2).
      const scenario = rollbackScenarios(store).scenarios.find((s) => s.signature.errorPattern === 'release-health-status');
      assert.equal(scenario?.signature.step, 'health-check', JSON.stringify(scenario?.signature));
      assert.deepEqual([scenario.failures, scenario.best?.action, scenario.best?.worked], [1, 'rollback', 2]);
    } finally {
      store.close();
    }
  });
});
