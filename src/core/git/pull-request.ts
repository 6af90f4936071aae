import { Octokit } from '@octokit/rest';
import { DeployAgentError } from '../errors';
import type { Recommendation } from '../recommendation/types';
import { parseRetryAfter, retry } from '../recovery/retry';
import type { PullRequestFacts, SandboxInfo, ShipPullRequest } from '../pipeline/ports';
import { git } from './run';

/**
 * Pull requests: Octokit against GITHUB_API_URL (GitHub
 * Enterprise) or api.github.com with GITHUB_TOKEN, the repository from GITHUB_REPOSITORY or the
 * remote's URL; transient failures retried with backoff (rate limits honour their reset); an
 * existing pull request for the branch is returned, not duplicated (resume).
 */
export async function openPullRequest(
  repoRoot: string,
  input: { sandbox: SandboxInfo; recommendation: Recommendation; draft: boolean; body: PullRequestFacts; signal: AbortSignal; deploymentId: string },
  env: NodeJS.ProcessEnv,
): Promise<ShipPullRequest> {
  return createPullRequest(
    repoRoot,
    { branch: input.sandbox.branch, title: input.recommendation.title, body: renderBody(input.recommendation, input.body), draft: input.draft, signal: input.signal, deploymentId: input.deploymentId },
    env,
  );
}

/** Opens (or finds the open) pull request of `branch` against the repository's current branch, with retries on transient failures. */
export async function createPullRequest(
  repoRoot: string,
  input: { branch: string; title: string; body: string; draft: boolean; signal?: AbortSignal; deploymentId: string; resumeHint?: string },
  env: NodeJS.ProcessEnv,
): Promise<ShipPullRequest> {
  const kept = `The commit is kept on the branch ${input.branch} (pushed).`;
  const again = input.resumeHint ?? `run \`deploy-agent resume ${input.deploymentId}\``;
  const token = env.GITHUB_TOKEN;
  if (!token) throw new DeployAgentError('GITHUB_TOKEN_MISSING', 'No GitHub token: the pull request cannot be opened.', `Set GITHUB_TOKEN and ${again}. ${kept}`);
  const { owner, repo } = await repositoryName(repoRoot, env);
  const base = (await git(repoRoot, ['symbolic-ref', '--short', '-q', 'HEAD']).catch(() => '')) || 'main';
  const octokit = new Octokit({ auth: token, baseUrl: env.GITHUB_API_URL || 'https://api.github.com', request: { signal: input.signal }, retry: { enabled: false }, log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } });
  const call = <T>(op: () => Promise<T>) =>
    retry(op, {
      retries: 4,
      baseDelayMs: 300,
      maxDelayMs: 10_000,
      signal: input.signal,
      isTransient: (e) => {
        const status = (e as { status?: number }).status;
        return status === undefined || status >= 500 || status === 429 || (status === 403 && /rate limit/i.test((e as Error).message));
      },
      requestedDelayMs: (e) => {
        const headers = (e as { response?: { headers?: Record<string, string> } }).response?.headers ?? {};
        if (headers['retry-after']) return parseRetryAfter(headers['retry-after']);
        if (headers['x-ratelimit-reset']) return Math.max(0, Number(headers['x-ratelimit-reset']) * 1000 - Date.now());
        return undefined;
      },
    });
  try {
    const existing = await call(() => octokit.pulls.list({ owner, repo, head: `${owner}:${input.branch}`, state: 'open' }));
    const found = existing.data[0];
    if (found) return { url: found.html_url, number: found.number, draft: Boolean(found.draft) };
    const created = await call(() => octokit.pulls.create({ owner, repo, head: input.branch, base, title: input.title, body: input.body, draft: input.draft }));
    return { url: created.data.html_url, number: created.data.number, draft: Boolean(created.data.draft) };
  } catch (error) {
    if (error instanceof DeployAgentError) throw error;
    const status = (error as { status?: number }).status;
    const why = status === 401 ? 'GitHub refused the token (401)' : status === 404 ? `GitHub does not know ${owner}/${repo} or the token cannot see it (404)` : status === 422 ? `GitHub refused the pull request: ${(error as Error).message}` : `GitHub could not be reached: ${(error as Error).message}`;
    throw new DeployAgentError('PULL_REQUEST_FAILED', `${why}.`, `${kept} Fix the cause and ${again}, or open the pull request by hand.`, { cause: error });
  }
}

async function repositoryName(repoRoot: string, env: NodeJS.ProcessEnv): Promise<{ owner: string; repo: string }> {
  const fromEnv = env.GITHUB_REPOSITORY?.split('/');
  if (fromEnv?.length === 2 && fromEnv[0] && fromEnv[1]) return { owner: fromEnv[0], repo: fromEnv[1] };
  const url = await git(repoRoot, ['remote', 'get-url', 'origin']).catch(() => '');
  const m = /[/:]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
  if (!m || !/github|^git@|^https?:/.test(url)) {
    throw new DeployAgentError('GITHUB_REPOSITORY_UNKNOWN', `Cannot tell the GitHub repository from the remote "${url || '(none)'}".`, 'Set GITHUB_REPOSITORY=owner/name.');
  }
  return { owner: m[1]!, repo: m[2]! };
}

export function renderBody(rec: Recommendation, facts: PullRequestFacts): string {
  const criteria = rec.acceptanceCriteria?.length ? rec.acceptanceCriteria : [rec.title];
  const result = facts.tests.failed === 0 && facts.tests.passed > 0 ? '✅ passing' : '❌ failing';
  const code = facts.filesWritten.filter((f) => !/(^|\/)(tests?|__tests__)\/|\.test\.|\.spec\.|(^|\/)test_/.test(f));
  const tests = facts.filesWritten.filter((f) => !code.includes(f));
  const lines = [
    `## Summary`,
    '',
    facts.summary || rec.description,
    '',
    `Recommendation${rec.id ? ` \`${rec.id}\`` : ''}: ${rec.description}`,
    '',
    '## Requirements → files → tests',
    '',
    '| Requirement | Files | Tests | Result |',
    '| --- | --- | --- | --- |',
    ...criteria.map((c) => `| ${c.replace(/\|/g, '\\|')} | ${code.map((f) => `\`${f}\``).join(', ') || '—'} | ${tests.map((f) => `\`${f}\``).join(', ') || '—'} | ${result} |`),
    '',
    '## Tests',
    '',
    `${facts.tests.passed} passed, ${facts.tests.failed} failed, ${facts.tests.skipped} skipped; ${facts.repairs} repair round(s).`,
    '',
    '## Model',
    '',
    `${facts.model?.provider ?? 'unknown'} ${facts.model?.model ?? ''} — ${facts.model?.inputTokens ?? 0} input / ${facts.model?.outputTokens ?? 0} output tokens, $${(facts.model?.costUsd ?? 0).toFixed(4)}`,
    '',
    '## Strategy',
    '',
    `${facts.strategy.name}: tests ${facts.strategy.testScope}, up to ${facts.strategy.repairRounds} repair round(s). ${facts.strategy.reasons.join('; ')}`,
    '',
    '## Checklist',
    '',
    '- [ ] The change does what the recommendation asks',
    '- [ ] The generated tests check the acceptance criteria',
    '- [ ] No secret or credential in the diff',
    '',
    '_Opened by Deploy Agent._',
  ];
  return lines.join('\n');
}
