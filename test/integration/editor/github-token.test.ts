import assert from 'node:assert/strict';
import path from 'node:path';
import { DeployAgentError } from '../../../src/core/errors';
import { createRealPorts } from '../../../src/core/pipeline/real-ports';
import { openHistoryStore } from '../../../src/core/store/database';
import { tempDir } from '../../support/temp';
import { PullRequestsApi } from '../pipeline/github-api';
import { createFixtureRepo, git } from '../pipeline/repos';
import { RECOMMENDATION } from '../pipeline/harness';

/**
 * The extension's GitHub sign-in reaches the pipeline as a token asked for when a push is about to
 * happen (RealPortsOptions.githubToken): declined, nothing leaves the machine; given, the pull
 * request is opened with it.
 */
describe('GitHub token asked for right before the push (real git, bare origin, GitHub REST fake)', function () {
  this.timeout(60_000);

  it('a declined sign-in pushes nothing; the next push asks again and the pull request uses the token given', async () => {
    const tmp = tempDir('deploy-agent-github-token-');
    const github = new PullRequestsApi();
    const store = openHistoryStore(path.join(tmp.path, 'history.db'));
    try {
      const repo = createFixtureRepo(tmp.path, 'node', { dirty: false });
      git(repo.dir, 'branch', 'deploy-agent/change-1');
      const base = git(repo.dir, 'rev-parse', 'main');
      const sandbox = { path: repo.dir, branch: 'deploy-agent/change-1', baseSha: base };
      const env = { ...process.env, GITHUB_API_URL: await github.listen(), GITHUB_REPOSITORY: 'acme/calc', GITHUB_TOKEN: '' };
      const asked: string[] = [];
      const answers: (() => string)[] = [
        () => {
          throw new DeployAgentError('GITHUB_SIGN_IN_DECLINED', 'GitHub sign-in was declined, so nothing was pushed.', 'Sign in and push again.');
        },
        () => github.token,
      ];
      const ports = createRealPorts({
        store,
        env,
        config: () => ({ get: <T>() => undefined as T }),
        githubToken: async () => {
          asked.push('asked');
          return answers.shift()!();
        },
      });
      const signal = new AbortController().signal;
      await assert.rejects(ports.push(repo.dir, sandbox, signal), (error: DeployAgentError) => error.code === 'GITHUB_SIGN_IN_DECLINED');
      assert.equal(git(repo.dir, 'ls-remote', '--heads', 'origin', 'deploy-agent/change-1'), '', 'nothing was pushed');
      const pushed = await ports.push(repo.dir, sandbox, signal);
      assert.deepEqual(pushed, { remote: 'origin', branch: 'deploy-agent/change-1' });
      const recommendation = { ...RECOMMENDATION, acceptanceCriteria: [...RECOMMENDATION.acceptanceCriteria] } as never;
      const pr = await ports.openPullRequest(repo.dir, {
        deploymentId: 'd1',
        sandbox,
        recommendation,
        draft: false,
        signal,
        body: { summary: '', tests: { passed: 1, failed: 0, skipped: 0 }, repairs: 0, strategy: { name: 'balanced', testScope: 'generated', repairRounds: 1, reasons: ['test'], draftPr: false } as never, filesWritten: [], model: { inputTokens: 0, outputTokens: 0, costUsd: 0 } },
      });
      assert.equal(github.pulls.length, 1, 'the fake GitHub checks the token: the PR was opened with the one the sign-in gave');
      assert.match(pr.url, /\/pull\/1$/);
      assert.deepEqual(asked, ['asked', 'asked'], 'asked once per attempt; the token is kept for the pull request');
    } finally {
      store.close();
      await github.close();
      tmp.cleanup();
    }
  });
});
