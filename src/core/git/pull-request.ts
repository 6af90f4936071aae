import { DeployAgentError } from '../errors';
import type { Recommendation } from '../recommendation/types';
import type { PullRequestFacts, SandboxInfo, ShipPullRequest } from '../deployment/types';
import { secretRegistry } from '../security/registry';
import { git } from './run';
import { githubClient } from './github-client';
import { isTestFile, renderRequirementTable, requirementRows } from '../report/requirements';
import { describeInput } from '../ai/usage-text';
import { plural } from '../plural';

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
  const diffStat = await diffStatOf(input.sandbox);
  return createPullRequest(
    repoRoot,
    { branch: input.sandbox.branch, title: input.recommendation.title, body: renderBody(input.recommendation, input.body, diffStat), draft: input.draft, signal: input.signal, deploymentId: input.deploymentId },
    env,
  );
}

export interface DiffStat {
  files: number;
  insertions: number;
  deletions: number;
  perFile: { file: string; insertions: number; deletions: number }[];
}

/** Lines added and removed per file between the sandbox's base and its branch. */
export async function diffStatOf(sandbox: SandboxInfo): Promise<DiffStat | undefined> {
  const out = await git(sandbox.path, ['diff', '--numstat', `${sandbox.baseSha}..HEAD`]).catch(() => undefined);
  if (out === undefined) return undefined;
  const perFile = out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [added, removed, ...name] = line.split('\t');
      return { file: name.join('\t'), insertions: Number(added) || 0, deletions: Number(removed) || 0 }; // binary files show "-"
    });
  return { files: perFile.length, insertions: perFile.reduce((n, f) => n + f.insertions, 0), deletions: perFile.reduce((n, f) => n + f.deletions, 0), perFile };
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
  // The shared GitHub client: GITHUB_API_URL for Enterprise, transient failures retried with
  // backoff, rate limits waited out up to their reset; the errors below keep the pipeline's wording.
  const { octokit, call: callWithRetries } = await githubClient({ token, baseUrl: env.GITHUB_API_URL, signal: input.signal, maxRateLimitWaitMs: 10 * 60_000 });
  const call = <T>(op: () => Promise<T>) => callWithRetries(`the pull requests of ${owner}/${repo}`, op);
  try {
    const existing = await call(() => octokit.pulls.list({ owner, repo, head: `${owner}:${input.branch}`, state: 'open' }));
    const found = existing.data[0];
    if (found) return { url: found.html_url, number: found.number, draft: Boolean(found.draft) };
    // The title and body leave the machine: redacted like everything printed or stored.
    const redactor = secretRegistry.redactor();
    const created = await call(() => octokit.pulls.create({ owner, repo, head: input.branch, base, title: redactor.text(input.title), body: redactor.text(input.body), draft: input.draft }));
    return { url: created.data.html_url, number: created.data.number, draft: Boolean(created.data.draft) };
  } catch (thrown) {
    // The client explains GitHub failures as GITHUB_* errors; a cancellation or other error passes through.
    if (thrown instanceof DeployAgentError && !thrown.code.startsWith('GITHUB_')) throw thrown;
    const error = thrown instanceof DeployAgentError ? (thrown.cause ?? thrown) : thrown;
    const status = (error as { status?: number }).status;
    const why = status === 401 ? 'GitHub refused the token (401)' : status === 404 ? `GitHub does not know ${owner}/${repo} or the token cannot see it (404)` : status === 422 ? `GitHub refused the pull request: ${(error as Error).message}` : `GitHub could not be reached: ${(error as Error).message}`;
    throw new DeployAgentError('PULL_REQUEST_FAILED', `${why}.`, `${kept} Fix the cause and ${again}, or open the pull request by hand.`, { cause: error });
  }
}

export async function repositoryName(repoRoot: string, env: NodeJS.ProcessEnv): Promise<{ owner: string; repo: string }> {
  const fromEnv = env.GITHUB_REPOSITORY?.split('/');
  if (fromEnv?.length === 2 && fromEnv[0] && fromEnv[1]) return { owner: fromEnv[0], repo: fromEnv[1] };
  const url = await git(repoRoot, ['remote', 'get-url', 'origin']).catch(() => '');
  const m = /[/:]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
  if (!m || !/github|^git@|^https?:/.test(url)) {
    throw new DeployAgentError('GITHUB_REPOSITORY_UNKNOWN', `Cannot tell the GitHub repository from the remote "${url || '(none)'}".`, 'Set GITHUB_REPOSITORY=owner/name.');
  }
  return { owner: m[1]!, repo: m[2]! };
}

export function renderBody(rec: Recommendation, facts: PullRequestFacts, diffStat?: DiffStat): string {
  const testFiles = facts.filesWritten.filter(isTestFile);
  const lines = [
    `## Summary`,
    '',
    facts.summary || rec.description,
    '',
    `Recommendation${rec.id ? ` \`${rec.id}\`` : ''}: ${rec.description}`,
    '',
    '## Requirements → files → tests → result',
    '',
    ...renderRequirementTable(requirementRows(rec, facts.filesWritten, { ...facts.tests, cases: facts.testCases })),
    '',
    '## Tests',
    '',
    `${facts.tests.passed} passed, ${facts.tests.failed} failed, ${facts.tests.skipped} skipped; ${plural(facts.repairs, 'repair round')}.`,
    '',
    '## Changes',
    '',
    ...(diffStat
      ? [`${plural(diffStat.files, 'file')}, +${diffStat.insertions} −${diffStat.deletions}`, '', ...diffStat.perFile.slice(0, 50).map((f) => `- \`${f.file}\` +${f.insertions} −${f.deletions}`), ...(diffStat.perFile.length > 50 ? [`- … and ${diffStat.perFile.length - 50} more`] : [])]
      : ['(diff statistics unavailable)']),
    '',
    '## Model',
    '',
    `${facts.model?.provider ?? 'unknown'} ${facts.model?.model ?? ''} — ${describeInput(facts.model ?? { inputTokens: 0 })} / ${facts.model?.outputTokens ?? 0} output tokens, $${(facts.model?.costUsd ?? 0).toFixed(4)}`,
    '',
    '## Strategy',
    '',
    `${facts.strategy.name}: tests ${facts.strategy.testScope}, up to ${plural(facts.strategy.repairRounds, 'repair round')}. ${facts.strategy.reasons.join('; ')}`,
    '',
    '## Risks',
    '',
    ...risksOf(rec, facts, testFiles, diffStat).map((r) => `- ${r}`),
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

/** What a reviewer should look at twice, from facts the pipeline knows (never a guess). */
export function risksOf(rec: Recommendation, facts: PullRequestFacts, testFiles: readonly string[], diffStat?: DiffStat): string[] {
  const risks: string[] = [];
  if (facts.repairs > 0) risks.push(`The first test run failed; ${plural(facts.repairs, 'repair round')} ${facts.repairs === 1 ? 'was' : 'were'} needed.`);
  if (!testFiles.length) risks.push('No test file was written: the change is checked only by existing tests.');
  const targets = rec.targetFiles ?? [];
  const outside = targets.length ? facts.filesWritten.filter((f) => !isTestFile(f) && !targets.some((t) => f === t || f.startsWith(t.replace(/\/?$/, '/')))) : [];
  if (outside.length) risks.push(`Files changed outside the recommendation's target files: ${outside.map((f) => `\`${f}\``).join(', ')}.`);
  if (facts.strategy.testScope === 'generated') risks.push('Only the generated tests ran (the strategy did not run the existing suite).');
  if (facts.strategy.name === 'aggressive') risks.push('The aggressive strategy was used: fewer gates than usual.');
  if (diffStat && diffStat.insertions + diffStat.deletions > 500) risks.push(`A large change: ${diffStat.insertions + diffStat.deletions} lines.`);
  return risks.length ? risks : ['None found by the pipeline.'];
}
