import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STEP_NAMES, type StepName } from '../../../src/core/pipeline/events';
import { planFor } from '../../../src/core/pipeline/plan';
import { openHistoryStore } from '../../../src/core/store/database';
import { StepsRepository } from '../../../src/core/store/steps';
import { CLI_PATH } from '../../support/cli';
import { createHarness, parseJson, scriptPlantedFailure, userState, type Harness } from './harness';
import { git } from './repos';

function stepRows(db: string, id: string) {
  const store = openHistoryStore(db);
  try {
    return new StepsRepository(store.db).list(id);
  } finally {
    store.close();
  }
}

async function newestId(h: Harness, env: Record<string, string>): Promise<string> {
  const list = await h.cli(['list', '--json'], env);
  assert.equal(list.code, 0, list.stderr);
  const { deployments } = parseJson(list) as { deployments: { id: string; status: string }[] };
  return deployments[0]!.id;
}

describe('SIGKILL at each step, then `deploy-agent resume` (built CLI)', function () {
  this.timeout(600_000);
  let h: Harness;
  let baseline: string;

  before(async () => {
    if (!existsSync(CLI_PATH)) throw new Error('dist/cli/cli.mjs is missing: run `npm run build` first');
    h = await createHarness('node');
    baseline = userState(h.repo.dir).digest;
  });
  after(async () => {
    await h?.close();
  });

  const plan: StepName[] = [...planFor('local-commit'), 'learn'];
  assert.ok(plan.every((s) => STEP_NAMES.includes(s)));

  for (const step of plan) {
    it(`killed when "${step}" starts, resumed to a consistent end`, async () => {
      scriptPlantedFailure(h.ollama, 'node');
      // A history of its own per case, so that no model answer comes from the response cache of an earlier case.
      const db = { DEPLOY_AGENT_DB: path.join(h.root, `history-${step}.db`) };
      const killed = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json'], { ...db, DEPLOY_AGENT_TEST_KILL_AT_STEP: step });
      assert.equal(killed.code, null, `the process should have been killed at ${step}; exit ${killed.code}\n${killed.stderr}`);
      assert.equal(killed.stdout, '', 'a killed deployment printed nothing on stdout');
      const id = await newestId(h, db);
      const listed = parseJson(await h.cli(['list', '--json'], db)) as { deployments: { id: string; status: string }[] };
      assert.equal(listed.deployments.find((d) => d.id === id)!.status, 'interrupted');

      const resumed = await h.cli(['resume', id, '--json'], db);
      const out = parseJson(resumed);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(out.status, 'succeeded');
      assert.equal(out.resumedFrom, step);
      assert.equal(out.repairs, 1, 'the one repair round of the deployment, whichever process made it');
      const branch = String(out.branch);
      assert.equal(git(h.repo.dir, 'rev-parse', branch), out.commit);
      assert.equal(git(h.repo.dir, 'rev-list', '--count', `main..${branch}`), '1', 'exactly one commit on the branch');
      assert.match(git(h.repo.dir, 'show', `${branch}:test/mul.test.js`), /mul\(2, 3\), 6/);
      assert.match(git(h.repo.dir, 'show', `${branch}:src/calc.js`), /function mul/);
      assert.equal(git(h.repo.dir, 'ls-tree', '-r', '--name-only', branch).split('\n').filter((f) => !['.gitignore', 'README.md', 'package.json', 'src/calc.js', 'test/calc.test.js', 'test/mul.test.js'].includes(f)).length, 0, 'no stray file in the commit');
      assert.deepEqual(git(h.repo.dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('branch refs/heads/deploy-agent/')), []);
      assert.equal(userState(h.repo.dir).digest, baseline, 'the user working tree is byte-identical');
      assert.equal(h.ollama.remaining(), 0, 'every scripted model turn used exactly once');

      const rows = stepRows(db.DEPLOY_AGENT_DB, id);
      const interrupted = rows.filter((r) => r.errorCode === 'INTERRUPTED').map((r) => r.name);
      assert.deepEqual(interrupted, [step]);
      for (const name of plan) assert.equal(rows.filter((r) => r.name === name && (r.status === 'succeeded' || r.status === 'skipped')).length, 1, `${name} completed once`);
    });
  }

  it('killed in the middle of a model phase (files half-written), resumed: the sandbox is put back and the phase redone', async () => {
    // First life: the model writes a changed src/calc.js and a half-done file, then "thinks" until killed.
    h.ollama.script('implement', () => {
      h.ollama.fail({ kind: 'delay', ms: 20_000 }, 'implement');
      return {
        toolCalls: [
          { name: 'write_file', arguments: { path: 'src/calc.js', content: 'function add(a, b) {\n  return a - b; // half-done\n}\n' } },
          { name: 'write_file', arguments: { path: 'src/half-done.js', content: 'module.exports = {' } },
        ],
      };
    });
    const db = { DEPLOY_AGENT_DB: path.join(h.root, 'history-mid-phase.db') };
    // Without the response cache: otherwise the second life would replay the first life's answer (the same half-done writes).
    const config = path.join(h.root, 'no-cache.json');
    writeFileSync(config, JSON.stringify({ 'ai.cacheTtlSeconds': 0 }));
    const child = spawn(process.execPath, [CLI_PATH, '--config', config, 'deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json'], {
      env: { ...process.env, ...h.env, ...db },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let worktree = '';
    let id = '';
    for (let i = 0; i < 400 && !worktree; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const lines = git(h.repo.dir, 'worktree', 'list', '--porcelain').split('\n\n');
      const block = lines.find((b) => /branch refs\/heads\/deploy-agent\//.test(b) && existsSync(path.join(/^worktree (.+)$/m.exec(b)![1]!, 'src', 'half-done.js')));
      if (block) {
        worktree = /^worktree (.+)$/m.exec(block)![1]!;
        id = /-([0-9a-f]{8})$/m.exec(/^branch refs\/heads\/(.+)$/m.exec(block)![1]!)![1]!;
      }
    }
    assert.ok(worktree, 'the model wrote into the sandbox');
    child.kill('SIGKILL');
    assert.equal(await exited, null);

    // Second life: the real script.
    scriptPlantedFailure(h.ollama, 'node');
    const resumed = await h.cli(['--config', config, 'resume', id, '--json'], db);
    const out = parseJson(resumed);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(out.status, 'succeeded');
    assert.equal(out.resumedFrom, 'implement');
    const branch = String(out.branch);
    assert.deepEqual(git(h.repo.dir, 'ls-tree', '-r', '--name-only', branch).split('\n').sort(), ['.gitignore', 'README.md', 'package.json', 'src/calc.js', 'test/calc.test.js', 'test/mul.test.js']);
    assert.match(git(h.repo.dir, 'show', `${branch}:src/calc.js`), /return a \+ b;[\s\S]*function mul/);
    assert.equal(userState(h.repo.dir).digest, baseline);
  });
});
