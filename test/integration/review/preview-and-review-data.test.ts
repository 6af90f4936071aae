import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveConfig } from '../../../src/core/config/resolve';
import { previewDeployment } from '../../../src/core/pipeline/preview';
import { collectReviewData, groupTests, UNATTRIBUTED_TESTS } from '../../../src/core/report/review-data';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { EventsRepository, StepsRepository } from '../../../src/core/store/steps';
import { createSandbox } from '../../../src/core/sandbox/worktree';
import { tempDir } from '../../support/temp';
import { createFixtureRepo, git } from '../pipeline/repos';
import { RECOMMENDATION, userState } from '../pipeline/harness';

/** The panel's core API before and after the model runs: the preview (no sandbox, no model) and the review data of a deployment. */
describe('preview and review data (real git, real analysis)', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  let store: HistoryStore;
  beforeEach(() => {
    dir = tempDir();
    store = openHistoryStore(path.join(dir.path, 'history.db'));
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  const config = (repo: string) => resolveConfig({ workspaceDir: repo });
  const env = { OLLAMA_HOST: '127.0.0.1:9' }; // nothing listens: a model call would fail the preview

  it('previews the strategy with its reasons and environment evidence and the ranked integration points, creating no sandbox and recording nothing', async () => {
    const repo = createFixtureRepo(dir.path, 'node');
    const before = userState(repo.dir).digest;
    const preview = await previewDeployment({ store, workspaceDir: repo.dir, recommendation: { value: RECOMMENDATION }, strategy: 'auto', env, config: config(repo.dir) });
    assert.equal(preview.repoRoot, repo.dir);
    assert.ok(['conservative', 'balanced', 'aggressive'].includes(preview.strategy.chosen));
    assert.ok(preview.strategy.reasons.length > 0);
    assert.equal(preview.strategy.requested, 'auto');
    assert.ok(preview.strategy.levers.repairRounds >= 0);
    assert.ok(preview.environment.evidence.some((e) => e.source === 'branch' && /\bmain\b/.test(e.value)), JSON.stringify(preview.environment.evidence));
    assert.equal(preview.integrationPoints[0]?.path, 'src/calc.js');
    assert.ok(preview.integrationPoints[0]!.why.length > 0);
    assert.deepEqual(git(repo.dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.includes('deploy-agent/')), [], 'no sandbox');
    assert.equal(userState(repo.dir).digest, before);
    assert.equal(store.db.prepare('SELECT count(*) FROM decisions').pluck().get(), 0, 'the decision is not logged');
    assert.equal(store.db.prepare('SELECT count(*) FROM deployments').pluck().get(), 0);

    // With a choice: the points as the prompts would get them.
    const chosen = await previewDeployment({ store, workspaceDir: repo.dir, recommendation: { value: RECOMMENDATION }, choice: { addedFiles: ['src/ops.js'], excludedIntegrationPoints: ['src/calc.js'] }, env, config: config(repo.dir) });
    assert.equal(chosen.integrationPoints[0]?.path, 'src/ops.js');
    assert.match(chosen.integrationPoints[0]!.why, /added by the user \(it does not exist yet\)/);
    assert.ok(!chosen.integrationPoints.some((p) => p.path === 'src/calc.js'));

    await assert.rejects(previewDeployment({ store, workspaceDir: repo.dir, recommendation: { value: { title: 'x' } }, env, config: config(repo.dir) }), (e: Error & { code?: string }) => e.code === 'RECOMMENDATION_INVALID');
    await assert.rejects(previewDeployment({ store, workspaceDir: dir.path, recommendation: { value: RECOMMENDATION }, env, config: config(dir.path) }), (e: Error & { code?: string }) => e.code === 'NOT_A_GIT_REPO');
  });

  it('review data: the diff of the sandbox as it is now (user edits included) per file with base and sandbox paths; the recorded diff once the sandbox is gone', async () => {
    const repo = createFixtureRepo(dir.path, 'node');
    const sandbox = await createSandbox(repo.dir, { deploymentId: 'abcd1234', title: 'Add multiplication' });
    try {
      writeFileSync(path.join(sandbox.path, 'src', 'calc.js'), 'function add(a, b) {\n  return a + b;\n}\n\nfunction mul(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, mul };\n');
      writeFileSync(path.join(sandbox.path, 'test', 'mul.test.js'), "const test = require('node:test');\n");
      git(sandbox.path, 'mv', 'README.md', 'README.txt');
      const deployments = new DeploymentsRepository(store.db);
      deployments.insert({ id: 'abcd1234', repoPath: repo.dir, title: 'Add multiplication', createdAt: 1, status: 'awaiting-review', mode: 'review', branch: sandbox.branch, recommendation: JSON.stringify(RECOMMENDATION) });
      const steps = new StepsRepository(store.db);
      const step = steps.start('abcd1234', 'review', 2);
      steps.finish(step, {
        status: 'succeeded',
        at: 3,
        artifacts: {
          sandbox,
          repoRoot: repo.dir,
          testedTree: 'not-this-tree',
          tests: { counts: { passed: 1, failed: 1, skipped: 0 }, durationMs: 5, output: '', failures: [], cases: [
            { name: '[AC1] mul(2, 3) returns 6', file: 'test/mul.test.js', status: 'passed' },
            { name: 'mul(-1, 4) returns -4', file: 'test/mul.test.js', status: 'failed', message: 'expected -4\n    at test/mul.test.js:9:10', line: 9 },
          ] },
        },
      });

      const live = (await collectReviewData(store.db, 'abcd1234'))!;
      assert.equal(live.source, 'sandbox');
      assert.equal(live.awaitingReview, true);
      assert.equal(live.changedSinceTests, true);
      assert.match(live.diff, /^\+function mul\(a, b\) \{$/m);
      const byPath = Object.fromEntries(live.files.map((f) => [f.path, f]));
      assert.deepEqual(Object.keys(byPath).sort(), ['README.txt', 'src/calc.js', 'test/mul.test.js']);
      assert.equal(byPath['src/calc.js']!.change, 'modified');
      assert.deepEqual([byPath['src/calc.js']!.added, byPath['src/calc.js']!.removed], [5, 1]);
      assert.equal(byPath['src/calc.js']!.baseCommit, sandbox.baseSha);
      assert.equal(byPath['src/calc.js']!.sandboxFile, path.join(sandbox.path, 'src', 'calc.js'));
      assert.equal(byPath['test/mul.test.js']!.change, 'added');
      assert.equal(byPath['test/mul.test.js']!.baseCommit, null);
      assert.equal(byPath['test/mul.test.js']!.isTest, true);
      assert.equal(byPath['README.txt']!.change, 'renamed');
      assert.equal(byPath['README.txt']!.oldPath, 'README.md');
      assert.deepEqual(live.tests.map((t) => [t.path, t.passed, t.failed, t.generated]), [['test/mul.test.js', 1, 1, true]]);
      assert.equal(live.tests[0]!.tests[1]!.line, 9);
      assert.equal(live.requirements[0]!.requirement, 'mul(2, 3) returns 6');
      assert.deepEqual(live.requirements[0]!.tests, ['test/mul.test.js › [AC1] mul(2, 3) returns 6'], 'the tests that name the criterion by its tag');
      assert.equal(live.requirements[0]!.result, 'passing');

      // The sandbox goes (a dry run's end): the recorded diff is what remains.
      new EventsRepository(store.db).insert('abcd1234', 4, 'change.diff', { baseSha: sandbox.baseSha, tree: 't', diff: live.diff, chars: live.diff.length, truncated: false });
      git(repo.dir, 'worktree', 'remove', '--force', sandbox.path);
      const gone = (await collectReviewData(store.db, 'abcd1234'))!;
      assert.equal(gone.source, 'recorded');
      assert.equal(gone.sandboxExists, false);
      assert.equal(gone.diff, live.diff);
      assert.deepEqual(gone.files.map((f) => [f.path, f.change, f.added, f.removed, f.sandboxFile]).sort(), live.files.map((f) => [f.path, f.change, f.added, f.removed, null]).sort());
    } finally {
      git(repo.dir, 'worktree', 'prune');
    }
    assert.equal(await collectReviewData(store.db, 'nope'), undefined);
  });

  it('groups failures by the file their name or message names when the reporter gave no per-test cases', () => {
    const groups = groupTests(
      {
        counts: { passed: 3, failed: 2, skipped: 1 },
        durationMs: 1,
        output: '',
        failures: [
          { name: 'tests.test_mul::test_neg', message: 'assert -4 == 4\ntests/test_mul.py:8: AssertionError' },
          { name: 'something else', message: 'boom' },
        ],
      },
      ['calc/ops.py', 'tests/test_mul.py'],
      '/sandbox',
    );
    const mul = groups.find((g) => g.path === 'tests/test_mul.py')!;
    assert.equal(mul.failed, 1);
    assert.equal(mul.tests[0]!.line, 8);
    assert.equal(mul.sandboxFile, '/sandbox/tests/test_mul.py');
    assert.equal(mul.passed, 3, 'the unnamed passing tests go with the only generated test file');
    assert.equal(groups.find((g) => g.path === UNATTRIBUTED_TESTS)!.failed, 1);
  });
});
