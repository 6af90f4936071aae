import type { ServerResponse } from 'node:http';
import { HttpFake, sendJson, type FakeRequest } from './http-fake';

/**
 * A fake GitHub REST API for the real @octokit/rest client (give `await fake.listen()` as
 * `baseUrl` / GITHUB_API_URL). It holds repositories with pull requests, commits on branches
 * (with diff stats), check runs per commit and GitHub Actions workflow runs, and answers:
 *
 *   GET  /repos/:o/:r/pulls                 list (state, head=owner:branch, base; paginated)
 *   GET  /repos/:o/:r/pulls/:number         one pull request (state, merged, merged_at, head.sha…)
 *   POST /repos/:o/:r/pulls                 create (422 when one is open for the branch)
 *   GET  /repos/:o/:r/commits               a branch's commits, newest first (sha=, since=; paginated)
 *   GET  /repos/:o/:r/commits/:ref          one commit with `stats` and `files`
 *   GET  /repos/:o/:r/commits/:ref/check-runs
 *   GET  /repos/:o/:r/compare/:base...:head commits of head not in base, with status/ahead_by
 *   GET  /repos/:o/:r/actions/runs          workflow runs, newest first (status=, branch=; paginated)
 *   GET  /rate_limit, GET /user
 *
 * Like GitHub: every request needs `Authorization: token|Bearer <token>` (401 "Bad credentials"
 * otherwise); lists are paginated with `per_page` (default 30, max 100) / `page` and a `Link`
 * header (rel="next"/"last"); every answer carries x-ratelimit-* headers.
 *
 * Faults: `rateLimitNext()` answers the next matching request with a primary (403,
 * x-ratelimit-remaining 0, x-ratelimit-reset) or secondary (429, retry-after) rate limit;
 * `quota()` gives a request budget that runs out and refills at its reset, as GitHub does;
 * `http.failNext({ kind: 'status', status: 502 })` injects 5xx, hang-ups and the like.
 * `pathPrefix: '/api/v3'` serves the routes where GitHub Enterprise Server has them.
 */
export interface FakeFile {
  filename: string;
  status?: 'added' | 'removed' | 'modified' | 'renamed';
  additions: number;
  deletions: number;
}

export interface FakeCommit {
  sha: string;
  message: string;
  /** ISO time; the order of a branch's history is the order of `addCommit` calls. */
  date: string;
  files: FakeFile[];
}

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  headSha: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  createdAt: string;
  html_url: string;
}

export interface FakeCheckRun {
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
}

export interface FakeWorkflowRun {
  id: number;
  name: string;
  headBranch: string;
  headSha: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out' | 'neutral' | 'action_required' | null;
  createdAt: string;
  runStartedAt: string;
  updatedAt: string;
}

export class FakeRepo {
  readonly pulls: FakePull[] = [];
  readonly commits = new Map<string, FakeCommit>();
  /** Branch → commit shas, oldest first. */
  readonly branches = new Map<string, string[]>();
  readonly checkRuns = new Map<string, FakeCheckRun[]>();
  readonly runs: FakeWorkflowRun[] = [];

  constructor(
    readonly owner: string,
    readonly name: string,
  ) {}
}

let shaCounter = 0;
/** A unique 40-hex sha for test data. */
export function fakeSha(seed?: string): string {
  const base = (seed ?? '').replace(/[^0-9a-f]/g, '');
  return (base + (++shaCounter).toString(16).padStart(8, '0') + 'a'.repeat(40)).slice(0, 40);
}

type RateLimitFault = { kind: 'primary' | 'secondary'; resetInSeconds: number; match: (req: FakeRequest) => boolean };

export class FakeGithub {
  readonly http = new HttpFake();
  readonly repos = new Map<string, FakeRepo>();
  readonly token: string;
  private readonly prefix: string;
  private readonly rateLimits: RateLimitFault[] = [];
  private budget: { limit: number; remaining: number; resetAt: number } = { limit: 5000, remaining: 5000, resetAt: 0 };
  private budgetEnabled = false;
  private nextRunId = 1000;

  private readonly autoCreateRepos: boolean;

  /** `autoCreateRepos`: any owner/repo exists (empty) on first use instead of answering 404. */
  constructor(options: { token?: string; pathPrefix?: string; autoCreateRepos?: boolean } = {}) {
    this.token = options.token ?? 'ghs_fake_github_token';
    this.prefix = options.pathPrefix ?? '';
    this.autoCreateRepos = options.autoCreateRepos ?? false;
    this.routes();
  }

  listen(): Promise<string> {
    return this.http.listen().then((url) => url + this.prefix);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** Every request received, for assertions (paths include the prefix). */
  get requests(): FakeRequest[] {
    return this.http.requests;
  }

  repo(fullName: string): FakeRepo {
    let repo = this.repos.get(fullName.toLowerCase());
    if (!repo) {
      const [owner, name] = fullName.split('/');
      repo = new FakeRepo(owner!, name!);
      this.repos.set(fullName.toLowerCase(), repo);
    }
    return repo;
  }

  /** Appends a commit to a branch (created on first use). */
  addCommit(fullName: string, branch: string, commit: Partial<FakeCommit> & { message: string }): FakeCommit {
    const repo = this.repo(fullName);
    const full: FakeCommit = { sha: commit.sha ?? fakeSha(), message: commit.message, date: commit.date ?? new Date().toISOString(), files: commit.files ?? [{ filename: 'src/index.js', status: 'modified', additions: 1, deletions: 0 }] };
    repo.commits.set(full.sha, full);
    const list = repo.branches.get(branch) ?? [];
    list.push(full.sha);
    repo.branches.set(branch, list);
    return full;
  }

  /** A pull request; its head commit is created on the head branch unless `headSha` is given. */
  addPull(fullName: string, pull: Partial<FakePull> & { head: string }): FakePull {
    const repo = this.repo(fullName);
    const number = repo.pulls.length + 1;
    const headSha = pull.headSha ?? this.addCommit(fullName, pull.head, { message: pull.title ?? `Change ${number}` }).sha;
    const full: FakePull = {
      number,
      title: `Change ${number}`,
      body: '',
      base: 'main',
      draft: false,
      state: 'open',
      merged: false,
      mergedAt: null,
      mergeCommitSha: null,
      createdAt: new Date().toISOString(),
      html_url: `https://github.example/${repo.owner}/${repo.name}/pull/${number}`,
      ...pull,
      headSha,
    };
    repo.pulls.push(full);
    return full;
  }

  /** Merges a pull request: a merge commit on its base branch, state closed, merged. */
  merge(fullName: string, number: number, at: string = new Date().toISOString()): FakeCommit {
    const pull = this.repo(fullName).pulls.find((p) => p.number === number);
    if (!pull) throw new Error(`no pull request #${number}`);
    const commit = this.addCommit(fullName, pull.base, { message: `Merge pull request #${number} from ${pull.head}\n\n${pull.title}`, date: at });
    Object.assign(pull, { state: 'closed', merged: true, mergedAt: at, mergeCommitSha: commit.sha });
    return commit;
  }

  setCheckRuns(fullName: string, sha: string, runs: (Partial<FakeCheckRun> & Pick<FakeCheckRun, 'conclusion'>)[]): void {
    this.repo(fullName).checkRuns.set(
      sha,
      runs.map((r, i) => ({ name: r.name ?? `check ${i + 1}`, status: r.status ?? (r.conclusion ? 'completed' : 'in_progress'), conclusion: r.conclusion })),
    );
  }

  addWorkflowRun(fullName: string, run: Partial<FakeWorkflowRun> & { headSha: string }): FakeWorkflowRun {
    const created = run.createdAt ?? new Date().toISOString();
    const full: FakeWorkflowRun = {
      id: this.nextRunId++,
      name: 'CI',
      headBranch: 'main',
      event: 'push',
      status: 'completed',
      conclusion: 'success',
      createdAt: created,
      runStartedAt: created,
      updatedAt: new Date(Date.parse(created) + 60_000).toISOString(),
      ...run,
    };
    this.repo(fullName).runs.push(full);
    return full;
  }

  /** The next request matching `path` (a prefix without the API prefix, or any) hits a rate limit. */
  rateLimitNext(kind: 'primary' | 'secondary' = 'primary', resetInSeconds = 1, path?: string): this {
    this.rateLimits.push({ kind, resetInSeconds, match: (req) => !path || this.strip(req.path).startsWith(path) });
    return this;
  }

  /** A request budget: after `remaining` requests every request gets 403 until `resetInSeconds` passed, then the budget refills. */
  quota(remaining: number, resetInSeconds = 1, limit = 5000): this {
    this.budgetEnabled = true;
    this.budget = { limit, remaining, resetAt: Math.ceil(Date.now() / 1000) + resetInSeconds };
    return this;
  }

  private strip(path: string): string {
    return this.prefix && path.startsWith(this.prefix) ? path.slice(this.prefix.length) || '/' : path;
  }

  private routes(): void {
    const get = (path: string, handler: (req: FakeRequest, res: ServerResponse, repo: FakeRepo) => void) =>
      this.http.route('GET', this.prefix + path, (req, res) => this.guard(req, res, handler));
    this.http.route('GET', this.prefix + '/rate_limit', (req, res) =>
      this.guard(req, res, () => sendJson(res, 200, { resources: { core: this.coreLimit() }, rate: this.coreLimit() }, this.limitHeaders())),
    );
    this.http.route('GET', this.prefix + '/user', (req, res) => this.guard(req, res, () => sendJson(res, 200, { login: 'deploy-agent-test', id: 1 }, this.limitHeaders())));
    this.http.route('POST', this.prefix + '/repos/:owner/:repo/pulls', (req, res) => this.guard(req, res, (r, s, repo) => this.createPull(r, s, repo)));

    get('/repos/:owner/:repo/pulls', (req, res, repo) => {
      const state = req.query.get('state') ?? 'open';
      const head = req.query.get('head');
      const branch = head?.includes(':') ? head.split(':')[1] : head;
      const base = req.query.get('base');
      const list = repo.pulls
        .filter((p) => (state === 'all' || p.state === state) && (!branch || p.head === branch) && (!base || p.base === base))
        .sort((a, b) => b.number - a.number);
      this.page(req, res, list.map((p) => this.pullJson(repo, p)));
    });
    get('/repos/:owner/:repo/pulls/:number', (req, res, repo) => {
      const pull = repo.pulls.find((p) => p.number === Number(req.params.number));
      if (!pull) return this.notFound(res);
      sendJson(res, 200, this.pullJson(repo, pull), this.limitHeaders());
    });
    get('/repos/:owner/:repo/commits', (req, res, repo) => {
      const ref = req.query.get('sha') ?? 'main';
      const shas = repo.branches.get(ref) ?? (repo.commits.has(ref) ? [ref] : undefined);
      if (!shas) return this.notFound(res);
      const since = req.query.get('since');
      const list = [...shas]
        .reverse()
        .map((sha) => repo.commits.get(sha)!)
        .filter((c) => !since || Date.parse(c.date) >= Date.parse(since));
      this.page(req, res, list.map((c) => this.commitJson(repo, c, false)));
    });
    get('/repos/:owner/:repo/commits/:ref', (req, res, repo) => {
      const commit = this.resolve(repo, req.params.ref!);
      if (!commit) return sendJson(res, 422, { message: `No commit found for SHA: ${req.params.ref}` }, this.limitHeaders());
      sendJson(res, 200, this.commitJson(repo, commit, true), this.limitHeaders());
    });
    get('/repos/:owner/:repo/commits/:ref/check-runs', (req, res, repo) => {
      const commit = this.resolve(repo, req.params.ref!);
      if (!commit) return sendJson(res, 422, { message: `No commit found for SHA: ${req.params.ref}` }, this.limitHeaders());
      const runs = (repo.checkRuns.get(commit.sha) ?? []).map((r, i) => ({
        id: i + 1,
        name: r.name,
        head_sha: commit.sha,
        status: r.status,
        conclusion: r.conclusion,
        started_at: commit.date,
        completed_at: r.status === 'completed' ? commit.date : null,
      }));
      this.page(req, res, runs, (items) => ({ total_count: runs.length, check_runs: items }));
    });
    get('/repos/:owner/:repo/compare/:basehead', (req, res, repo) => {
      const [baseRef, headRef] = req.params.basehead!.split('...');
      const baseShas = new Set(this.history(repo, baseRef ?? ''));
      const headShas = this.history(repo, headRef ?? '');
      if (!baseShas.size || !headShas.length) return this.notFound(res);
      const ahead = headShas.filter((s) => !baseShas.has(s));
      const headSet = new Set(headShas);
      const behind = [...baseShas].filter((s) => !headSet.has(s)).length;
      const commits = ahead.map((sha) => repo.commits.get(sha)!);
      sendJson(
        res,
        200,
        {
          status: ahead.length && behind ? 'diverged' : ahead.length ? 'ahead' : behind ? 'behind' : 'identical',
          ahead_by: ahead.length,
          behind_by: behind,
          total_commits: ahead.length,
          commits: commits.map((c) => this.commitJson(repo, c, false)),
          files: commits.flatMap((c) => this.filesJson(c)),
        },
        this.limitHeaders(),
      );
    });
    get('/repos/:owner/:repo/actions/runs', (req, res, repo) => {
      const status = req.query.get('status');
      const branch = req.query.get('branch');
      const list = repo.runs
        .filter((r) => (!branch || r.headBranch === branch) && (!status || r.status === status || r.conclusion === status))
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id)
        .map((r) => this.runJson(repo, r));
      this.page(req, res, list, (items) => ({ total_count: list.length, workflow_runs: items }));
    });
  }

  /** Token, rate limits and quota, as GitHub checks them before anything else. */
  private guard(req: FakeRequest, res: ServerResponse, handler: (req: FakeRequest, res: ServerResponse, repo: FakeRepo) => void): void {
    const auth = req.headers.authorization;
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
      return sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    const index = this.rateLimits.findIndex((f) => f.match(req));
    if (index >= 0) {
      const fault = this.rateLimits.splice(index, 1)[0]!;
      const reset = Math.ceil(Date.now() / 1000) + fault.resetInSeconds;
      if (fault.kind === 'secondary') {
        return sendJson(res, 429, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': String(fault.resetInSeconds) });
      }
      return sendJson(
        res,
        403,
        { message: 'API rate limit exceeded for installation ID 1.', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting' },
        { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset), 'x-ratelimit-used': '5000', 'x-ratelimit-resource': 'core' },
      );
    }
    if (this.budgetEnabled) {
      const now = Date.now() / 1000;
      if (now >= this.budget.resetAt && this.budget.remaining <= 0) this.budget = { ...this.budget, remaining: this.budget.limit, resetAt: Math.ceil(now) + 3600 };
      if (this.budget.remaining <= 0) {
        return sendJson(res, 403, { message: 'API rate limit exceeded for user ID 1.' }, this.limitHeaders());
      }
      this.budget.remaining--;
    }
    const fullName = `${req.params.owner}/${req.params.repo}`;
    const repo = req.params.owner && req.params.repo ? (this.autoCreateRepos ? this.repo(fullName) : this.repos.get(fullName.toLowerCase())) : undefined;
    if (req.params.owner && !repo) return this.notFound(res);
    handler(req, res, repo!);
  }

  private coreLimit() {
    const { limit, remaining, resetAt } = this.budget;
    return { limit, remaining: Math.max(0, remaining), reset: resetAt || Math.ceil(Date.now() / 1000) + 3600, used: limit - Math.max(0, remaining), resource: 'core' };
  }

  private limitHeaders(): Record<string, string> {
    const core = this.coreLimit();
    return { 'x-ratelimit-limit': String(core.limit), 'x-ratelimit-remaining': String(core.remaining), 'x-ratelimit-reset': String(core.reset), 'x-ratelimit-used': String(core.used), 'x-ratelimit-resource': 'core' };
  }

  private notFound(res: ServerResponse): void {
    sendJson(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }, this.limitHeaders());
  }

  /** `per_page`/`page` slicing with GitHub's Link header; `wrap` for answers that are objects ({total_count, workflow_runs}). */
  private page(req: FakeRequest, res: ServerResponse, items: unknown[], wrap?: (items: unknown[]) => unknown): void {
    const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page')) || 30));
    const page = Math.max(1, Number(req.query.get('page')) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string) => {
      const query = new URLSearchParams(req.query);
      query.set('per_page', String(perPage));
      query.set('page', String(p));
      return `<http://${req.headers.host}${req.path}?${query}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    sendJson(res, 200, wrap ? wrap(slice) : slice, { ...this.limitHeaders(), ...(links.length ? { link: links.join(', ') } : {}) });
  }

  private resolve(repo: FakeRepo, ref: string): FakeCommit | undefined {
    const branch = repo.branches.get(ref);
    if (branch) return repo.commits.get(branch[branch.length - 1]!);
    return repo.commits.get(ref) ?? [...repo.commits.values()].find((c) => ref.length >= 7 && c.sha.startsWith(ref));
  }

  /** The shas reachable from a ref: a branch's list, or a branch prefix up to a sha. */
  private history(repo: FakeRepo, ref: string): string[] {
    const branch = repo.branches.get(ref);
    if (branch) return branch;
    for (const shas of repo.branches.values()) {
      const at = shas.indexOf(ref);
      if (at >= 0) return shas.slice(0, at + 1);
    }
    return [];
  }

  private createPull(req: FakeRequest, res: ServerResponse, repo: FakeRepo): void {
    const body = req.body as { title: string; head: string; base: string; body?: string; draft?: boolean };
    if (repo.pulls.some((p) => p.head === body.head && p.state === 'open')) {
      return sendJson(res, 422, { message: 'Validation Failed', errors: [{ message: `A pull request already exists for ${repo.owner}:${body.head}.` }] }, this.limitHeaders());
    }
    const shas = repo.branches.get(body.head);
    const pull = this.addPull(`${repo.owner}/${repo.name}`, {
      title: body.title,
      body: body.body ?? '',
      head: body.head,
      base: body.base,
      draft: Boolean(body.draft),
      ...(shas?.length ? { headSha: shas[shas.length - 1]! } : {}),
    });
    sendJson(res, 201, this.pullJson(repo, pull), this.limitHeaders());
  }

  private pullJson(repo: FakeRepo, p: FakePull) {
    return {
      id: p.number,
      number: p.number,
      state: p.state,
      title: p.title,
      body: p.body,
      draft: p.draft,
      merged: p.merged,
      merged_at: p.mergedAt,
      closed_at: p.state === 'closed' ? (p.mergedAt ?? p.createdAt) : null,
      created_at: p.createdAt,
      merge_commit_sha: p.mergeCommitSha,
      html_url: p.html_url,
      url: `${this.prefix}/repos/${repo.owner}/${repo.name}/pulls/${p.number}`,
      head: { ref: p.head, sha: p.headSha, label: `${repo.owner}:${p.head}` },
      base: { ref: p.base, label: `${repo.owner}:${p.base}` },
    };
  }

  private filesJson(c: FakeCommit) {
    return c.files.map((f) => ({ filename: f.filename, status: f.status ?? 'modified', additions: f.additions, deletions: f.deletions, changes: f.additions + f.deletions }));
  }

  private commitJson(repo: FakeRepo, c: FakeCommit, detailed: boolean) {
    const additions = c.files.reduce((s, f) => s + f.additions, 0);
    const deletions = c.files.reduce((s, f) => s + f.deletions, 0);
    const who = { name: 'Dev', email: 'dev@example.com', date: c.date };
    return {
      sha: c.sha,
      html_url: `https://github.example/${repo.owner}/${repo.name}/commit/${c.sha}`,
      commit: { message: c.message, author: who, committer: who },
      parents: [],
      ...(detailed ? { stats: { additions, deletions, total: additions + deletions }, files: this.filesJson(c) } : {}),
    };
  }

  private runJson(repo: FakeRepo, r: FakeWorkflowRun) {
    const head = repo.commits.get(r.headSha);
    return {
      id: r.id,
      name: r.name,
      head_branch: r.headBranch,
      head_sha: r.headSha,
      event: r.event,
      status: r.status,
      conclusion: r.conclusion,
      run_number: r.id,
      run_attempt: 1,
      created_at: r.createdAt,
      run_started_at: r.runStartedAt,
      updated_at: r.updatedAt,
      html_url: `https://github.example/${repo.owner}/${repo.name}/actions/runs/${r.id}`,
      head_commit: head ? { id: head.sha, message: head.message, timestamp: head.date } : null,
    };
  }
}
