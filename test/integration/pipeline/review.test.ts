import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { collectReviewData } from '../../../src/core/report/review-data';
import { openHistoryStore } from '../../../src/core/store/database';
import { PullRequestsApi } from './github-api';
import { parseJson, scriptPlantedFailure, userState, useHarnesses, type Harness } from './harness';
import { git } from './repos';

interface Listed {
  id: string;
  status: string;
  mode: string;
  branch: string | null;
  error: { code: string } | null;
}

/** The review pause through the built CLI: deploy --mode review, retest, ship, discard, clean, and a kill during ship. */
describe('deploy-agent deploy --mode review, ship, discard, retest (built CLI, real git, fake model)', function () {
  this.timeout(600_000);
  const harnesses = useHarnesses();

  async function listed(h: Harness, id: string): Promise<Listed> {
    const list = await h.cli(['list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    return (parseJson(list) as unknown as { deployments: Listed[] }).deployments.find((d) => d.id === id)!;
  }

  /** A node fixture with a deployment waiting for review; returns its id and sandbox worktree. */
  async function reviewed(h: Harness): Promise<{ id: string; worktree: string; branch: string }> {
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'review', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(out.status, 'awaiting-review');
    assert.equal(out.goalReached, true);
    assert.equal(out.commit, null);
    const worktree = String(out.worktree);
    assert.ok(existsSync(path.join(worktree, 'test', 'mul.test.js')), 'the sandbox with the change is kept');
    return { id: String(out.id), worktree, branch: String(out.branch) };
  }

  const sandboxes = (h: Harness) => git(h.repo.dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('branch refs/heads/deploy-agent/'));

  it('stops in awaiting-review, survives `clean`, takes the user’s edit through retest into the commit of `ship --mode local-commit`', async () => {
    const h = await harnesses.create('node');
    const baseline = userState(h.repo.dir).digest;
    const { id, worktree, branch } = await reviewed(h);
    assert.equal(userState(h.repo.dir).digest, baseline, 'the user’s working tree is untouched');

    // What the panel's review shows, from the history and the sandbox.
    const store = openHistoryStore(h.db);
    try {
      const review = (await collectReviewData(store.db, id))!;
      assert.equal(review.awaitingReview, true);
      assert.equal(review.sandboxPath, worktree);
      assert.deepEqual(review.files.map((f) => [f.path, f.change]).sort(), [['src/calc.js', 'modified'], ['test/mul.test.js', 'added']]);
      const mulTests = review.tests.find((t) => t.path === 'test/mul.test.js')!;
      assert.deepEqual([mulTests.passed, mulTests.failed, mulTests.generated], [2, 0, true]);
      assert.deepEqual(mulTests.tests.map((t) => [t.name, t.line]), [['mul(2, 3) returns 6', 5], ['mul(-1, 4) returns -4', 9]], 'each test with its line (node --test through its own reporter)');
      assert.equal(review.requirements.length, 2);
    } finally {
      store.close();
    }
    assert.equal((await listed(h, id)).status, 'awaiting-review');
    const plain = await h.cli(['list']);
    assert.match(plain.stdout, new RegExp(`${id}  awaiting-review .*\\n.*deploy-agent ship ${id}`));

    // A new process (a restart) finds it, and `clean` leaves it alone.
    const cleaned = await h.cli(['clean', '--workspace', h.repo.dir, '--json']);
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.deepEqual((parseJson(cleaned) as { awaitingReview: string[] }).awaitingReview, [id]);
    assert.ok(existsSync(worktree), '`clean` removed a deployment under review');

    // The user edits the change in the sandbox: a third test, and a doc comment on mul.
    writeFileSync(path.join(worktree, 'test', 'mul.test.js'), `${readFileSync(path.join(worktree, 'test', 'mul.test.js'), 'utf8')}\ntest('mul(0, 9) returns 0', () => {\n  assert.equal(mul(0, 9), 0);\n});\n`);
    writeFileSync(path.join(worktree, 'src', 'calc.js'), readFileSync(path.join(worktree, 'src', 'calc.js'), 'utf8').replace('function mul', '/** The product of a and b. */\nfunction mul'));
    const retest = await h.cli(['retest', id, '--json']);
    const check = parseJson(retest);
    assert.equal(retest.code, 0, retest.stderr);
    assert.equal(check.ok, true);
    assert.equal(check.changed, true);
    assert.equal((check.tests as { passed: number }).passed, 4, 'the user’s new test ran with the others');
    assert.equal((await listed(h, id)).status, 'awaiting-review');

    const shipped = await h.cli(['ship', id, '--mode', 'local-commit', '--json']);
    const out = parseJson(shipped);
    assert.equal(shipped.code, 0, shipped.stderr);
    assert.equal(out.status, 'succeeded');
    assert.equal(out.mode, 'local-commit');
    assert.equal(out.branch, branch, 'the branch of the review');
    assert.equal(git(h.repo.dir, 'rev-parse', branch), out.commit);
    assert.equal(git(h.repo.dir, 'rev-list', '--count', `main..${branch}`), '1');
    assert.match(git(h.repo.dir, 'show', `${branch}:test/mul.test.js`), /mul\(0, 9\) returns 0/);
    assert.match(git(h.repo.dir, 'show', `${branch}:src/calc.js`), /The product of a and b/);
    assert.match(git(h.repo.dir, 'log', '-1', '--format=%B', branch), new RegExp(`deployment ${id}`));
    assert.deepEqual(sandboxes(h), [], 'the worktree is removed after the ship');
    assert.equal(userState(h.repo.dir).digest, baseline);
    const row = await listed(h, id);
    assert.equal(row.status, 'succeeded');
    assert.equal(row.mode, 'local-commit');

    const again = await h.cli(['ship', id, '--mode', 'local-commit', '--json']);
    assert.equal(again.code, 1);
    assert.equal((parseJson(again).error as { code: string }).code, 'NOT_AWAITING_REVIEW');
  });

  it('a user edit that breaks a test stops the ship before any commit; fixed, it ships', async () => {
    const h = await harnesses.create('node');
    const { id, worktree, branch } = await reviewed(h);
    const testFile = path.join(worktree, 'test', 'mul.test.js');
    const good = readFileSync(testFile, 'utf8');
    writeFileSync(testFile, good.replace('assert.equal(mul(-1, 4), -4);', 'assert.equal(mul(-1, 4), 4);'));
    const refused = await h.cli(['ship', id, '--mode', 'local-commit', '--json']);
    const out = parseJson(refused);
    assert.equal(refused.code, 1);
    assert.equal(out.status, 'awaiting-review');
    assert.equal((out.error as { code: string }).code, 'TESTS_FAILED');
    assert.match((out.error as { hint: string }).hint, /waits for review again/);
    assert.equal(git(h.repo.dir, 'rev-list', '--count', `main..${branch}`), '0', 'nothing committed');
    assert.equal(readFileSync(testFile, 'utf8'), good.replace('assert.equal(mul(-1, 4), -4);', 'assert.equal(mul(-1, 4), 4);'), 'the user’s edit is kept');
    const row = await listed(h, id);
    assert.equal(row.status, 'awaiting-review');
    assert.equal(row.mode, 'review');

    writeFileSync(testFile, good);
    const shipped = await h.cli(['ship', id, '--mode', 'local-commit', '--json']);
    assert.equal(shipped.code, 0, shipped.stderr);
    assert.equal(parseJson(shipped).status, 'succeeded');
  });

  it('ship --mode full-pr pushes and opens the pull request a one-shot full-pr would', async () => {
    const github = new PullRequestsApi();
    const ghEnv = { GITHUB_API_URL: await github.listen(), GITHUB_TOKEN: github.token, GITHUB_REPOSITORY: 'acme/calc' };
    try {
      const h = await harnesses.create('node');
      const { id, branch } = await reviewed(h);
      const shipped = await h.cli(['ship', id, '--mode', 'full-pr', '--json'], ghEnv);
      const out = parseJson(shipped);
      assert.equal(shipped.code, 0, shipped.stderr);
      assert.equal(out.status, 'succeeded');
      assert.equal(out.prUrl, 'https://github.example/acme/calc/pull/1');
      assert.equal(git(h.repo.origin, 'rev-parse', `refs/heads/${branch}`), out.commit, 'pushed');
      const pr = github.pulls[0]!;
      assert.equal(pr.head, branch);
      assert.equal(pr.title, 'Add multiplication');
      // The harness's node tests name no criterion by its tag: the body says so rather than "passing".
      assert.match(pr.body, /\| AC1: mul\(2, 3\) returns 6 \| `src\/calc\.js` \| — \| ⚠️ not covered by a test \|/);
      assert.match(pr.body, /1 repair round/);
      assert.equal((await listed(h, id)).mode, 'full-pr');

      // The panel's two clicks: commit first, push and open the pull request later.
      const second = await reviewed(h);
      const committed = await h.cli(['ship', second.id, '--mode', 'local-commit', '--json'], ghEnv);
      assert.equal(committed.code, 0, committed.stderr);
      assert.equal(github.pulls.length, 1, 'nothing pushed by the commit');
      const pushed = await h.cli(['ship', second.id, '--mode', 'full-pr', '--json'], ghEnv);
      const after = parseJson(pushed);
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.equal(after.prUrl, 'https://github.example/acme/calc/pull/2');
      assert.equal(after.commit, parseJson(committed).commit, 'the same commit, not a second one');
      assert.equal(git(h.repo.origin, 'rev-parse', `refs/heads/${second.branch}`), after.commit);
      assert.equal(github.pulls[1]!.head, second.branch);
    } finally {
      await github.close();
    }
  });

  it('discard removes the worktree and the branch and records it; `clean --include-review` discards too', async () => {
    const h = await harnesses.create('node');
    const baseline = userState(h.repo.dir).digest;
    const { id, worktree, branch } = await reviewed(h);
    const discarded = await h.cli(['discard', id, '--json']);
    const out = parseJson(discarded);
    assert.equal(discarded.code, 0, discarded.stderr);
    assert.equal(out.status, 'cancelled');
    assert.ok(!existsSync(worktree));
    assert.equal(git(h.repo.dir, 'branch', '--list', branch), '', 'the branch is deleted');
    const row = await listed(h, id);
    assert.equal(row.status, 'cancelled');
    assert.equal(row.error?.code, 'DISCARDED');
    assert.equal(userState(h.repo.dir).digest, baseline);

    const second = await reviewed(h);
    const cleaned = await h.cli(['clean', '--workspace', h.repo.dir, '--include-review']);
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.match(cleaned.stdout, new RegExp(`discarded deployment ${second.id}`));
    assert.ok(!existsSync(second.worktree));
    assert.equal((await listed(h, second.id)).error?.code, 'DISCARDED');
  });

  it('killed (SIGKILL) while shipping, `resume` finishes the ship: one commit with the user’s edit', async () => {
    const h = await harnesses.create('node');
    const baseline = userState(h.repo.dir).digest;
    const { id, worktree, branch } = await reviewed(h);
    writeFileSync(path.join(worktree, 'NOTES.md'), 'Reviewed by a person.\n');
    const killed = await h.cli(['ship', id, '--mode', 'local-commit', '--json'], { DEPLOY_AGENT_TEST_KILL_AT_STEP: 'commit' });
    assert.equal(killed.code, null, `the process should have been killed; exit ${killed.code}\n${killed.stderr}`);
    assert.equal((await listed(h, id)).status, 'interrupted');

    const resumed = await h.cli(['resume', id, '--json']);
    const out = parseJson(resumed);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(out.status, 'succeeded');
    assert.equal(out.mode, 'local-commit');
    assert.equal(out.resumedFrom, 'retest');
    assert.equal(git(h.repo.dir, 'rev-list', '--count', `main..${branch}`), '1', 'exactly one commit');
    assert.equal(git(h.repo.dir, 'show', `${branch}:NOTES.md`), 'Reviewed by a person.');
    assert.deepEqual(sandboxes(h), []);
    assert.equal(userState(h.repo.dir).digest, baseline);
  });

  it('the report of a dry run carries the change as a unified diff', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const id = String(parseJson(result).id);
    assert.deepEqual(sandboxes(h), [], 'a dry run keeps nothing');
    const report = parseJson(await h.cli(['report', id, '--json'])) as { change: { diff: string; files: { path: string; added: number }[] } };
    assert.match(report.change.diff, /^diff --git a\/src\/calc\.js b\/src\/calc\.js$/m);
    assert.match(report.change.diff, /^\+function mul\(a, b\) \{$/m);
    assert.match(report.change.diff, /^\+\s+assert\.equal\(mul\(2, 3\), 6\);$/m, 'the repaired test, as it passed');
    assert.deepEqual(report.change.files.map((f) => f.path).sort(), ['src/calc.js', 'test/mul.test.js']);
    const markdown = await h.cli(['report', id]);
    assert.match(markdown.stdout, /## The change\n\n2 files, \+\d+ −\d+/);
    assert.match(markdown.stdout, /```diff\ndiff --git a\/src\/calc\.js/);
  });
});
