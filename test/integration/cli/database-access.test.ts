import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { CLI_PATH } from '../../support/cli';

/**
 * Permissions are only real for a user that is not root (root reads and writes any file). The
 * tests run as root in CI: there the CLI runs as `nobody` through setpriv; as any other user it
 * runs as that user, on files whose mode takes the access away.
 */
const asRoot = process.getuid?.() === 0;

function runCliAs(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const command = asRoot ? 'setpriv' : process.execPath;
  const argv = asRoot ? ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, CLI_PATH, ...args] : [CLI_PATH, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env: { ...process.env, HOME: os.tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a history database this user may not use (built CLI, another uid when run as root)', function () {
  this.timeout(60_000);
  let dir: string;
  let db: string;
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-dbaccess-'));
    db = path.join(dir, 'history.db');
    const store = openHistoryStore(db);
    new DeploymentsRepository(store.db).insert({ id: 'keepme01', repoPath: '/r', title: 'a deployment worth keeping', status: 'succeeded', createdAt: Date.now() });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
  });
  afterEach(() => {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });

  it('unreadable (permission denied) but healthy: refused with what to do, never moved aside or replaced', async () => {
    chmodSync(dir, 0o777);
    chmodSync(db, asRoot ? 0o600 : 0o000); // root's own file, or this user's without any access
    const before = readdirSync(dir).sort();
    const result = await runCliAs(['--db', db, 'list', '--json'], {});
    chmodSync(db, 0o600);
    assert.equal(result.code, 1, result.stderr);
    const error = (JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } }).error;
    assert.equal(error.code, 'DB_PERMISSION_DENIED');
    assert.match(error.message, /cannot be opened by this user \(permission denied\)\. It is not damaged and was left as it is/);
    assert.match(error.hint, /--db PATH/);
    assert.deepEqual(readdirSync(dir).sort(), before, 'nothing moved aside, nothing created');
    const store = openHistoryStore(db);
    try {
      assert.equal(new DeploymentsRepository(store.db).get('keepme01')?.title, 'a deployment worth keeping');
    } finally {
      store.close();
    }
  });

  it('read-only (the file, or its folder): a deployment is refused with a clear error before anything runs, not "a bug"', async () => {
    for (const [fileMode, dirMode, why] of [
      [0o644, 0o777, /may read the file but not write it/],
      [asRoot ? 0o666 : 0o644, 0o755, asRoot ? /may not write in its folder/ : /may read the file but not write it/],
    ] as const) {
      chmodSync(dir, dirMode);
      chmodSync(db, fileMode);
      if (!asRoot && dirMode === 0o755) chmodSync(dir, 0o555);
      const bytes = readFileSync(db);
      const result = await runCliAs(['--db', db, 'deploy', path.join(dir, 'missing.json'), '--workspace', dir, '--json'], {});
      assert.equal(result.code, 1, result.stderr);
      const error = (JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } }).error;
      assert.equal(error.code, 'DB_READ_ONLY', error.message);
      assert.match(error.message, why);
      assert.doesNotMatch(result.stderr, /bug/i);
      assert.deepEqual(readFileSync(db), bytes, 'the file is untouched');
    }
  });
});
