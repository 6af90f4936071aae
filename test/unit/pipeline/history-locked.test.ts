import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Orchestrator } from '../../../src/core/pipeline/orchestrator';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { tempDir } from '../../support/temp';
import { passing, scriptedPorts } from './scripted-ports';

/** Another process takes the write lock of `file` and gives it back after `holdMs`. */
function holdFor(file: string, holdMs: number): Promise<ChildProcess> {
  const script = `const D=require(${JSON.stringify(require.resolve('better-sqlite3'))});const d=new D(${JSON.stringify(file)});d.exec('BEGIN IMMEDIATE');process.stdout.write('locked\\n');setTimeout(()=>{d.exec('COMMIT');d.close();process.exit(0);},${holdMs});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => code !== 0 && reject(new Error(`lock holder exited early (${code})`)));
  });
}

describe('pipeline: a history write that waited too long', function () {
  this.timeout(30_000);
  let dir: ReturnType<typeof tempDir>;
  let store: HistoryStore;
  let holder: ChildProcess | undefined;
  beforeEach(() => {
    dir = tempDir();
    store = openHistoryStore(path.join(dir.path, 'history.db'), { busyTimeoutMs: 1000 });
  });
  afterEach(() => {
    holder?.kill('SIGKILL');
    store.close();
    dir.cleanup();
  });

  it('stops the run as DB_LOCKED naming the holder, keeps the sandbox with the finished implementation, and `resume` continues it', async () => {
    let first = true;
    const ports = scriptedPorts({
      // The tests ran; while they did, another process took the database (released 1.6 s later).
      runTests: async () => {
        ports.calls.push('runTests');
        if (first) {
          first = false;
          holder = await holdFor(store.path, 1600);
        }
        return passing();
      },
    });
    const orchestrator = new Orchestrator({ db: store.db, ports });
    const outcome = await orchestrator.deploy(
      { recommendationFile: path.join(dir.path, 'rec.json'), workspaceDir: dir.path, mode: 'local-commit', strategy: 'auto', keepWorktree: false, wait: false },
      new AbortController().signal,
    );
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.code, 'DB_LOCKED');
    assert.match(outcome.error!.message, new RegExp(`pid ${holder!.pid} \\(`));
    assert.doesNotMatch(`${outcome.error!.message} ${outcome.error!.hint}`, /bug/i);
    assert.deepEqual(ports.removed, [], 'the sandbox with the implementation is not removed');
    assert.equal(outcome.worktree, '/tmp/sandbox-x', 'the outcome says where the work is');

    const resumed = await orchestrator.resume(outcome.id, new AbortController().signal);
    assert.equal(resumed.status, 'succeeded', resumed.error?.message);
    assert.equal(resumed.resumedFrom, 'run-tests');
    assert.ok(ports.calls.includes('commit'));
    assert.equal(ports.calls.filter((c) => c === 'phase:implement').length, 1, 'the implementation was not done again');
  });
});
