import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { useHarnesses, parseJson, scriptPlantedFailure } from './harness';
import { git } from './repos';

/**
 * Another process (here: a plain better-sqlite3 connection, as `deploy-agent learning rebuild` or a
 * second deployment would be) takes the history database's write lock when the deployment starts
 * running its tests, and keeps it for `holdMs`.
 */
function holdLockAtStep(db: string, step: string, holdMs: number): { child: ChildProcess; locked: Promise<void>; done: Promise<void> } {
  const script = `
    const D = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const wait = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    let d;
    for (;;) {
      try {
        d = d || new D(${JSON.stringify(db)}, { timeout: 60000 });
        if (d.prepare("SELECT 1 FROM deployment_steps WHERE name = ? AND status = 'running'").get(${JSON.stringify(step)})) break;
      } catch {}
      wait(20);
    }
    d.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { d.exec('COMMIT'); d.close(); process.exit(0); }, ${holdMs});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, locked, done };
}

describe('the history database locked by another process during a deployment (built CLI, real SQLite)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();
  const holders: ChildProcess[] = [];
  afterEach(() => holders.splice(0).forEach((c) => c.kill('SIGKILL')));

  it('a lock held for 7 s is waited for (busy timeout): the deployment ends as if nothing happened', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const holder = holdLockAtStep(h.db, 'run-tests', 7000);
    holders.push(holder.child);
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json']);
    await holder.locked;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(parseJson(result).status, 'succeeded');
  });

  it('a lock held longer than the wait: stopped with the holder named (never "a bug"), the work kept, and `resume` finishes it once the lock is gone', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const holder = holdLockAtStep(h.db, 'run-tests', 10_000);
    holders.push(holder.child);
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json'], { DEPLOY_AGENT_DB_BUSY_TIMEOUT_SECONDS: '1' });
    await holder.locked;
    assert.equal(result.code, 1, result.stderr);
    const error = parseJson(result).error as { code: string; message: string; hint: string };
    assert.equal(error.code, 'DB_LOCKED', error.message);
    assert.match(error.message, new RegExp(`Another process holds the history database at .*history\\.db: pid ${holder.child.pid} \\(`));
    assert.match(error.hint, /deploy-agent resume ID/);
    assert.doesNotMatch(result.stdout + result.stderr, /UNEXPECTED|bug/i);

    // The implementation is still there, in the sandbox on its branch.
    const worktrees = git(h.repo.dir, 'worktree', 'list', '--porcelain').split('\n\n').filter((b) => b.includes('branch refs/heads/deploy-agent/'));
    assert.equal(worktrees.length, 1, 'the sandbox is kept');
    const sandbox = /^worktree (.+)$/m.exec(worktrees[0]!)![1]!;
    assert.match(readFileSync(path.join(sandbox, 'src/calc.js'), 'utf8'), /function mul/);

    await holder.done;
    const store = openHistoryStore(h.db);
    const id = (store.db.prepare('SELECT id FROM deployments').get() as { id: string }).id;
    store.close();
    const resumed = await h.cli(['resume', id, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const out = parseJson(resumed);
    assert.equal(out.status, 'succeeded');
    assert.match(git(h.repo.dir, 'show', `${String(out.branch)}:src/calc.js`), /function mul/);
    assert.equal(existsSync(sandbox), false, 'the sandbox is removed once the deployment ended');
  });
});
