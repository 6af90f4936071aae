import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Releaser, type ReleaserOptions } from '../../../src/core/release/releaser';
import { resolveTarget, type TargetConfig } from '../../../src/core/release/targets';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { createApp } from '../../support/release-app';
import { freePort, sshdUnavailable, startSshd, type TestSshd } from '../../support/sshd';
import { tempDir } from '../../support/temp';
import { stopTargetApp } from './helpers';

/** One real sshd for a test file, and per test: a history database, the app's repository and the target's folder on the "server". */
export interface SshFixture {
  sshd: TestSshd;
  dir: string;
  store: HistoryStore;
  repo: string;
  root: string;
  port: number;
  target(extra?: Partial<TargetConfig>): ReturnType<typeof resolveTarget>;
  releaser(options?: Partial<ReleaserOptions>): Releaser;
  /** The target as .deploy-agent/config.json of the repository (for the CLI). */
  writeConfig(extra?: Partial<TargetConfig>): void;
}

export const FAST_TIMING = { retryBaseMs: 20, healthBaseMs: 50 };

export function useSshFixture(options: { env?: string } = {}): SshFixture {
  const f = {} as SshFixture & { temp: ReturnType<typeof tempDir> };
  before(async function () {
    if (sshdUnavailable()) this.skip();
    f.temp = tempDir('deploy-agent-ssh-');
    f.sshd = await startSshd(path.join(f.temp.path, 'sshd'));
  });
  after(async () => {
    await f.sshd?.stop();
    f.temp?.cleanup();
  });
  beforeEach(async () => {
    f.dir = path.join(f.temp.path, `run-${Date.now()}-${Math.random().toString(16).slice(2, 6)}`);
    f.store = openHistoryStore(path.join(f.dir, 'history.db'));
    f.repo = path.join(f.dir, 'app');
    f.root = f.sshd.ownedDir(path.join(f.dir, 'target'));
    createApp(f.repo, '1.0.0');
    f.port = await freePort();
    f.sshd.ownedDir(path.join(f.root, 'shared'));
    writeFileSync(path.join(f.root, 'shared', '.env'), `PORT=${f.port}\n`);
  });
  afterEach(() => {
    stopTargetApp(f.root);
    f.store.close();
  });
  f.target = (extra = {}) => resolveTarget('staging', config(f, options.env, extra), null);
  f.releaser = (extra = {}) => new Releaser({ store: f.store, timing: FAST_TIMING, ...extra });
  f.writeConfig = (extra = {}) => {
    mkdirSync(path.join(f.repo, '.deploy-agent'), { recursive: true });
    writeFileSync(path.join(f.repo, '.deploy-agent', 'config.json'), JSON.stringify({ targets: { staging: config(f, options.env, extra) } }, null, 2));
  };
  return f;
}

function config(f: SshFixture, environment: string | undefined, extra: Partial<TargetConfig>): TargetConfig {
  return {
    type: 'ssh',
    hosts: [`127.0.0.1:${f.sshd.port}`],
    user: f.sshd.user,
    identityFile: f.sshd.clientKey,
    knownHosts: f.sshd.knownHosts,
    path: f.root,
    environment: environment ?? 'staging',
    shared: ['.env'],
    steps: { install: 'echo installing' },
    start: `${process.execPath} server.js`,
    healthCheck: { url: `http://127.0.0.1:${f.port}/health`, timeoutMs: 8000 },
    watch: { minutes: 0 },
    ...extra,
  };
}

export async function release(f: SshFixture, extra: Partial<TargetConfig> = {}, releaserOptions: Partial<ReleaserOptions> = {}) {
  return f.releaser(releaserOptions).release({ target: f.target(extra), repoPath: f.repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
}

export { freePort };
