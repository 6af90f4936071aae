import assert from 'node:assert/strict';
import path from 'node:path';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { EventsRepository } from '../../../src/core/store/steps';
import { githubClient } from '../../../src/core/git/github-client';
import { effectiveOutcomeLabel } from '../../../src/core/strategy/outcome-label';
import { readDeploymentOutcomes, ShippingOutcomes, syncShippedOutcomes } from '../../../src/core/strategy/outcome-sync';
import { FakeGithub } from '../../support/fake-github';
import { tempDir } from '../../support/temp';

const REPO = 'acme/calc';

describe('deploy-agent sync: outcomes of shipped deployments from GitHub (fake REST API, real Octokit)', function () {
  this.timeout(20000);
  let dir: ReturnType<typeof tempDir>;
  let store: HistoryStore;
  let github: FakeGithub;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    dir = tempDir();
    store = openHistoryStore(path.join(dir.path, 'history.db'));
    github = new FakeGithub();
    env = { GITHUB_TOKEN: github.token, GITHUB_API_URL: await github.listen() };
  });
  afterEach(async () => {
    await github.close();
    store.close();
    dir.cleanup();
  });

  let created = 0;
  /** A shipped deployment whose pull request is `number` in the fake. */
  function shipped(id: string, prNumber: number, extra: { commitSha?: string; status?: 'succeeded' | 'rolled_back'; title?: string } = {}) {
    new DeploymentsRepository(store.db).insert({
      id,
      repoPath: '/repos/calc',
      title: extra.title ?? `Change ${prNumber}`,
      status: extra.status ?? 'succeeded',
      mode: 'full-pr',
      commitSha: extra.commitSha ?? null,
      prUrl: `https://github.example/${REPO}/pull/${prNumber}`,
      createdAt: 1_700_000_000_000 + ++created,
    });
  }
  const sync = (extra: Partial<Parameters<typeof syncShippedOutcomes>[0]> = {}) => syncShippedOutcomes({ db: store.db, env, ...extra });

  it('merged with green checks → success; failed checks → failure; open → pending; closed unmerged → failure', async () => {
    github.addCommit(REPO, 'main', { message: 'initial' });
    const green = github.addPull(REPO, { head: 'deploy-agent/green', title: 'Green' });
    github.setCheckRuns(REPO, green.headSha, [{ conclusion: 'success' }, { conclusion: 'skipped' }]);
    github.merge(REPO, green.number);
    const red = github.addPull(REPO, { head: 'deploy-agent/red', title: 'Red' });
    github.setCheckRuns(REPO, red.headSha, [{ conclusion: 'success' }, { conclusion: 'failure' }]);
    github.merge(REPO, red.number);
    const open = github.addPull(REPO, { head: 'deploy-agent/open', title: 'Open' });
    github.setCheckRuns(REPO, open.headSha, [{ conclusion: null, status: 'in_progress' }]);
    github.addPull(REPO, { head: 'deploy-agent/closed', title: 'Closed', state: 'closed' });
    shipped('d-green', 1);
    shipped('d-red', 2);
    shipped('d-open', 3);
    shipped('d-closed', 4);

    const result = await sync();
    assert.equal(result.checked, 4);
    assert.equal(result.updated, 4);
    assert.deepEqual(result.failures, []);
    const byId = Object.fromEntries(result.deployments.map((d) => [d.id, d]));
    assert.deepEqual([byId['d-green']!.label, byId['d-green']!.merged, byId['d-green']!.checks], ['success', true, 'success']);
    assert.deepEqual([byId['d-red']!.label, byId['d-red']!.checks], ['failure', 'failure']);
    assert.deepEqual([byId['d-open']!.label, byId['d-open']!.state, byId['d-open']!.checks], ['pending', 'open', 'pending']);
    assert.deepEqual([byId['d-closed']!.label, byId['d-closed']!.merged], ['failure', false]);

    const rows = new ShippingOutcomes(store.db);
    assert.equal(rows.get('d-red')!.label, 'failure');
    assert.equal(rows.get('d-red')!.prNumber, 2);
    assert.equal(rows.get('d-green')!.merged, 1);
    // The red one succeeded locally, but what GitHub says is what counts.
    const outcomes = Object.fromEntries(readDeploymentOutcomes(store.db).map((o) => [o.deploymentId, o]));
    assert.deepEqual(outcomes['d-red'], { deploymentId: 'd-red', localStatus: 'succeeded', githubLabel: 'failure', label: 'failure', source: 'github' });
    assert.equal(outcomes['d-open']!.label, 'success');
    assert.equal(outcomes['d-open']!.source, 'local');
    assert.equal(effectiveOutcomeLabel('succeeded', 'failure'), 'failure');

    // A second sync changes nothing.
    const again = await sync();
    assert.equal(again.checked, 4);
    assert.equal(again.updated, 0);
    assert.equal(new EventsRepository(store.db).list('d-red', 'outcome.synced').length, 1);
  });

  it('a later revert on the base branch (GitHub button or git revert of the commit) → failure', async () => {
    github.addCommit(REPO, 'main', { message: 'initial' });
    const a = github.addPull(REPO, { head: 'deploy-agent/a', title: 'Add multiplication' });
    github.setCheckRuns(REPO, a.headSha, [{ conclusion: 'success' }]);
    github.merge(REPO, a.number, '2026-01-01T10:00:00Z');
    const b = github.addPull(REPO, { head: 'deploy-agent/b', title: 'Add division' });
    github.setCheckRuns(REPO, b.headSha, [{ conclusion: 'success' }]);
    github.merge(REPO, b.number, '2026-01-01T11:00:00Z');
    const c = github.addPull(REPO, { head: 'deploy-agent/c', title: 'Add subtraction' });
    github.merge(REPO, c.number, '2026-01-01T12:00:00Z');
    github.addCommit(REPO, 'main', { message: 'Revert "Add multiplication"\n\nThis reverts commit ' + github.repo(REPO).pulls[0]!.mergeCommitSha + '.', date: '2026-01-02T09:00:00Z' });
    github.addCommit(REPO, 'main', { message: `Revert the subtraction\n\nThis reverts commit ${c.headSha}.`, date: '2026-01-02T10:00:00Z' });
    shipped('d-a', 1);
    shipped('d-b', 2);
    shipped('d-c', 3, { commitSha: c.headSha });

    const result = await sync();
    const byId = Object.fromEntries(result.deployments.map((d) => [d.id, d]));
    assert.equal(byId['d-a']!.reverted, true);
    assert.equal(byId['d-a']!.label, 'failure');
    assert.equal(byId['d-b']!.reverted, false);
    assert.equal(byId['d-b']!.label, 'success');
    assert.equal(byId['d-c']!.reverted, true);
    assert.equal(byId['d-c']!.label, 'failure');
    assert.ok(new ShippingOutcomes(store.db).get('d-a')!.revertSha);
  });

  it('a deployment rolled back locally (deploy-agent rollback) counts as reverted', async () => {
    github.addCommit(REPO, 'main', { message: 'initial' });
    const a = github.addPull(REPO, { head: 'deploy-agent/a', title: 'A' });
    github.setCheckRuns(REPO, a.headSha, [{ conclusion: 'success' }]);
    shipped('d-rb', 1, { status: 'rolled_back' });
    const result = await sync();
    assert.equal(result.deployments[0]!.reverted, true);
    assert.equal(result.deployments[0]!.label, 'failure');
    assert.match(result.deployments[0]!.reason, /rolled back/);
  });

  it('no shipped deployment: nothing is asked (no token needed)', async () => {
    const result = await syncShippedOutcomes({ db: store.db, env: {} });
    assert.deepEqual(result, { checked: 0, updated: 0, failures: [], deployments: [] });
    assert.equal(github.requests.length, 0);
  });

  it('no token → GITHUB_TOKEN_MISSING with what to do', async () => {
    github.addPull(REPO, { head: 'x' });
    shipped('d-1', 1);
    await assert.rejects(syncShippedOutcomes({ db: store.db, env: { GITHUB_API_URL: env.GITHUB_API_URL } }), (e: { code: string; hint: string }) => e.code === 'GITHUB_TOKEN_MISSING' && /GITHUB_TOKEN/.test(e.hint));
  });

  it('a refused token (401) stops the sync with a clear message, no retries', async () => {
    github.addPull(REPO, { head: 'x' });
    github.addPull(REPO, { head: 'y' });
    shipped('d-1', 1);
    shipped('d-2', 2);
    const result = await syncShippedOutcomes({ db: store.db, env: { ...env, GITHUB_TOKEN: 'wrong' } });
    assert.equal(result.checked, 0);
    assert.equal(result.failures.length, 1);
    assert.equal(result.failures[0]!.code, 'GITHUB_UNAUTHORIZED');
    assert.match(result.failures[0]!.message, /Bad credentials/);
    assert.equal(result.stopped?.code, 'GITHUB_UNAUTHORIZED');
    assert.equal(result.stopped?.remaining, 1);
    assert.equal(github.requests.length, 1, 'a 401 is not retried');
  });

  it('5xx answers are retried, then the sync succeeds', async () => {
    const a = github.addPull(REPO, { head: 'deploy-agent/a' });
    github.setCheckRuns(REPO, a.headSha, [{ conclusion: 'success' }]);
    shipped('d-1', 1);
    github.http.failNext({ kind: 'status', status: 502 }, '/repos/acme/calc/pulls/1').failNext({ kind: 'status', status: 503 }, '/repos/acme/calc/pulls/1');
    const retries: number[] = [];
    const result = await sync({ clientOptions: { baseDelayMs: 5, onRetry: (r) => retries.push(r.attempt) } });
    assert.deepEqual(retries, [1, 2]);
    assert.equal(result.checked, 1);
    assert.equal(result.deployments[0]!.label, 'pending');
  });

  it('5xx that never stops: GITHUB_UNAVAILABLE after the retries', async () => {
    github.addPull(REPO, { head: 'deploy-agent/a' });
    shipped('d-1', 1);
    for (let i = 0; i < 3; i++) github.http.failNext({ kind: 'status', status: 500 });
    const result = await sync({ clientOptions: { baseDelayMs: 1, retries: 2 } });
    assert.equal(result.failures[0]!.code, 'GITHUB_UNAVAILABLE');
    assert.equal(result.stopped?.code, 'GITHUB_UNAVAILABLE');
  });

  it('a rate limit (403 + x-ratelimit-reset, or 429 + retry-after) is waited out, then the sync goes on', async () => {
    const a = github.addPull(REPO, { head: 'deploy-agent/a' });
    github.setCheckRuns(REPO, a.headSha, [{ conclusion: 'failure' }]);
    shipped('d-1', 1);
    github.rateLimitNext('primary', 1, '/repos/acme/calc/pulls/1').rateLimitNext('secondary', 1, '/repos/acme/calc/commits');
    const waits: number[] = [];
    const result = await sync({ clientOptions: { onRetry: (r) => waits.push(r.delayMs) } });
    assert.equal(waits.length, 2);
    assert.ok(waits.every((ms) => ms > 0), `waited ${waits.join(', ')} ms`);
    assert.equal(result.checked, 1);
    assert.equal(result.deployments[0]!.label, 'failure');
  });

  it('a rate limit that resets too late stops the sync, keeping what was read', async () => {
    const a = github.addPull(REPO, { head: 'a' });
    github.setCheckRuns(REPO, a.headSha, [{ conclusion: 'success' }]);
    github.merge(REPO, a.number);
    github.addPull(REPO, { head: 'b' });
    github.addPull(REPO, { head: 'c' });
    shipped('d-1', 1);
    shipped('d-2', 2);
    shipped('d-3', 3);
    github.rateLimitNext('primary', 3600, '/repos/acme/calc/pulls/2');
    const result = await sync({ clientOptions: { maxRateLimitWaitMs: 2000 } });
    assert.equal(result.checked, 1);
    assert.equal(result.stopped?.code, 'GITHUB_RATE_LIMITED');
    assert.match(result.stopped!.hint, /already read is kept/);
    assert.equal(result.stopped?.remaining, 1);
    assert.equal(new ShippingOutcomes(store.db).get('d-1')!.label, 'success');
    assert.equal(new ShippingOutcomes(store.db).get('d-2'), undefined);
  });

  it('GitHub unreachable → GITHUB_UNREACHABLE, no crash', async () => {
    shipped('d-1', 1);
    const port = new URL(env.GITHUB_API_URL!).port;
    await github.close();
    const result = await syncShippedOutcomes({ db: store.db, env: { GITHUB_TOKEN: 't', GITHUB_API_URL: `http://127.0.0.1:${port}` }, clientOptions: { retries: 1, baseDelayMs: 1 } });
    assert.equal(result.failures[0]!.code, 'GITHUB_UNREACHABLE');
    assert.match(result.failures[0]!.hint, /network/);
    github = new FakeGithub(); // afterEach closes it
  });

  it('an unknown pull request (404) is a failure of that deployment only; the others are read', async () => {
    github.addPull(REPO, { head: 'a' });
    shipped('d-gone', 7);
    shipped('d-1', 1);
    const result = await sync();
    assert.equal(result.checked, 1);
    assert.equal(result.failures[0]!.id, 'd-gone');
    assert.equal(result.failures[0]!.code, 'GITHUB_NOT_FOUND');
    assert.equal(result.stopped, undefined);
  });

  it('GitHub Enterprise: GITHUB_API_URL with /api/v3', async () => {
    const ghe = new FakeGithub({ pathPrefix: '/api/v3' });
    try {
      const url = await ghe.listen();
      assert.match(url, /\/api\/v3$/);
      const a = ghe.addPull(REPO, { head: 'a' });
      ghe.setCheckRuns(REPO, a.headSha, [{ conclusion: 'success' }]);
      ghe.merge(REPO, a.number);
      shipped('d-1', 1);
      const result = await syncShippedOutcomes({ db: store.db, env: { GITHUB_TOKEN: ghe.token, GITHUB_API_URL: url } });
      assert.equal(result.deployments[0]!.label, 'success');
      assert.ok(ghe.requests.every((r) => r.path.startsWith('/api/v3/')));
    } finally {
      await ghe.close();
    }
  });

  it('check runs are read across pages', async () => {
    const a = github.addPull(REPO, { head: 'a' });
    github.setCheckRuns(REPO, a.headSha, [...Array.from({ length: 120 }, () => ({ conclusion: 'success' as const })), { conclusion: 'failure' }]);
    github.merge(REPO, a.number);
    shipped('d-1', 1);
    const client = await githubClient({ token: github.token, baseUrl: env.GITHUB_API_URL });
    const result = await syncShippedOutcomes({ db: store.db, client });
    assert.equal(result.deployments[0]!.checks, 'failure');
    assert.equal(github.requests.filter((r) => r.path.endsWith('/check-runs')).length, 2);
  });
});
