import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { CLI_PATH } from '../../support/cli';
import { useHarnesses, parseJson, scriptPlantedFailure, userState } from './harness';
import { git } from './repos';

const errorCode = (out: Record<string, unknown>) => (out.error as { code?: string } | null)?.code;
const sandboxes = (repo: string) => git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('branch refs/heads/deploy-agent/'));

async function waitForStep(db: string, step: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(db)) {
      const store = openHistoryStore(db);
      try {
        if (store.db.prepare(`SELECT 1 FROM deployment_steps WHERE name = ? AND status = 'running'`).get(step)) return;
      } finally {
        store.close();
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`step ${step} never started`);
}

describe('deploy-agent deploy: safety gates refuse what they should (built CLI)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();

  it('an invalid recommendation is refused with the field named, before any model call', async () => {
    const h = await harnesses.create('node', { recommendation: { title: 'No description', priority: 'urgent' } });
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 1);
    assert.equal(errorCode(out), 'RECOMMENDATION_INVALID');
    assert.match(String((out.error as { message: string }).message), /"description" is required[\s\S]*"priority" must be one of/);
    assert.equal(h.ollama.chats.length, 0);
    assert.deepEqual(sandboxes(h.repo.dir), []);
  });

  it('a folder that is not a git repository, and a repository without a commit, are refused', async () => {
    const h = await harnesses.create('node');
    const plain = path.join(h.root, 'plain');
    mkdirSync(plain);
    const a = parseJson(await h.cli(['deploy', h.recommendation, '--workspace', plain, '--json']));
    assert.equal(errorCode(a), 'NOT_A_GIT_REPO');
    const empty = path.join(h.root, 'empty');
    mkdirSync(empty);
    git(empty, 'init', '-q');
    const b = await h.cli(['deploy', h.recommendation, '--workspace', empty, '--json']);
    assert.equal(b.code, 1);
    assert.equal(errorCode(parseJson(b)), 'NO_COMMITS');
    assert.equal(h.ollama.chats.length, 0);
  });

  it('no reachable model: refused before the sandbox is made', async () => {
    const h = await harnesses.create('node');
    const before = userState(h.repo.dir).digest;
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--json'], { OLLAMA_HOST: 'http://127.0.0.1:9' });
    const out = parseJson(result);
    assert.equal(result.code, 1);
    assert.equal(errorCode(out), 'NO_MODEL_AVAILABLE');
    assert.deepEqual(sandboxes(h.repo.dir), []);
    assert.equal(userState(h.repo.dir).digest, before);
  });

  it('an open circuit breaker refuses; --force --reason overrides it and records the reason; --force alone is a usage error', async () => {
    const h = await harnesses.create('node');
    const root = git(h.repo.dir, 'rev-parse', '--show-toplevel');
    const store = openHistoryStore(h.db);
    try {
      const now = Date.now();
      new DeploymentsRepository(store.db).insertMany(
        Array.from({ length: 6 }, (_, i) => ({ id: `f00000${i}0`, repoPath: root, title: 'earlier', status: 'failed' as const, createdAt: now - 60_000, finishedAt: now - 1000 * (i + 1) })),
      );
    } finally {
      store.close();
    }
    const refused = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--json']);
    assert.equal(refused.code, 1);
    assert.equal(errorCode(parseJson(refused)), 'CIRCUIT_OPEN');
    assert.equal(h.ollama.chats.length, 0);

    const usage = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--force']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--force needs --reason/);

    scriptPlantedFailure(h.ollama, 'node');
    const forced = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--force', '--reason', 'hotfix for the outage', '--json']);
    const out = parseJson(forced);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(out.status, 'succeeded');
    const check = openHistoryStore(h.db);
    try {
      const decision = check.db.prepare(`SELECT kind, reason FROM decisions WHERE deployment_id = ? AND kind = 'circuit-override'`).get(out.id) as { kind: string; reason: string };
      assert.equal(decision.reason, 'hotfix for the outage');
    } finally {
      check.close();
    }
  });

  it('a second deployment on the same repository is refused with --no-wait, and queues behind the first without it', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    scriptPlantedFailure(h.ollama, 'node'); // the queued one (its first answers may come from the response cache)
    h.ollama.fail({ kind: 'delay', ms: 8000 }, 'implement'); // long enough for the second CLI to start on a loaded machine
    const first = h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--json']);
    await waitForStep(h.db, 'implement');

    const refused = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--no-wait', '--json']);
    const refusedOut = parseJson(refused);
    assert.equal(refused.code, 1);
    assert.equal(errorCode(refusedOut), 'REPOSITORY_BUSY');
    assert.equal(refusedOut.status, 'refused');

    const queued = h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--json']);
    const [a, b] = await Promise.all([first, queued]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const store = openHistoryStore(h.db);
    try {
      const repo = new DeploymentsRepository(store.db);
      const firstRow = repo.get(String(parseJson(a).id))!;
      const secondSteps = store.db.prepare(`SELECT started_at AS s FROM deployment_steps WHERE deployment_id = ? AND name = 'context'`).get(String(parseJson(b).id)) as { s: number };
      assert.ok(secondSteps.s >= firstRow.finishedAt! - 50, 'the queued deployment went on only after the first had ended');
    } finally {
      store.close();
    }
  });

  it('Ctrl-C cancels cleanly: exit 130, status cancelled, worktree and branch removed, lock released, user tree untouched', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    h.ollama.fail({ kind: 'delay', ms: 15_000 }, 'implement');
    const before = userState(h.repo.dir).digest;
    const child = spawn(process.execPath, [CLI_PATH, 'deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json'], { env: { ...process.env, ...h.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitForStep(h.db, 'implement');
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(out.status, 'cancelled');
    assert.deepEqual(sandboxes(h.repo.dir), []);
    assert.equal(git(h.repo.dir, 'branch', '--list', 'deploy-agent/*'), '');
    assert.equal(existsSync(path.join(h.repo.dir, '.git', 'deploy-agent.lock')), false);
    assert.equal(userState(h.repo.dir).digest, before);
    // The lock is free: the next deployment runs at once.
    scriptPlantedFailure(h.ollama, 'node');
    const next = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--no-wait', '--json']);
    assert.equal(next.code, 0, next.stderr);
  });

  it('credentials that reach the sandbox (here: written by a generated test when it runs) are refused at review; nothing is committed', async () => {
    const h = await harnesses.create('node');
    const finish = { toolCalls: [{ name: 'finish', arguments: { summary: 'done' } }] };
    h.ollama.script('implement', { toolCalls: [{ name: 'write_file', arguments: { path: 'src/mul.js', content: 'module.exports = (a, b) => a * b;\n' } }] }, finish);
    // The agent's own write checks would block a literal key, so the test builds it at run time and writes it to disk.
    const testFile =
      "const test = require('node:test');\nconst assert = require('node:assert');\nconst fs = require('node:fs');\n" +
      "test('mul', () => {\n  fs.mkdirSync('config', { recursive: true });\n  fs.writeFileSync('config/aws.json', JSON.stringify({ accessKeyId: 'AK' + 'IA' + 'ABCDEFGHIJKLMNOP' }));\n  assert.equal(require('../src/mul')(2, 3), 6);\n});\n";
    h.ollama.script('tests', { toolCalls: [{ name: 'write_file', arguments: { path: 'test/mul.test.js', content: testFile } }] }, finish);
    const before = userState(h.repo.dir).digest;
    // conservative runs the whole suite (the fixture's test and the generated one); left to auto, the
    // machine's load chose it (conservative above 80% CPU, else balanced, which runs the changed test only).
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--strategy', 'conservative', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(errorCode(out), 'CREDENTIALS_IN_CHANGE');
    assert.match(String((out.error as { message: string }).message), /config\/aws\.json:1 \(aws-access-key\)/);
    assert.deepEqual(out.tests, { passed: 2, failed: 0, skipped: 0 });
    assert.equal(out.commit, null);
    assert.equal(git(h.repo.dir, 'branch', '--list', 'deploy-agent/*'), '');
    assert.equal(userState(h.repo.dir).digest, before);
  });
});
