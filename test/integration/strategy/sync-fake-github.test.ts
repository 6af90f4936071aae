import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { FakeGithub } from '../../support/fake-github';

/** The fake GitHub itself, through the real Octokit: the routes sync and history rely on behave like GitHub's. */
describe('test/support/fake-github.ts (real Octokit)', () => {
  let github: FakeGithub;
  let octokit: Octokit;
  const owner = 'acme';
  const repo = 'calc';

  beforeEach(async () => {
    github = new FakeGithub();
    octokit = new Octokit({ auth: github.token, baseUrl: await github.listen(), log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } });
  });
  afterEach(() => github.close());

  it('pulls: create, refuse a second one for the branch (422), list by head, get', async () => {
    github.addCommit('acme/calc', 'main', { message: 'initial' });
    github.addCommit('acme/calc', 'feature', { message: 'feature work' });
    const created = await octokit.pulls.create({ owner, repo, head: 'feature', base: 'main', title: 'Feature', body: 'b', draft: true });
    assert.equal(created.status, 201);
    assert.equal(created.data.number, 1);
    assert.equal(created.data.draft, true);
    await assert.rejects(octokit.pulls.create({ owner, repo, head: 'feature', base: 'main', title: 'again' }), (e: { status: number }) => e.status === 422);
    const listed = await octokit.pulls.list({ owner, repo, head: 'acme:feature', state: 'open' });
    assert.deepEqual(listed.data.map((p) => p.number), [1]);
    assert.equal((await octokit.pulls.list({ owner, repo, head: 'acme:other' })).data.length, 0);
    const pull = (await octokit.pulls.get({ owner, repo, pull_number: 1 })).data;
    assert.equal(pull.head.sha, github.repo('acme/calc').branches.get('feature')![0]);
    assert.equal(pull.merged, false);
  });

  it('compare base...head: the commits of head not in base, with their files', async () => {
    github.addCommit('acme/calc', 'main', { message: 'initial' });
    const main = github.repo('acme/calc').branches.get('main')!;
    github.repo('acme/calc').branches.set('topic', [...main]);
    github.addCommit('acme/calc', 'topic', { message: 'one', files: [{ filename: 'a.js', additions: 3, deletions: 1 }] });
    github.addCommit('acme/calc', 'topic', { message: 'two' });
    const compared = (await octokit.repos.compareCommitsWithBasehead({ owner, repo, basehead: 'main...topic' })).data;
    assert.equal(compared.status, 'ahead');
    assert.equal(compared.ahead_by, 2);
    assert.deepEqual(compared.commits.map((c) => c.commit.message), ['one', 'two']);
    assert.equal(compared.files?.[0]?.changes, 4);
  });

  it('commits: a branch newest first with since=, one commit with stats and files, unknown sha → 422', async () => {
    github.addCommit('acme/calc', 'main', { message: 'old', date: '2026-01-01T00:00:00Z' });
    const recent = github.addCommit('acme/calc', 'main', { message: 'new', date: '2026-02-01T00:00:00Z', files: [{ filename: 'x.py', status: 'added', additions: 7, deletions: 0 }] });
    assert.deepEqual((await octokit.repos.listCommits({ owner, repo, sha: 'main' })).data.map((c) => c.commit.message), ['new', 'old']);
    assert.deepEqual((await octokit.repos.listCommits({ owner, repo, sha: 'main', since: '2026-01-15T00:00:00Z' })).data.map((c) => c.sha), [recent.sha]);
    const one = (await octokit.repos.getCommit({ owner, repo, ref: recent.sha })).data;
    assert.deepEqual(one.stats, { additions: 7, deletions: 0, total: 7 });
    assert.equal(one.files?.[0]?.status, 'added');
    await assert.rejects(octokit.repos.getCommit({ owner, repo, ref: 'f'.repeat(40) }), (e: { status: number }) => e.status === 422);
  });

  it('actions runs: per_page and the Link header (next/last), iterated by octokit.paginate', async () => {
    const sha = github.addCommit('acme/calc', 'main', { message: 'x' }).sha;
    for (let i = 0; i < 7; i++) github.addWorkflowRun('acme/calc', { headSha: sha, createdAt: new Date(Date.UTC(2026, 0, 1, i)).toISOString() });
    const first = await octokit.actions.listWorkflowRunsForRepo({ owner, repo, per_page: 3 });
    assert.equal(first.data.total_count, 7);
    assert.equal(first.data.workflow_runs.length, 3);
    assert.match(first.headers.link!, /page=2>; rel="next"/);
    assert.match(first.headers.link!, /page=3>; rel="last"/);
    const all = await octokit.paginate(octokit.actions.listWorkflowRunsForRepo, { owner, repo, per_page: 3 });
    assert.equal(all.length, 7);
  });

  it('token check, rate limits, quota and injected faults', async () => {
    github.repo('acme/calc');
    const bad = new Octokit({ auth: 'nope', baseUrl: github.http.url, log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } });
    await assert.rejects(bad.rateLimit.get(), (e: { status: number; message: string }) => e.status === 401 && /Bad credentials/.test(e.message));
    github.rateLimitNext('primary', 60);
    await assert.rejects(octokit.users.getAuthenticated(), (e: { status: number; response: { headers: Record<string, string> } }) => e.status === 403 && e.response.headers['x-ratelimit-remaining'] === '0' && Number(e.response.headers['x-ratelimit-reset']) > Date.now() / 1000);
    github.rateLimitNext('secondary', 2);
    await assert.rejects(octokit.users.getAuthenticated(), (e: { status: number; response: { headers: Record<string, string> } }) => e.status === 429 && e.response.headers['retry-after'] === '2');
    github.quota(1, 3600);
    assert.equal((await octokit.users.getAuthenticated()).headers['x-ratelimit-remaining'], '0');
    await assert.rejects(octokit.users.getAuthenticated(), (e: { status: number }) => e.status === 403);
    github.quota(100);
    github.http.failNext({ kind: 'status', status: 502 });
    await assert.rejects(octokit.users.getAuthenticated(), (e: { status: number }) => e.status === 502);
    assert.equal((await octokit.users.getAuthenticated()).data.login, 'deploy-agent-test');
  });
});
