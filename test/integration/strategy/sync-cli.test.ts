import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { CLI_PATH, runBuiltCli } from '../../support/cli';
import { FakeGithub } from '../../support/fake-github';
import { tempDir } from '../../support/temp';

describe('deploy-agent sync (built CLI, fake GitHub)', function () {
  this.timeout(30000);
  let dir: ReturnType<typeof tempDir>;
  let github: FakeGithub;
  let db: string;
  let env: Record<string, string>;

  before(() => {
    if (!existsSync(CLI_PATH)) throw new Error('dist/cli/cli.mjs is missing: run `npm run build` first');
  });
  beforeEach(async () => {
    dir = tempDir();
    github = new FakeGithub();
    env = { GITHUB_TOKEN: github.token, GITHUB_API_URL: await github.listen() };
    db = path.join(dir.path, 'history.db');
    const store = openHistoryStore(db);
    const deployments = new DeploymentsRepository(store.db);
    const green = github.addPull('acme/calc', { head: 'deploy-agent/green', title: 'Green' });
    github.setCheckRuns('acme/calc', green.headSha, [{ conclusion: 'success' }]);
    github.merge('acme/calc', green.number);
    const red = github.addPull('acme/calc', { head: 'deploy-agent/red', title: 'Red' });
    github.setCheckRuns('acme/calc', red.headSha, [{ conclusion: 'failure' }]);
    deployments.insert({ id: 'd-green', repoPath: '/r', title: 'Green', status: 'succeeded', prUrl: green.html_url, createdAt: 1 });
    deployments.insert({ id: 'd-red', repoPath: '/r', title: 'Red', status: 'succeeded', prUrl: red.html_url, createdAt: 2 });
    deployments.insert({ id: 'd-local', repoPath: '/r', title: 'Local only', status: 'succeeded', createdAt: 3 });
    store.close();
  });
  afterEach(async () => {
    await github.close();
    dir.cleanup();
  });

  it('--json: one object {checked, updated, failures, deployments} with the labels', async () => {
    const result = await runBuiltCli(['sync', '--json', '--db', db], { env });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.equal(out.checked, 2);
    assert.equal(out.updated, 2);
    assert.deepEqual(out.failures, []);
    assert.deepEqual(
      out.deployments.map((d: { id: string; label: string; merged: boolean; checks: string; state: string; reverted: boolean; prUrl: string }) => [d.id, d.label, d.state, d.merged, d.checks, d.reverted]),
      [
        ['d-green', 'success', 'closed', true, 'success', false],
        ['d-red', 'failure', 'open', false, 'failure', false],
      ],
    );
    assert.equal(out.deployments[0].prUrl, 'https://github.example/acme/calc/pull/1');
  });

  it('text output, and a refused token: clear message on stderr, exit 1', async () => {
    const ok = await runBuiltCli(['sync', '--db', db], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /failure +d-red .*checks failure/);
    assert.match(ok.stdout, /2 checked, 2 updated/);
    const refused = await runBuiltCli(['sync', '--db', db], { env: { ...env, GITHUB_TOKEN: 'revoked' } });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /GITHUB_UNAUTHORIZED.*refused the token/);
    assert.match(refused.stderr, /→ Check GITHUB_TOKEN/);
  });

  it('no token: the error says to set GITHUB_TOKEN (one JSON object with --json)', async () => {
    const result = await runBuiltCli(['sync', '--json', '--db', db], { env: { GITHUB_TOKEN: '', GITHUB_API_URL: env.GITHUB_API_URL! } });
    assert.equal(result.code, 1);
    const out = JSON.parse(result.stdout);
    assert.equal(out.error.code, 'GITHUB_TOKEN_MISSING');
    assert.match(out.error.hint, /Set GITHUB_TOKEN/);
  });
});
