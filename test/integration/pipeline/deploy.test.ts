import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { EventsRepository, StepsRepository } from '../../../src/core/store/steps';
import { useHarnesses, parseJson, RECOMMENDATION, scriptPlantedFailure, userState, type Harness } from './harness';
import { git } from './repos';

function steps(h: Harness, id: string): string[] {
  const store = openHistoryStore(h.db);
  try {
    return new StepsRepository(store.db).list(id).map((s) => `${s.name}:${s.status}`);
  } finally {
    store.close();
  }
}

/** The `recovery` events of a deployment: which error pattern each repair round answered and whether it worked. */
function recoveries(h: Harness, id: string): { patternId?: string; action: string; automatic: boolean; succeeded: boolean; round: number; durationMs: number }[] {
  const store = openHistoryStore(h.db);
  try {
    return new EventsRepository(store.db).list(id, 'recovery').map((e) => e.payload as ReturnType<typeof recoveries>[number]);
  } finally {
    store.close();
  }
}

function deployAgentWorktrees(repo: string): string[] {
  return git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('branch refs/heads/deploy-agent/'));
}

describe('deploy-agent deploy (built CLI, real git repositories, fake model)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();

  for (const kind of ['node', 'python'] as const) {
    it(`${kind}: a dry run implements, tests, repairs the planted failure once, then removes its worktree and branch`, async () => {
      const h = await harnesses.create(kind);
      scriptPlantedFailure(h.ollama, kind);
      const before = userState(h.repo.dir);

      const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json']);

      const out = parseJson(result);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(out.status, 'succeeded');
      assert.equal(out.repairs, 1);
      assert.deepEqual(out.tests, { passed: (out.tests as { passed: number }).passed, failed: 0, skipped: 0 });
      assert.ok((out.tests as { passed: number }).passed >= 2);
      assert.equal(out.branch, null);
      assert.equal(out.commit, null);
      assert.deepEqual(deployAgentWorktrees(h.repo.dir), []);
      assert.equal(git(h.repo.dir, 'branch', '--list', 'deploy-agent/*'), '');
      assert.equal(userState(h.repo.dir).digest, before.digest, 'the user working tree, index and stash are byte-identical');
      assert.equal(h.ollama.remaining(), 0, 'the whole script was used: implement, tests, fix');
      const recovered = recoveries(h, String(out.id));
      assert.equal(recovered.length, 1, 'one repair round recorded');
      assert.equal(recovered[0]!.action, 'fix');
      assert.equal(recovered[0]!.automatic, true);
      assert.equal(recovered[0]!.succeeded, true, 'the recorded recovery worked');
      assert.ok(recovered[0]!.patternId, 'the failure was matched to an error pattern');
      assert.deepEqual(
        steps(h, String(out.id)),
        ['validate', 'safety', 'context', 'strategy', 'sandbox', 'implement', 'write-tests', 'run-tests', 'repair', 'review', 'learn'].map((s) => `${s}:succeeded`),
      );
    });
  }

  it('local-commit: the change is committed on its own branch (kept), nothing is pushed, the worktree is removed', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const before = userState(h.repo.dir);
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(out.status, 'succeeded');
    const branch = String(out.branch);
    assert.match(branch, /^deploy-agent\/add-multiplication-[0-9a-f]{8}$/);
    assert.equal(git(h.repo.dir, 'rev-parse', branch), out.commit);
    assert.match(git(h.repo.dir, 'show', '--stat', '--format=%s%n%b', branch), /Add multiplication[\s\S]*rec-mul[\s\S]*test\/mul\.test\.js/);
    assert.match(git(h.repo.dir, 'show', `${branch}:test/mul.test.js`), /mul\(2, 3\), 6/);
    assert.equal(git(h.repo.origin, 'branch', '--list', 'deploy-agent/*'), '', 'nothing pushed');
    const report = out.report as { json: string; markdown: string };
    const json = JSON.parse(readFileSync(report.json, 'utf8')) as { status: string; steps: { name: string }[]; tests: { failed: number }[] };
    assert.equal(json.status, 'succeeded');
    assert.deepEqual(json.tests.map((t) => t.failed), [1, 0]);
    assert.equal(json.steps.length, 12);
    assert.match(readFileSync(report.markdown, 'utf8'), /\| repair \| succeeded \| \d+ ms \|/);
    assert.deepEqual(deployAgentWorktrees(h.repo.dir), []);
    assert.equal(userState(h.repo.dir).digest, before.digest);
  });

  it('missing data the recommendation needs is reported before any model call', async () => {
    const h = await harnesses.create('node', { recommendation: { ...RECOMMENDATION, dataRequirements: { tables: ['orders'], features: [] } } });
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 0, result.stderr);
    assert.ok((out.warnings as string[]).some((w) => /needs data the repository does not declare: .*orders/.test(w)), JSON.stringify(out.warnings));
    const store = openHistoryStore(h.db);
    try {
      const rows = store.db.prepare(`SELECT type, payload FROM events WHERE deployment_id = ? ORDER BY id`).all(out.id) as { type: string; payload: string }[];
      const gap = rows.findIndex((r) => r.type === 'log' && /orders/.test(r.payload));
      const implement = rows.findIndex((r) => r.type === 'step.started' && /"implement"/.test(r.payload));
      assert.ok(gap >= 0 && gap < implement, 'the gap is logged before the implement phase starts');
    } finally {
      store.close();
    }
  });

  it('--keep-worktree keeps the sandbox for inspection; `clean` removes it afterwards', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--keep-worktree', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(String(out.worktree)));
    assert.ok(existsSync(path.join(String(out.worktree), 'test', 'mul.test.js')));
    const clean = await h.cli(['clean', '--workspace', h.repo.dir, '--json']);
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal((parseJson(clean).removed as unknown[]).length, 1);
    assert.equal(existsSync(String(out.worktree)), false);
    assert.deepEqual(deployAgentWorktrees(h.repo.dir), []);
  });

  it('prints live progress as plain lines on stderr when not a terminal, and the summary on stdout', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /▶ Implement the change/);
    assert.match(result.stderr, /⚠ Run the tests .* 1 failed, 0 skipped — 1 test failed/);
    assert.match(result.stderr, /✔ Repair failing tests .* 0 failed, 0 skipped after 1 repair/);
    assert.match(result.stdout, /^Deployment [0-9a-f]{8}: succeeded/);
    assert.doesNotMatch(result.stdout, /▶/);
  });

  it('exits 1 with the failing test named when the repair rounds do not fix it, and ships nothing', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node', { repair: false }); // every fix phase just finishes: the planted failure stays
    const before = userState(h.repo.dir);
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 1);
    assert.equal(out.status, 'failed');
    assert.equal((out.error as { code: string }).code, 'TESTS_FAILED');
    assert.match((out.error as { message: string }).message, /mul\(2, 3\) returns 6/);
    assert.ok(Number(out.repairs) >= 1);
    const recovered = recoveries(h, String(out.id));
    assert.ok(recovered.length >= 1);
    assert.ok(recovered.every((r) => !r.succeeded), 'no recorded recovery claims to have worked');
    assert.equal(out.commit, null);
    assert.equal(git(h.repo.dir, 'branch', '--list', 'deploy-agent/*'), '', 'no branch left: nothing was committed');
    assert.deepEqual(deployAgentWorktrees(h.repo.dir), []);
    assert.equal(userState(h.repo.dir).digest, before.digest);
  });
});
