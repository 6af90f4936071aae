import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CLI_PATH } from '../../support/cli';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { tempDir } from '../../support/temp';
import { useHarnesses } from '../pipeline/harness';
import path from 'node:path';

/** Runs the built CLI with its stdout pipe closed by the reader at once, as `deploy-agent … | head -0` would. */
function runWithClosedStdout(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader went away: every write of the CLI to stdout fails with EPIPE
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('deploy-agent with its output closed (built CLI)', function () {
  this.timeout(180_000);
  const harnesses = useHarnesses();

  it('`list | head -1`: a closed stdout stops the printing, not the process (exit 0, no EPIPE stack trace)', async () => {
    const dir = tempDir();
    try {
      const db = path.join(dir.path, 'history.db');
      const store = openHistoryStore(db);
      const now = Date.now();
      new DeploymentsRepository(store.db).insertMany(Array.from({ length: 3000 }, (_, i) => ({ id: `a${String(i).padStart(7, '0')}`, repoPath: '/tmp/x', title: `earlier ${i}`, status: 'failed' as const, createdAt: now - i })));
      store.close();
      const result = await runWithClosedStdout(['list', '-n', '3000'], { DEPLOY_AGENT_DB: db });
      assert.doesNotMatch(result.stderr, /EPIPE|Unhandled|at .*cli\.mjs/);
      assert.equal(result.code, 0, result.stderr);
    } finally {
      dir.cleanup();
    }
  });

  it('`deploy … | head -1`: the deployment goes on to its end and is recorded as succeeded', async () => {
    const h = await harnesses.create('node');
    const { scriptPlantedFailure } = await import('../pipeline/harness');
    scriptPlantedFailure(h.ollama, 'node');
    const result = await runWithClosedStdout(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--verbose'], h.env, h.repo.dir);
    assert.doesNotMatch(result.stderr, /EPIPE|Unhandled/);
    assert.equal(result.code, 0, result.stderr);
    const store = openHistoryStore(h.db);
    try {
      const rows = store.db.prepare(`SELECT status FROM deployments`).all() as { status: string }[];
      assert.deepEqual(rows, [{ status: 'succeeded' }]);
    } finally {
      store.close();
    }
  });
});
