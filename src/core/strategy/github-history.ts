import { DeployAgentError } from '../errors';
import { githubClient, type GithubClient, type GithubClientOptions } from '../git/github-client';
import { hasNext } from '../git/github-pages';
import type { HistoryBuild } from './travistorrent';

/**
 * Cold start from real CI history: the GitHub Actions workflow runs of a repository become past
 * builds (`deploy-agent history import --github OWNER/REPO`). A run's label is its conclusion
 * (success → passed; failure, timed_out, startup_failure → failed; cancelled, skipped, neutral and
 * unfinished runs are no outcome and skipped); its features are what was known before it ran —
 * the head commit's diff stats, named as in TravisTorrent so both sources feed the same model.
 */
export interface GithubHistoryOptions {
  owner: string;
  repo: string;
  token: string | undefined;
  baseUrl?: string;
  /** Most recent usable runs to import (default 500). */
  maxRuns?: number;
  /** Only runs of this workflow (its name, e.g. "CI"). */
  workflow?: string;
  /** Only runs on this branch. */
  branch?: string;
  signal?: AbortSignal;
  /** Parallel requests for the head commits' diff stats (default 4). */
  concurrency?: number;
  onProgress?(phase: 'runs' | 'commits', done: number, total: number): void;
  /** Tests: retry/wait settings, or a ready client. */
  clientOptions?: Partial<GithubClientOptions>;
  client?: GithubClient;
}

const FAILED = new Set(['failure', 'timed_out', 'startup_failure']);
const PASSED = new Set(['success']);
const TEST_FILE = /(^|\/)(tests?|__tests__|spec)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)test_[^/]*\.py$|_test\.(py|go)$|Tests?\.(java|kt|cs)$/i;

interface RunJson {
  id: number;
  name?: string | null;
  head_branch: string | null;
  head_sha: string;
  event: string;
  status: string | null;
  conclusion: string | null;
  created_at: string;
  run_started_at?: string;
  updated_at: string;
  run_attempt?: number;
}

interface CommitStats {
  numeric: Record<string, number>;
  filesChanged: number;
  linesChanged: number;
  testsChanged: number;
}

export async function fetchGithubActionsHistory(options: GithubHistoryOptions): Promise<HistoryBuild[]> {
  const { owner, repo } = options;
  if (!owner || !repo) throw new DeployAgentError('USAGE', 'A GitHub repository is needed as OWNER/REPO.', 'For example: deploy-agent history import --github octocat/hello-world');
  const client = options.client ?? (await githubClient({ token: options.token, baseUrl: options.baseUrl, signal: options.signal, ...options.clientOptions }));
  const maxRuns = options.maxRuns ?? 500;
  const runs = await listUsableRuns(client, options, maxRuns);

  const shas = [...new Set(runs.map((r) => r.head_sha))];
  const stats = new Map<string, CommitStats | undefined>();
  let done = 0;
  await pool(shas, options.concurrency ?? 4, async (sha) => {
    stats.set(sha, await commitStats(client, owner, repo, sha));
    options.onProgress?.('commits', ++done, shas.length);
  });

  const project = `${owner}/${repo}`;
  const builds = runs.map((run): HistoryBuild => {
    const started = Date.parse(run.run_started_at ?? run.created_at);
    const s = stats.get(run.head_sha);
    const isPr = run.event === 'pull_request' || run.event === 'pull_request_target';
    return {
      project,
      externalId: String(run.id) + (run.run_attempt && run.run_attempt > 1 ? `.${run.run_attempt}` : ''),
      startedAt: started,
      failed: FAILED.has(run.conclusion!),
      durationMs: Math.max(0, Date.parse(run.updated_at) - started) || undefined,
      branch: run.head_branch ?? undefined,
      isPr,
      filesChanged: s?.filesChanged,
      linesChanged: s?.linesChanged,
      testsChanged: s?.testsChanged,
      numeric: { ...(s?.numeric ?? {}), gh_is_pr: isPr ? 1 : 0, gh_run_attempt: run.run_attempt ?? 1 },
    };
  });
  return builds.filter((b) => Number.isFinite(b.startedAt)).sort((a, b) => a.startedAt - b.startedAt || Number.parseFloat(a.externalId) - Number.parseFloat(b.externalId));
}

/** Completed runs with a success/failure-like conclusion, newest first, page by page until `max` of them. */
async function listUsableRuns(client: GithubClient, options: GithubHistoryOptions, max: number): Promise<RunJson[]> {
  const { owner, repo } = options;
  const usable: RunJson[] = [];
  for (let page = 1; usable.length < max; page++) {
    const response = await client.call(`the workflow runs of ${owner}/${repo}`, () =>
      client.octokit.actions.listWorkflowRunsForRepo({ owner, repo, status: 'completed', per_page: 100, page, ...(options.branch ? { branch: options.branch } : {}) }),
    );
    const batch = (response.data.workflow_runs ?? []) as RunJson[];
    for (const run of batch) {
      if (usable.length >= max) break;
      if (run.status !== 'completed' || !run.conclusion || !(FAILED.has(run.conclusion) || PASSED.has(run.conclusion))) continue;
      if (options.workflow && run.name !== options.workflow) continue;
      usable.push(run);
    }
    options.onProgress?.('runs', usable.length, max);
    if (!batch.length || !hasNext(response.headers.link)) break;
  }
  return usable;
}

/** The head commit's diff: files added/removed/modified, source and test churn. Undefined when GitHub no longer has it. */
async function commitStats(client: GithubClient, owner: string, repo: string, sha: string): Promise<CommitStats | undefined> {
  let data: { stats?: { additions?: number; deletions?: number }; files?: { filename: string; status?: string; additions?: number; deletions?: number }[] };
  try {
    data = (await client.call(`commit ${sha.slice(0, 12)} of ${owner}/${repo}`, () => client.octokit.repos.getCommit({ owner, repo, ref: sha, per_page: 300 }))).data;
  } catch (error) {
    // A commit force-pushed away (404/422) has no stats; anything else stops the import.
    if (error instanceof DeployAgentError && (error.code === 'GITHUB_NOT_FOUND' || error.code === 'GITHUB_REQUEST_FAILED')) return undefined;
    throw error;
  }
  const files = data.files ?? [];
  const numeric: Record<string, number> = { gh_diff_files_added: 0, gh_diff_files_deleted: 0, gh_diff_files_modified: 0, git_diff_src_churn: 0, git_diff_test_churn: 0, gh_diff_src_files: 0, gh_diff_test_files: 0 };
  for (const f of files) {
    const churn = (f.additions ?? 0) + (f.deletions ?? 0);
    const isTest = TEST_FILE.test(f.filename);
    numeric[f.status === 'added' ? 'gh_diff_files_added' : f.status === 'removed' ? 'gh_diff_files_deleted' : 'gh_diff_files_modified']!++;
    numeric[isTest ? 'git_diff_test_churn' : 'git_diff_src_churn']! += churn;
    numeric[isTest ? 'gh_diff_test_files' : 'gh_diff_src_files']!++;
  }
  const lines = (data.stats?.additions ?? 0) + (data.stats?.deletions ?? 0);
  numeric.gh_diff_additions = data.stats?.additions ?? 0;
  numeric.gh_diff_deletions = data.stats?.deletions ?? 0;
  return { numeric, filesChanged: files.length, linesChanged: lines, testsChanged: numeric.gh_diff_test_files! };
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await work(items[next++]!);
      } catch (error) {
        failed = true; // the other workers stop taking items
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
}
