// Releasing examples/workspace (a small Node HTTP service) to a real OpenSSH server on loopback
// (test/support/sshd.ts: sshd started here, logging in as the unprivileged test user):
//   release.overhead   a release's wall time minus its install, build, migrate and restart steps
//                      (the application's own work): connect, lock, preflight, upload, link, switch,
//                      the health check (including the wait for the restarted service to listen),
//                      prune and the records. Target: median < 1500 ms.
//   release.rollback   `release rollback` to the previous release: connect, lock, switch back,
//                      restart, health check. Target: median < 1000 ms.
//   release.resume     the cost of resuming a release killed (SIGKILL, the built CLI) as its switch
//                      started: the resume's wall time minus its steps' own time (reopening the
//                      records, connecting again, taking the lock again), next to the steps it ran.
// Run alone: npx tsx bench/release.bench.ts (as root; sshd and the test user from scripts/test-toolchains.mjs; `npm run build` for the resume figure)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Releaser } from '../src/core/release/releaser';
import { resolveTarget } from '../src/core/release/targets';
import { openHistoryStore } from '../src/core/store/database';
import { StepsRepository } from '../src/core/store/steps';
import { git } from '../test/support/release-app';
import { freePort, sshdUnavailable, startSshd } from '../test/support/sshd';
import { tempDir } from '../test/support/temp';
import { stopTargetApp } from '../test/integration/release/helpers';
import { median, target, timing, verdict } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = path.resolve(__dirname, '..');
const APP_STEPS = new Set(['install', 'build', 'migrate', 'restart']);

async function main(): Promise<void> {
  const why = sshdUnavailable();
  if (why) {
    console.log(JSON.stringify({ name: 'release', skipped: why }));
    return;
  }
  const dir = tempDir('deploy-agent-release-bench-');
  const sshd = await startSshd(path.join(dir.path, 'sshd'));
  const targetRoot = sshd.ownedDir(path.join(dir.path, 'srv'));
  try {
    const repo = path.join(dir.path, 'app');
    cpSync(path.join(root, 'examples', 'workspace'), repo, { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'example');
    const port = await freePort();
    sshd.ownedDir(path.join(targetRoot, 'shared'));
    writeFileSync(path.join(targetRoot, 'shared', '.env'), `PORT=${port}\n`);
    const config = {
      type: 'ssh' as const,
      hosts: [`127.0.0.1:${sshd.port}`],
      user: sshd.user,
      identityFile: sshd.clientKey,
      knownHosts: sshd.knownHosts,
      path: targetRoot,
      environment: 'staging',
      shared: ['.env'],
      steps: { install: 'true' },
      start: `${process.execPath} src/server.js`,
      healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 10_000 },
      watch: { minutes: 0 },
      keepReleases: 3,
    };
    const releaseTarget = resolveTarget('staging', config, null);
    const store = openHistoryStore(path.join(dir.path, 'history.db'));
    const steps = new StepsRepository(store.db);
    const releaser = new Releaser({ store, timing: { retryBaseMs: 100, healthBaseMs: 25 } });
    const signal = new AbortController().signal;
    const stepTime = (id: string, which: (name: string) => boolean) => steps.list(id).filter((s) => which(s.name) && s.finishedAt !== null).reduce((ms, s) => ms + (s.finishedAt! - s.startedAt), 0);

    const overheads: number[] = [];
    const walls: number[] = [];
    const rollbacks: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const started = performance.now();
      const done = await releaser.release({ target: releaseTarget, repoPath: repo, ref: 'HEAD', strategy: 'balanced' }, signal);
      const wall = performance.now() - started;
      if (done.status !== 'succeeded') throw new Error(`release ${done.status}: ${JSON.stringify(done.error)}`);
      if (i === 0) continue; // the first is the first release (nothing to replace), and warms up
      walls.push(wall);
      overheads.push(wall - stepTime(done.id, (name) => APP_STEPS.has(name)));
      const back = performance.now();
      const rolled = await releaser.rollback({ target: releaseTarget, repoPath: repo }, signal);
      if (rolled.status !== 'succeeded') throw new Error(`rollback ${rolled.status}: ${JSON.stringify(rolled.error)}`);
      rollbacks.push(performance.now() - back);
    }
    const line = (name: string, timed: string, values: number[], extra: Record<string, unknown> = {}) => console.log(JSON.stringify({ name, timed, ...timing(values, 0), samplesMs: values.map((v) => Math.round(v)), ...extra }));
    line('release.overhead', 'a release of examples/workspace over SSH on loopback minus its install, build, migrate and restart steps', overheads, {
      wallMedianMs: Math.round(median(walls)),
      ...verdict(target('median', Math.round(median(overheads)), '<', 1500, 'ms')),
    });
    line('release.rollback', '`release rollback` to the previous release: connect, lock, switch back, restart, health check', rollbacks, verdict(target('median', Math.round(median(rollbacks)), '<', 1000, 'ms')));

    const cli = path.join(root, 'dist', 'cli', 'cli.mjs');
    if (!existsSync(cli)) {
      console.log(JSON.stringify({ name: 'release.resume', skipped: 'dist/cli/cli.mjs is missing: npm run build first' }));
    } else {
      mkConfig(repo, config);
      const costs: number[] = [];
      const resumedSteps: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const killed = spawnSync(process.execPath, [cli, 'release', '--target', 'staging', '-w', repo, '--db', store.path], { encoding: 'utf8', env: { ...process.env, DEPLOY_AGENT_TEST_KILL_AT_STEP: 'switch' } });
        const id = /deployment ([0-9a-f]{8}) \(release\)/.exec(killed.stderr)?.[1];
        if (!id) throw new Error(`no release id: ${killed.stderr}`);
        const before = steps.list(id).length;
        const started = performance.now();
        const resumed = await releaser.resume(id, signal);
        const wall = performance.now() - started;
        if (resumed.status !== 'succeeded') throw new Error(`resume ${resumed.status}: ${JSON.stringify(resumed.error)}`);
        const ran = steps.list(id).slice(before);
        const inSteps = ran.reduce((ms, s) => ms + ((s.finishedAt ?? s.startedAt) - s.startedAt), 0);
        costs.push(wall - inSteps);
        resumedSteps.push(inSteps);
      }
      line('release.resume', 'resuming a release killed as its switch started: wall time minus the steps it ran (reopen, reconnect, relock)', costs, { stepsMedianMs: Math.round(median(resumedSteps)) });
    }
    store.close();
  } finally {
    stopTargetApp(targetRoot);
    await sshd.stop();
    dir.cleanup();
  }
}

/** The target in the repository's .deploy-agent/config.json, where the CLI reads it. */
function mkConfig(repo: string, config: Record<string, unknown>): void {
  mkdirSync(path.join(repo, '.deploy-agent'), { recursive: true });
  writeFileSync(path.join(repo, '.deploy-agent', 'config.json'), JSON.stringify({ targets: { staging: config } }, null, 2));
}

void main();
