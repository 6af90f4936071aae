import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rollbackScenarios } from '../../../src/core/learning/rollback-scenarios';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { StepsRepository } from '../../../src/core/store/steps';
import { commitVersion } from '../../support/release-app';
import { release, useSshFixture } from './fixture';
import { getJson } from './helpers';
import { waitUntilListening } from '../../support/listening';

/** The release's faults against a real sshd, each ending in a consistent state and a recorded outcome. */
describe('release over SSH: faults end consistent and recorded', function () {
  this.timeout(90_000);
  const f = useSshFixture();

  const current = () => readlinkSync(path.join(f.root, 'current')).replace('releases/', '');
  const releases = () => readdirSync(path.join(f.root, 'releases')).sort();
  const version = async () => (await getJson(`http://127.0.0.1:${f.port}/health`)).version;

  it('a build that fails: nothing switched, the running release untouched, the new folder removed, the outcome recorded', async () => {
    const first = await release(f);
    assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
    commitVersion(f.repo, '2.0.0');
    const broken = await release(f, { steps: { install: 'echo installing', build: 'echo "src/app.ts(3,1): error TS2304: Cannot find name x" >&2; exit 2' } });
    assert.equal(broken.status, 'failed');
    assert.equal(broken.error?.code, 'RELEASE_STEP_FAILED');
    assert.match(broken.error!.message, /build failed on 127\.0\.0\.1:\d+ \(exit 2\): .*TS2304/);
    assert.equal(current(), first.release);
    assert.deepEqual(releases(), [first.release]);
    assert.equal(await version(), '1.0.0');
    const steps = new StepsRepository(f.store.db).list(broken.id).map((s) => `${s.name}:${s.status}`);
    assert.deepEqual(steps.slice(-3), ['install:succeeded', 'build:failed', 'finish:succeeded']);
    assert.equal(f.store.db.prepare(`SELECT status FROM learning_deployments WHERE deployment_id = ?`).pluck().get(broken.id), 'failed');
  });

  it('a health check that fails after the switch: rolled back automatically, the previous version serves again, recorded as a rollback scenario', async () => {
    const first = await release(f);
    commitVersion(f.repo, '2.0.0', { unhealthy: 'this version answers 503' });
    const bad = await release(f, { healthCheck: { url: `http://127.0.0.1:${f.port}/health`, timeoutMs: 1500 } });
    assert.equal(bad.status, 'rolled_back', JSON.stringify(bad.error));
    assert.equal(bad.error?.code, 'HEALTH_CHECK_FAILED');
    assert.match(bad.error!.message, /answered 503 \(expected 200\)/);
    assert.equal(current(), first.release);
    assert.equal(await version(), '1.0.0');
    assert.deepEqual(releases(), [first.release], 'the failed release folder is removed');
    const scenarios = rollbackScenarios(f.store);
    const health = scenarios.scenarios.find((s) => s.signature.step === 'health-check');
    assert.ok(health, JSON.stringify(scenarios.scenarios.map((s) => s.signature)));
    assert.equal(health.signature.errorPattern, 'release-health-status');
    assert.ok(health.recoveries.some((r) => r.action === 'rollback' && r.worked === 1 && r.automatic));
  });

  it('the port held by another process: refused before anything changes, with the holder named', async () => {
    // Another program of the same login user (so that the server shows the user who holds it), not under releases/.
    const holder = spawn(process.execPath, ['-e', `require('http').createServer(() => {}).listen(${f.port}, '127.0.0.1')`], { stdio: 'ignore', cwd: '/tmp', uid: f.sshd.uid, gid: f.sshd.gid });
    try {
      await waitUntilListening(f.port);
      const refused = await release(f);
      assert.equal(refused.status, 'failed');
      assert.equal(refused.error?.code, 'PORT_IN_USE');
      assert.match(refused.error!.message, new RegExp(`port ${f.port} is held by pid ${holder.pid} \\(.*node`));
      assert.ok(!existsSync(path.join(f.root, 'current')));
      assert.deepEqual(releases(), []);
      assert.equal(holder.exitCode, null, 'the other process is left alone');
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('an unknown host key: refused with its fingerprint and the line that trusts it; nothing runs on the server', async () => {
    const empty = path.join(f.dir, 'known_hosts_empty');
    writeFileSync(empty, '');
    const refused = await release(f, { knownHosts: empty });
    assert.equal(refused.status, 'failed');
    assert.equal(refused.error?.code, 'HOST_KEY_UNKNOWN');
    const fingerprint = (await import('../../../src/core/release/hosts/known-hosts')).fingerprintOf(Buffer.from(f.sshd.hostKeyPublic.split(' ')[1]!, 'base64'));
    assert.ok(refused.error!.message.includes(fingerprint), refused.error!.message);
    assert.ok(refused.error!.hint.includes(`[127.0.0.1]:${f.sshd.port} ${f.sshd.hostKeyPublic}`), refused.error!.hint);
    assert.ok(!existsSync(path.join(f.root, 'releases')), 'nothing ran on the server');
    // A changed key is refused too, as a possible attack.
    const other = path.join(f.dir, 'known_hosts_other');
    writeFileSync(other, `[127.0.0.1]:${f.sshd.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n`);
    const changed = await release(f, { knownHosts: other });
    assert.equal(changed.error?.code, 'HOST_KEY_CHANGED');
  });

  it('a second release to the same target while one runs: refused with the holder named; the first completes', async () => {
    const slow = { steps: { install: 'echo slow-install; sleep 2' } };
    const releaser = f.releaser();
    let reachedInstall!: () => void;
    const atInstall = new Promise<void>((resolve) => (reachedInstall = resolve));
    releaser.events.on((e) => e.type === 'log' && e.message.includes('slow-install') && reachedInstall());
    const running = releaser.release({ target: f.target(slow), repoPath: f.repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    await atInstall;
    const second = await release(f);
    assert.equal(second.status, 'failed');
    assert.equal(second.error?.code, 'TARGET_LOCKED');
    const firstId = (await running).id;
    assert.match(second.error!.message, new RegExp(`is being released by deployment ${firstId} \\(pid ${process.pid} on `));
    assert.equal((await running).status, 'succeeded');
    assert.deepEqual(releases(), [(await running).release], 'the refused release left nothing');
  });

  it('the SSH connection cut mid-step (the server session killed): connected again, the step retried, the release completes', async () => {
    const releaser = f.releaser();
    let cut = false;
    releaser.events.on((e) => {
      if (!cut && e.type === 'log' && e.message.includes('cut-here')) {
        cut = true;
        for (const pid of f.sshd.sessionPids()) process.kill(pid, 'SIGKILL');
      }
    });
    const done = await releaser.release({ target: f.target({ steps: { install: 'echo cut-here; sleep 1; echo installed' } }), repoPath: f.repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    assert.ok(cut, 'the connection was cut');
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(await version(), '1.0.0');
    const recoveries = f.store.db.prepare(`SELECT action, worked, error_pattern_id AS pattern FROM learning_recoveries WHERE deployment_id = ?`).all(done.id);
    assert.deepEqual(recoveries, [{ action: 'reconnect', worked: 1, pattern: 'release-ssh-connection-lost' }]);
    assert.ok(!existsSync(path.join(f.root, 'run', 'install.pid')), 'no install is left running');
  });

  it('a secret planted in the host’s shared/.env never reaches the log, the report or the database', async () => {
    const secret = 'sk-live-51Hs3cr3tValue';
    writeFileSync(path.join(f.root, 'shared', '.env'), `PORT=${f.port}\nSTRIPE_SECRET_KEY=${secret}\n`);
    const done = await release(f, { steps: { install: 'echo "installing with key $STRIPE_SECRET_KEY"', build: 'env | grep STRIPE' } });
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const db = readFileSync(f.store.path);
    const wal = existsSync(`${f.store.path}-wal`) ? readFileSync(`${f.store.path}-wal`) : Buffer.alloc(0);
    assert.ok(!db.includes(secret) && !wal.includes(secret), 'the secret is in the database file');
    const logged = JSON.stringify(f.store.db.prepare(`SELECT payload FROM events WHERE deployment_id = ?`).all(done.id));
    assert.ok(logged.includes('installing with key ***'), 'the command output is logged, masked');
    for (const file of [done.report!.json, done.report!.markdown]) assert.ok(!readFileSync(file, 'utf8').includes(secret), file);
    assert.ok(!JSON.stringify(done).includes(secret));
    // The application itself got the secret (it lives on the host).
    assert.equal(readFileSync(path.join(f.root, 'shared', '.env'), 'utf8').includes(secret), true);
    assert.equal(new DeploymentsRepository(f.store.db).get(done.id)?.status, 'succeeded');
  });
});
