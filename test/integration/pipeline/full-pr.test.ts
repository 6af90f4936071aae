import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CLI_PATH } from '../../support/cli';
import { PullRequestsApi } from './github-api';
import { createHarness, parseJson, scriptPlantedFailure, userState, type Harness } from './harness';
import { git } from './repos';

describe('deploy-agent deploy --mode full-pr (built CLI, bare origin, GitHub REST fake)', function () {
  this.timeout(240_000);
  let h: Harness | undefined;
  let github: PullRequestsApi | undefined;
  let ghEnv: Record<string, string>;

  before(() => {
    if (!existsSync(CLI_PATH)) throw new Error('dist/cli/cli.mjs is missing: run `npm run build` first');
  });
  beforeEach(async () => {
    github = new PullRequestsApi();
    ghEnv = { GITHUB_API_URL: await github.listen(), GITHUB_TOKEN: github.token, GITHUB_REPOSITORY: 'acme/calc' };
  });
  afterEach(async () => {
    await github?.close();
    await h?.close();
    h = undefined;
  });

  for (const kind of ['node', 'python'] as const) {
    it(`${kind}: implemented, tested, repaired once after the planted failure, committed, pushed, pull request opened`, async () => {
      h = await createHarness(kind);
      scriptPlantedFailure(h.ollama, kind);
      const before = userState(h.repo.dir).digest;
      const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'full-pr', '--strategy', 'balanced', '--json'], ghEnv);
      const out = parseJson(result);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(out.status, 'succeeded');
      assert.equal(out.repairs, 1);
      assert.equal((out.tests as { failed: number }).failed, 0);
      assert.equal(out.prUrl, 'https://github.example/acme/calc/pull/1');
      const branch = String(out.branch);
      assert.equal(git(h.repo.origin, 'rev-parse', `refs/heads/${branch}`), out.commit, 'the commit is on origin');
      assert.equal(github!.pulls.length, 1);
      const pr = github!.pulls[0]!;
      assert.equal(pr.head, branch);
      assert.equal(pr.base, 'main');
      assert.equal(pr.title, 'Add multiplication');
      assert.equal(pr.draft, false);
      // The node tests name no criterion; the python test test_ac1_mul_positive names AC1 by its tag.
      if (kind === 'node') {
        assert.match(pr.body, /\| AC1: mul\(2, 3\) returns 6 \| `src\/calc\.js` \| — \| ⚠️ not covered by a test \|/);
        assert.match(pr.body, /2 of 2 requirements not covered by a test/);
      } else {
        assert.match(pr.body, /\| AC1: mul\(2, 3\) returns 6 \| `calc\/ops\.py` \| `tests\/test_mul\.py › [^`]*test_ac1_mul_positive` \| ✅ passing \|/);
        assert.match(pr.body, /\| AC2: mul\(-1, 4\) returns -4 \| `calc\/ops\.py` \| — \| ⚠️ not covered by a test \|/);
      }
      assert.doesNotMatch(pr.body, /returns -4 [^\n]*✅ passing/, 'no test names AC2: it never reads passing');
      assert.match(pr.body, /1 repair round/);
      assert.deepEqual(git(h.repo.dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.includes('deploy-agent/')), []);
      assert.equal(userState(h.repo.dir).digest, before);
    });
  }

  it('a conservative strategy opens a draft pull request', async () => {
    h = await createHarness('node');
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'full-pr', '--strategy', 'conservative', '--json'], ghEnv);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(github!.pulls[0]!.draft, true);
  });

  it('a refused token: exit 1 with a clear message, the pushed branch and its commit are kept, and resume finishes once the token is right', async () => {
    h = await createHarness('node');
    scriptPlantedFailure(h.ollama, 'node');
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'full-pr', '--json'], { ...ghEnv, GITHUB_TOKEN: 'wrong' });
    const out = parseJson(result);
    assert.equal(result.code, 1);
    assert.equal((out.error as { code: string }).code, 'PULL_REQUEST_FAILED');
    assert.match((out.error as { message: string }).message, /refused the token/);
    const branch = String(out.branch);
    assert.equal(git(h.repo.dir, 'rev-parse', branch), out.commit, 'the local branch with its commit is kept');
    assert.equal(git(h.repo.origin, 'rev-parse', `refs/heads/${branch}`), out.commit);
    assert.equal(github!.pulls.length, 0);
    assert.deepEqual(git(h.repo.dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.includes('deploy-agent/')), []);

    const resumed = await h.cli(['resume', String(out.id), '--json'], ghEnv);
    const again = parseJson(resumed);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(again.status, 'succeeded');
    assert.equal(again.resumedFrom, 'pull-request');
    assert.equal(again.commit, out.commit);
    assert.equal(github!.pulls.length, 1);
  });

  it('killed when the pull request step starts, resumed: exactly one pull request', async () => {
    h = await createHarness('node');
    scriptPlantedFailure(h.ollama, 'node');
    for (const step of ['push', 'pull-request']) {
      const killed = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'full-pr', '--json'], { ...ghEnv, DEPLOY_AGENT_TEST_KILL_AT_STEP: step });
      assert.equal(killed.code, null);
      const list = parseJson(await h.cli(['list', '--json'])) as { deployments: { id: string }[] };
      const resumed = await h.cli(['resume', list.deployments[0]!.id, '--json'], ghEnv);
      const out = parseJson(resumed);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(out.resumedFrom, step);
      assert.ok(out.prUrl);
      scriptPlantedFailure(h.ollama, 'node');
    }
    assert.equal(github!.pulls.length, 2, 'one pull request per deployment, none twice');
  });

  it('rollback of a full-pr deployment pushes a revert branch and opens its pull request', async () => {
    h = await createHarness('node');
    scriptPlantedFailure(h.ollama, 'node');
    const deployed = parseJson(await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'full-pr', '--strategy', 'balanced', '--json'], ghEnv));
    assert.equal(deployed.status, 'succeeded');
    const before = userState(h.repo.dir).digest;
    const result = await h.cli(['rollback', String(deployed.id), '--json'], ghEnv);
    assert.equal(result.code, 0, result.stderr);
    const out = parseJson(result);
    const branch = String(out.branch);
    assert.equal(git(h.repo.origin, 'rev-parse', `refs/heads/${branch}`), out.revertCommit, 'the revert is on origin');
    assert.equal(out.prUrl, 'https://github.example/acme/calc/pull/2');
    assert.equal(github!.pulls.length, 2);
    assert.equal(github!.pulls[1]!.title, 'Revert: Add multiplication');
    assert.equal(github!.pulls[1]!.head, branch);
    assert.equal(userState(h.repo.dir).digest, before, 'the user working tree is untouched');
  });
});

