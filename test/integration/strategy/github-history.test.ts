import assert from 'node:assert/strict';
import { fetchGithubActionsHistory } from '../../../src/core/strategy/github-history';
import { FakeGithub } from '../../support/fake-github';

const REPO = 'octo/app';

describe('fetchGithubActionsHistory: GitHub Actions runs as past builds (fake REST API, real Octokit)', function () {
  this.timeout(20000);
  let github: FakeGithub;
  let baseUrl: string;

  beforeEach(async () => {
    github = new FakeGithub();
    baseUrl = await github.listen();
  });
  afterEach(() => github.close());

  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes)).toISOString();

  /** `count` runs, one commit each, a minute apart; every third failed, every fifth cancelled. */
  function history(count: number) {
    for (let i = 0; i < count; i++) {
      const commit = github.addCommit(REPO, 'main', {
        message: `change ${i}`,
        date: at(i),
        files: [
          { filename: `src/f${i}.ts`, status: i % 2 ? 'modified' : 'added', additions: i + 1, deletions: 1 },
          { filename: `test/f${i}.test.ts`, status: 'added', additions: 10, deletions: 0 },
        ],
      });
      const conclusion = i % 5 === 4 ? 'cancelled' : i % 3 === 2 ? 'failure' : 'success';
      github.addWorkflowRun(REPO, { headSha: commit.sha, conclusion, createdAt: at(i), runStartedAt: at(i), updatedAt: new Date(Date.parse(at(i)) + 90_000 + i * 1000).toISOString() });
    }
  }

  it('reads every page, skips cancelled and unfinished runs, returns builds in time order with diff stats', async () => {
    history(250);
    github.addWorkflowRun(REPO, { headSha: github.addCommit(REPO, 'main', { message: 'running', date: at(300) }).sha, status: 'in_progress', conclusion: null, createdAt: at(300) });
    const builds = await fetchGithubActionsHistory({ owner: 'octo', repo: 'app', token: github.token, baseUrl, maxRuns: 1000 });
    const cancelled = Array.from({ length: 250 }, (_, i) => i).filter((i) => i % 5 === 4).length;
    assert.equal(builds.length, 250 - cancelled);
    const runPages = github.requests.filter((r) => r.path.endsWith('/actions/runs'));
    assert.equal(runPages.length, 3, 'three pages of 100');
    assert.ok(runPages.every((r) => r.query.get('per_page') === '100'));
    for (let i = 1; i < builds.length; i++) assert.ok(builds[i - 1]!.startedAt <= builds[i]!.startedAt, 'time order');
    assert.equal(builds[0]!.startedAt, Date.parse(at(0)));
    assert.equal(builds[0]!.project, 'octo/app');
    assert.equal(builds[0]!.failed, false);
    assert.equal(builds[2]!.failed, true, 'run 2 failed');
    assert.equal(builds[0]!.durationMs, 90_000);
    assert.equal(builds[0]!.filesChanged, 2);
    assert.equal(builds[0]!.linesChanged, 12);
    assert.equal(builds[0]!.testsChanged, 1);
    assert.deepEqual(
      { add: builds[1]!.numeric.gh_diff_files_added, mod: builds[1]!.numeric.gh_diff_files_modified, src: builds[1]!.numeric.git_diff_src_churn, test: builds[1]!.numeric.git_diff_test_churn, pr: builds[1]!.numeric.gh_is_pr },
      { add: 1, mod: 1, src: 3, test: 10, pr: 0 },
    );
    assert.ok(builds.every((b) => !('failed' in b.numeric) && !('durationMs' in b.numeric)), 'no label or outcome among the features');
  });

  it('maxRuns keeps the most recent usable runs and stops paging', async () => {
    history(250);
    const builds = await fetchGithubActionsHistory({ owner: 'octo', repo: 'app', token: github.token, baseUrl, maxRuns: 50 });
    assert.equal(builds.length, 50);
    assert.equal(builds[49]!.startedAt, Date.parse(at(248)), "the newest usable run is last (249 was cancelled)");
    assert.equal(github.requests.filter((r) => r.path.endsWith('/actions/runs')).length, 1);
    assert.equal(github.requests.filter((r) => /\/commits\/[0-9a-f]{40}$/.test(r.path)).length, 50);
  });

  it('a workflow filter, and several runs of one commit fetch its stats once', async () => {
    const commit = github.addCommit(REPO, 'main', { message: 'x', date: at(0) });
    github.addWorkflowRun(REPO, { headSha: commit.sha, name: 'CI', conclusion: 'failure', createdAt: at(1), runStartedAt: at(1) });
    github.addWorkflowRun(REPO, { headSha: commit.sha, name: 'Lint', conclusion: 'success', createdAt: at(2), runStartedAt: at(2) });
    github.addWorkflowRun(REPO, { headSha: commit.sha, name: 'CI', conclusion: 'success', createdAt: at(3), runStartedAt: at(3), event: 'pull_request' });
    const ci = await fetchGithubActionsHistory({ owner: 'octo', repo: 'app', token: github.token, baseUrl, workflow: 'CI' });
    assert.deepEqual(ci.map((b) => [b.failed, b.isPr]), [[true, false], [false, true]]);
    assert.equal(github.requests.filter((r) => r.path.endsWith(`/commits/${commit.sha}`)).length, 1);
  });

  it('retries a 5xx and waits out a rate limit while paging', async () => {
    history(120);
    github.http.failNext({ kind: 'status', status: 502 }, (r) => r.path.endsWith('/actions/runs') && r.query.get('page') === '2');
    github.rateLimitNext('primary', 1, '/repos/octo/app/commits/');
    const builds = await fetchGithubActionsHistory({ owner: 'octo', repo: 'app', token: github.token, baseUrl, clientOptions: { baseDelayMs: 5 } });
    assert.equal(builds.length, 120 - 24);
  });

  it('a commit GitHub no longer has leaves its stats empty; a bad token is GITHUB_UNAUTHORIZED', async () => {
    github.addWorkflowRun(REPO, { headSha: 'f'.repeat(40), conclusion: 'success', createdAt: at(0) });
    github.repo(REPO); // the repository exists, the commit does not
    const builds = await fetchGithubActionsHistory({ owner: 'octo', repo: 'app', token: github.token, baseUrl });
    assert.equal(builds.length, 1);
    assert.equal(builds[0]!.filesChanged, undefined);
    await assert.rejects(fetchGithubActionsHistory({ owner: 'octo', repo: 'app', token: 'nope', baseUrl }), (e: { code: string }) => e.code === 'GITHUB_UNAUTHORIZED');
    await assert.rejects(fetchGithubActionsHistory({ owner: 'octo', repo: 'app', token: undefined, baseUrl }), (e: { code: string }) => e.code === 'GITHUB_TOKEN_MISSING');
    await assert.rejects(fetchGithubActionsHistory({ owner: 'octo', repo: 'missing', token: github.token, baseUrl }), (e: { code: string }) => e.code === 'GITHUB_NOT_FOUND');
  });
});
