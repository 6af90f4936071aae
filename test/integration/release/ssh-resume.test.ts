import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { runBuiltCli } from '../../support/cli';
import { commitVersion } from '../../support/release-app';
import { useSshFixture } from './fixture';
import { getJson } from './helpers';

/** The release's process killed (SIGKILL) mid-upload and mid-install, then `deploy-agent release resume ID` (the built CLI). */
describe('release over SSH: killed mid-step, then resumed', function () {
  this.timeout(120_000);
  const f = useSshFixture();

  async function killedRelease(killOn: string): Promise<string> {
    const db = path.join(f.dir, 'history.db');
    const killed = await runBuiltCli(['release', '--target', 'staging', '-w', f.repo, '--json', '--db', db], { env: { DEPLOY_AGENT_TEST_KILL_ON: killOn }, timeoutMs: 60_000 });
    assert.equal(killed.code, null, `the release was not killed: ${killed.stdout}${killed.stderr}`);
    const id = /deployment ([0-9a-f]{8}) \(release\)/.exec(killed.stderr)?.[1];
    assert.ok(id, killed.stderr);
    return id!;
  }

  async function resume(id: string) {
    const db = path.join(f.dir, 'history.db');
    const listed = await runBuiltCli(['list', '--json', '--db', db]);
    assert.equal(JSON.parse(listed.stdout).deployments.find((d: { id: string }) => d.id === id).status, 'interrupted');
    const resumed = await runBuiltCli(['release', 'resume', id, '--json', '--db', db, '-w', f.repo], { timeoutMs: 60_000 });
    assert.equal(resumed.code, 0, resumed.stderr);
    return JSON.parse(resumed.stdout) as { status: string; release: string; resumedFrom: string };
  }

  it('SIGKILL mid-upload: the half-unpacked folder is replaced and the release completes', async () => {
    // 24 MB that do not compress: the upload takes long enough to be killed in the middle of it.
    commitVersion(f.repo, '1.0.1', { 'assets/blob.bin': randomBytes(24 * 1024 * 1024).toString('base64') });
    f.writeConfig();
    const id = await killedRelease('"upload ([2-9]|[1-8][0-9])%');
    const partial = readdirSync(path.join(f.root, 'releases'));
    assert.deepEqual(partial.map((d) => d.endsWith('.partial')), [true], `expected a half-done upload, found ${partial.join(', ')}`);
    const resumed = await resume(id);
    assert.equal(resumed.status, 'succeeded');
    assert.equal(resumed.resumedFrom, 'upload');
    assert.deepEqual(readdirSync(path.join(f.root, 'releases')), [resumed.release]);
    assert.equal(readlinkSync(path.join(f.root, 'current')), `releases/${resumed.release}`);
    assert.equal(statSync(path.join(f.root, 'releases', resumed.release, 'assets', 'blob.bin')).size, Math.ceil((24 * 1024 * 1024) / 3) * 4);
    assert.equal((await getJson(`http://127.0.0.1:${f.port}/health`)).version, '1.0.1');
  });

  it('SIGKILL mid-install: the install left running on the server is ended, run again, and the release completes', async () => {
    f.writeConfig({ steps: { install: 'echo install-started; echo run >> installs.log; sleep 6; echo done >> installs.log' } });
    const id = await killedRelease('install-started');
    const release = readdirSync(path.join(f.root, 'releases'))[0]!;
    assert.ok(existsSync(path.join(f.root, 'run', 'install.pid')), 'the install was still running on the server');
    const resumed = await resume(id);
    assert.equal(resumed.status, 'succeeded');
    assert.equal(resumed.resumedFrom, 'install');
    assert.equal(resumed.release, release);
    // The orphaned first install was stopped before the second ran: it never wrote `done`.
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(path.join(f.root, 'releases', release, 'installs.log'), 'utf8'), 'run\nrun\ndone\n');
    assert.ok(!existsSync(path.join(f.root, 'run', 'install.pid')));
    assert.equal((await getJson(`http://127.0.0.1:${f.port}/health`)).version, '1.0.0');
  });
});
