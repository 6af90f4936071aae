import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sandboxRoot } from '../../../src/core/sandbox/worktree';
import { openHistoryStore } from '../../../src/core/store/database';
import { CLI_PATH } from '../../support/cli';
import { useHarnesses, scriptPlantedFailure, userState, type Harness } from './harness';
import { git } from './repos';

/** Everything of the repository a cancelled deployment could leave changed: the user's files, every ref, the worktrees, the sandbox folder, the lock. */
function repositoryState(h: Harness): Record<string, unknown> {
  const root = git(h.repo.dir, 'rev-parse', '--show-toplevel');
  return {
    user: userState(h.repo.dir).digest,
    refs: git(h.repo.dir, 'for-each-ref', '--format=%(refname) %(objectname)'),
    worktrees: git(h.repo.dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')),
    sandboxFolder: existsSync(sandboxRoot(root)),
    lock: existsSync(path.join(h.repo.dir, '.git', 'deploy-agent.lock')),
  };
}

function statusOf(h: Harness): string {
  const store = openHistoryStore(h.db);
  try {
    return (store.db.prepare('SELECT status FROM deployments ORDER BY created_at DESC LIMIT 1').get() as { status: string }).status;
  } finally {
    store.close();
  }
}

describe('a cancel at every point leaves the repository exactly as it was (built CLI, real git)', function () {
  this.timeout(600_000);
  const harnesses = useHarnesses();

  it('Ctrl-C as each step starts: refs, worktrees, the sandbox folder, the lock and the user files are as before', async () => {
    for (const step of ['validate', 'safety', 'context', 'strategy', 'sandbox', 'implement', 'write-tests', 'run-tests', 'repair', 'review', 'commit']) {
      const h = await harnesses.create('node'); // a fresh model script and history for each
      const before = repositoryState(h);
      scriptPlantedFailure(h.ollama, 'node');
      const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json'], { DEPLOY_AGENT_TEST_CANCEL_AT_STEP: step });
      assert.equal(result.code, 130, `${step}: ${result.stderr}`);
      assert.equal(statusOf(h), 'cancelled', step);
      assert.deepEqual(repositoryState(h), before, `cancelled at ${step}`);
    }
  });

  it('Ctrl-C inside the worktree creation (git worktree add still checking out): no branch, no worktree, no folder left', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    // A post-checkout hook holds `git worktree add` after it made the branch and registered the worktree.
    const marker = path.join(h.root, 'checking-out');
    const hook = path.join(h.repo.dir, '.git', 'hooks', 'post-checkout');
    writeFileSync(hook, `#!/bin/sh\ntouch ${JSON.stringify(marker)}\nsleep 30\n`);
    chmodSync(hook, 0o755);
    const before = repositoryState(h);
    const child = spawn(process.execPath, [CLI_PATH, 'deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json'], { env: { ...process.env, ...h.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(marker), `git worktree add never got to its checkout: ${stderr}`);
    assert.equal(git(h.repo.dir, 'branch', '--list', 'deploy-agent/*') !== '', true, 'the branch exists while the worktree is being made');
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.equal(statusOf(h), 'cancelled');
    assert.deepEqual(repositoryState(h), before);
  });
});
