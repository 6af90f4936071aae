import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { FlowEvent } from '../../../src/core/deployment/events';
import { Releaser } from '../../../src/core/release/releaser';
import { resolveTarget, type TargetConfig } from '../../../src/core/release/targets';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { StepsRepository } from '../../../src/core/store/steps';
import { createApp, commitVersion } from '../../support/release-app';
import { freePort } from '../../support/sshd';
import { tempDir } from '../../support/temp';

const SECRET = 'tok-5ecret-planted-in-shared-env';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('release to a local target: the whole cycle on this machine', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  let store: HistoryStore;
  let repo: string;
  let root: string;
  let port: number;
  let releaser: Releaser;

  beforeEach(async () => {
    dir = tempDir('deploy-agent-release-');
    store = openHistoryStore(path.join(dir.path, 'history.db'));
    repo = path.join(dir.path, 'app');
    root = path.join(dir.path, 'target');
    createApp(repo, '1.0.0');
    port = await freePort();
    mkdirSync(path.join(root, 'shared'), { recursive: true });
    writeFileSync(path.join(root, 'shared', '.env'), `PORT=${port}\nAPI_TOKEN=${SECRET}\n`);
    releaser = new Releaser({ store, timing: { retryBaseMs: 20, healthBaseMs: 50 } });
  });
  afterEach(async () => {
    // Stop the supervised application of the test's target.
    const pidFile = path.join(root, 'run', 'app.pid');
    if (existsSync(pidFile)) {
      try {
        process.kill(-Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // gone
      }
    }
    store.close();
    dir.cleanup();
  });

  function target(extra: Partial<TargetConfig> = {}) {
    return resolveTarget('local', {
      type: 'local',
      path: root,
      shared: ['.env', 'storage/'],
      steps: { install: 'echo installing', build: 'echo "building with $API_TOKEN"' },
      start: `${process.execPath} server.js`,
      healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 10_000 },
      watch: { minutes: 0 },
      ...extra,
    }, null);
  }

  it('releases, releases again, and rolls back to the first: the health endpoint reports the first version again', async () => {
    const first = await releaser.release({ target: target(), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
    assert.equal(JSON.parse((await get(`http://127.0.0.1:${port}/health`)).body).version, '1.0.0');
    assert.equal(readlinkSync(path.join(root, 'current')), `releases/${first.release}`);
    assert.ok(!existsSync(path.join(root, 'releases', first.release, 'local-secret.txt')), 'an ignored file was released');
    assert.equal(readFileSync(path.join(root, 'releases', first.release, 'REVISION'), 'utf8').trim(), first.commit);

    commitVersion(repo, '2.0.0');
    const second = await releaser.release({ target: target(), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    assert.equal(second.status, 'succeeded', JSON.stringify(second.error));
    assert.equal(JSON.parse((await get(`http://127.0.0.1:${port}/health`)).body).version, '2.0.0');
    assert.equal(second.hosts!.local!.previous, first.release);

    const back = await releaser.rollback({ target: target(), repoPath: repo }, new AbortController().signal);
    assert.equal(back.status, 'succeeded', JSON.stringify(back.error));
    assert.equal(back.release, first.release);
    assert.equal(JSON.parse((await get(`http://127.0.0.1:${port}/health`)).body).version, '1.0.0');
    assert.deepEqual(readdirSync(path.join(root, 'releases')).sort(), [first.release, second.release].sort());

    const rows = new DeploymentsRepository(store.db).list({ kind: 'release' });
    assert.deepEqual(rows.map((r) => [r.kind, r.target, r.mode, r.status]), [
      ['release', 'local', 'rollback', 'succeeded'],
      ['release', 'local', 'release', 'succeeded'],
      ['release', 'local', 'release', 'succeeded'],
    ]);
    const names = new StepsRepository(store.db).list(first.id).map((s) => `${s.name}:${s.status}`);
    assert.deepEqual(names, ['connect:succeeded', 'lock:succeeded', 'preflight:succeeded', 'upload:succeeded', 'link-shared:succeeded', 'install:succeeded', 'build:succeeded', 'migrate:skipped', 'switch:succeeded', 'restart:succeeded', 'health-check:succeeded', 'watch:skipped', 'prune:succeeded', 'finish:succeeded']);
    // The secret was printed by the build; it is in no event.
    const dump = JSON.stringify(store.db.prepare('SELECT * FROM events').all());
    assert.ok(dump.includes('building with ***'), 'the build output is in the log, masked');
    assert.ok(!dump.includes(SECRET));
  });

  it('a failing health check after the switch rolls back on the local target too', async () => {
    const first = await releaser.release({ target: target(), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    commitVersion(repo, '2.0.0', { unhealthy: 'yes' });
    const bad = await releaser.release({ target: target({ healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 1000 } }), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    assert.equal(bad.status, 'rolled_back');
    assert.equal(readlinkSync(path.join(root, 'current')), `releases/${first.release}`);
    assert.equal(JSON.parse((await get(`http://127.0.0.1:${port}/health`)).body).version, '1.0.0');
    assert.equal(bad.error?.code, 'HEALTH_CHECK_FAILED');
    assert.match(bad.error!.hint, new RegExp(`^Switched back to the release that ran before: local runs ${first.release}\\. Read logs/app\\.log`));
  });

  it('a failed FIRST release says there was nothing to roll back to, and that the target now serves nothing', async () => {
    commitVersion(repo, '1.0.1', { unhealthy: 'yes' });
    const bad = await releaser.release({ target: target({ healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 1000 } }), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    assert.equal(bad.hosts!.local!.previous, null, 'the target had no release');
    assert.equal(bad.error?.code, 'HEALTH_CHECK_FAILED');
    assert.match(bad.error!.hint, /^local had no release before this one, so there was nothing to roll back to: the application is stopped and `current` removed — it serves nothing until a release succeeds\. Read logs\/app\.log/);
    assert.doesNotMatch(bad.error!.hint, /previous one|rolled back to/);
    assert.ok(!existsSync(path.join(root, 'current')), 'no current release');
    await assert.rejects(get(`http://127.0.0.1:${port}/health`), /ECONNREFUSED/, 'the application is stopped');
  });

  it('publishes what the panel shows: its plan and why, each host’s part of each step, its recoveries — and records them', async () => {
    const first = await releaser.release({ target: target(), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    commitVersion(repo, '2.0.0', { unhealthy: 'yes' });
    const seen: FlowEvent<string>[] = [];
    const off = releaser.events.on((e) => seen.push(e));
    const bad = await releaser.release({ target: target({ healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 1000 } }), repoPath: repo, ref: 'HEAD', strategy: 'balanced' }, new AbortController().signal);
    off();
    assert.equal(bad.status, 'rolled_back');
    const of = <T extends FlowEvent<string>['type']>(type: T) => seen.filter((e): e is Extract<FlowEvent<string>, { type: T }> => e.type === type);
    const [plan] = of('release.plan');
    assert.ok(plan);
    const { ts: _ts, reasons, steps, ...decided } = plan;
    assert.deepEqual(decided, { type: 'release.plan', deploymentId: bad.id, mode: 'release', release: bad.release, ref: 'HEAD', commit: bad.commit, strategy: 'balanced', batchSize: 1, watchMinutes: 0, batches: [['local']] });
    assert.ok(reasons.some((r) => /1 host in batches of 1/.test(r)), JSON.stringify(reasons));
    assert.deepEqual(steps.map((s) => s.name), ['connect', 'lock', 'preflight', 'upload', 'link-shared', 'install', 'build', 'migrate', 'switch', 'restart', 'health-check', 'watch', 'prune', 'finish']);
    assert.equal(steps[8]!.title, 'Switch current');
    const ended = of('release.host').filter((e) => e.status !== 'running');
    assert.deepEqual(ended.map((e) => `${e.step}:${e.status}`), ['connect:succeeded', 'preflight:succeeded', 'upload:succeeded', 'link-shared:succeeded', 'install:succeeded', 'build:succeeded', 'switch:succeeded', 'restart:succeeded', 'health-check:failed']);
    const failed = ended.at(-1)!;
    assert.equal(failed.host, 'local');
    assert.equal(failed.error?.code, 'HEALTH_CHECK_FAILED');
    assert.ok(failed.durationMs! >= 900, String(failed.durationMs));
    const recoveries = of('release.recovery').map((e) => `${e.action}:${e.worked}`);
    assert.ok(recoveries.includes('rollback:true'), recoveries.join());
    // Recorded as they were published (the panel reads them back when the release is opened later).
    const recorded = store.db.prepare(`SELECT type, count(*) AS n FROM events WHERE deployment_id = ? AND type LIKE 'release.%' GROUP BY type ORDER BY type`).all(bad.id);
    assert.deepEqual(recorded, [
      { type: 'release.host', n: of('release.host').length },
      { type: 'release.plan', n: 1 },
      { type: 'release.recovery', n: recoveries.length },
    ]);
    assert.equal(first.status, 'succeeded');
  });

  it('watch after release: a health breach minutes after the switch rolls back, recorded with its signal', async () => {
    const first = await releaser.release({ target: target(), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    // Version 2 is healthy at first and breaks 1.5 s after it starts.
    commitVersion(repo, '2.0.0', { 'fail-after': '1500' });
    const watched = await releaser.release({ target: target({ watch: { minutes: 0.1, intervalMs: 300 } }), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    assert.equal(watched.status, 'rolled_back', JSON.stringify(watched.error));
    assert.equal(watched.error?.code, 'WATCH_BREACH');
    assert.equal(readlinkSync(path.join(root, 'current')), `releases/${first.release}`);
    assert.equal(JSON.parse((await get(`http://127.0.0.1:${port}/health`)).body).version, '1.0.0');
    const steps = new StepsRepository(store.db).list(watched.id).map((s) => `${s.name}:${s.status}`);
    assert.deepEqual(steps.slice(-3), ['health-check:succeeded', 'watch:failed', 'finish:succeeded']);
    const breach = store.db.prepare(`SELECT payload FROM events WHERE deployment_id = ? AND type = 'release.watch.breach'`).pluck().get(watched.id) as string;
    assert.match(breach, /"kind":"health"/);
    assert.equal(store.db.prepare(`SELECT count(*) FROM learning_recoveries WHERE deployment_id = ? AND action = 'rollback' AND failing_step = 'watch' AND worked = 1`).pluck().get(watched.id), 1);
  });

  it('watch after release: metrics worse than the previous release’s roll back; a healthy watch becomes the next baseline', async () => {
    const metrics = { url: `http://127.0.0.1:${port}/metrics`, maxErrorRateIncrease: 0.05 };
    const first = await releaser.release({ target: target({ watch: { minutes: 0.02, intervalMs: 300, metrics } }), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
    assert.deepEqual(JSON.parse(store.db.prepare(`SELECT payload FROM events WHERE deployment_id = ? AND type = 'release.metrics'`).pluck().get(first.id) as string), { errorRate: 0.01, latencyMs: 20 });
    // Version 2 reports a 50 % error rate once it has run a moment (its health endpoint then fails too; the metrics are checked first).
    commitVersion(repo, '2.0.0', { 'fail-after': '200' });
    const worse = await releaser.release({ target: target({ healthCheck: undefined, watch: { minutes: 0.05, intervalMs: 400, metrics } }), repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
    assert.equal(worse.status, 'rolled_back', JSON.stringify(worse.error));
    assert.match(worse.error!.message, /error rate 0\.5 is above the previous release's 0\.01 \+ 0\.05/);
  });
});
