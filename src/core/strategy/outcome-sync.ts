import type Database from 'better-sqlite3';
import { DeployAgentError } from '../errors';
import { EventsRepository } from '../store/steps';
import { githubClient, type GithubClient, type GithubClientOptions } from '../git/github-client';
import { collectPages } from '../git/github-pages';
import { combineChecks, isRevertOf, labelFor, type ChecksConclusion, type OutcomeLabel } from './outcome-label';

/**
 * `deploy-agent sync`: asks GitHub what became of every shipped deployment (one with a pr_url)
 * — the pull request's state, whether it was merged, its head's CI check runs, whether a later
 * commit on the base branch reverted it — and stores the real outcome in `shipping_outcomes`
 * (migration 006). Each deployment's row is written as soon as it is read, so a sync stopped by
 * a rate limit, a bad token or a lost connection keeps what it had read.
 */
export interface SyncedDeployment {
  id: string;
  prUrl: string;
  repo: string;
  prNumber: number;
  state: 'open' | 'closed';
  merged: boolean;
  checks: ChecksConclusion;
  reverted: boolean;
  label: OutcomeLabel;
  reason: string;
  /** True when the stored row changed (new, or another state/label). */
  changed: boolean;
}

export interface SyncFailure {
  id: string;
  prUrl: string;
  code: string;
  message: string;
  hint: string;
}

export interface SyncResult {
  /** Deployments read from GitHub. */
  checked: number;
  /** Of those, how many stored rows changed. */
  updated: number;
  failures: SyncFailure[];
  deployments: SyncedDeployment[];
  /** Set when the sync stopped early (bad token, rate limit, GitHub unreachable): why, and how many were left. */
  stopped?: { code: string; message: string; hint: string; remaining: number };
}

export interface SyncOptions {
  db: Database.Database;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  now?: () => number;
  /** Only these deployments (default: every one with a pr_url). */
  deploymentIds?: string[];
  /** Tests: a client on a fake server, or other retry/wait settings. */
  client?: GithubClient;
  clientOptions?: Partial<GithubClientOptions>;
  onProgress?(done: number, total: number, id: string): void;
}

/** Errors after which asking about the next deployment is pointless. */
const STOPPING = new Set(['GITHUB_UNAUTHORIZED', 'GITHUB_RATE_LIMITED', 'GITHUB_UNREACHABLE', 'GITHUB_UNAVAILABLE', 'GITHUB_TOKEN_MISSING', 'CANCELLED']);

interface ShippedRow {
  id: string;
  title: string;
  status: string;
  commitSha: string | null;
  prUrl: string;
  rolledBackLocally: number;
}

export async function syncShippedOutcomes(options: SyncOptions): Promise<SyncResult> {
  const { db } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const rows = shippedDeployments(db, options.deploymentIds);
  const result: SyncResult = { checked: 0, updated: 0, failures: [], deployments: [] };
  if (!rows.length) return result;
  const client = options.client ?? (await githubClient({ token: env.GITHUB_TOKEN, baseUrl: env.GITHUB_API_URL, signal: options.signal, ...options.clientOptions }));
  const store = new ShippingOutcomes(db);
  const events = new EventsRepository(db);

  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    options.onProgress?.(i, rows.length, row.id);
    try {
      const read = await readOutcome(client, row);
      const previous = store.get(row.id);
      const changed = !previous || previous.label !== read.label || previous.state !== read.state || previous.merged !== (read.merged ? 1 : 0) || previous.checks !== read.checks || previous.reverted !== (read.reverted ? 1 : 0);
      const at = now();
      db.transaction(() => {
        store.upsert({ ...read, deploymentId: row.id, syncedAt: at });
        if (changed) events.insert(row.id, at, 'outcome.synced', { label: read.label, reason: read.reason, state: read.state, merged: read.merged, checks: read.checks, reverted: read.reverted, previous: previous?.label ?? null });
      })();
      result.checked++;
      if (changed) result.updated++;
      result.deployments.push({ id: row.id, prUrl: row.prUrl, repo: read.repo, prNumber: read.prNumber, state: read.state, merged: read.merged, checks: read.checks, reverted: read.reverted, label: read.label, reason: read.reason, changed });
    } catch (error) {
      const e = error instanceof DeployAgentError ? error : new DeployAgentError('SYNC_FAILED', `Reading ${row.prUrl} failed: ${(error as Error)?.message ?? String(error)}.`, 'Run `deploy-agent sync` again; if it keeps failing, report it with `deploy-agent diagnostics --json`.', { cause: error });
      result.failures.push({ id: row.id, prUrl: row.prUrl, code: e.code, message: e.message, hint: e.hint });
      if (STOPPING.has(e.code)) {
        result.stopped = { code: e.code, message: e.message, hint: e.hint, remaining: rows.length - i - 1 };
        break;
      }
    }
  }
  return result;
}

function shippedDeployments(db: Database.Database, ids: string[] | undefined): ShippedRow[] {
  const all = db
    .prepare(
      `SELECT d.id, d.title, d.status, d.commit_sha AS commitSha, d.pr_url AS prUrl,
              (d.status = 'rolled_back' OR EXISTS (SELECT 1 FROM decisions k WHERE k.deployment_id = d.id AND k.kind = 'rollback')) AS rolledBackLocally
         FROM deployments d
        WHERE d.pr_url IS NOT NULL AND d.pr_url != ''
        ORDER BY d.created_at, d.id`,
    )
    .all() as ShippedRow[];
  return ids ? all.filter((r) => ids.includes(r.id)) : all;
}

/** owner, repo and number from a pull request URL (github.com or an Enterprise host). */
export function parsePullUrl(url: string): { owner: string; repo: string; number: number } | undefined {
  const m = /^https?:\/\/[^/]+\/(?:[^?#]*\/)?([^/?#]+)\/([^/?#]+)\/pulls?\/(\d+)(?:[/?#].*)?$/.exec(url.trim());
  return m ? { owner: m[1]!, repo: m[2]!, number: Number(m[3]) } : undefined;
}

interface ReadOutcome {
  repo: string;
  prUrl: string;
  prNumber: number;
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt: number | null;
  headSha: string | null;
  checks: ChecksConclusion;
  reverted: boolean;
  revertSha: string | null;
  label: OutcomeLabel;
  reason: string;
}

/** Commits on the base branch after the merge that are searched for a revert (newest first). */
const REVERT_SEARCH_LIMIT = 300;

async function readOutcome(client: GithubClient, row: ShippedRow): Promise<ReadOutcome> {
  const parsed = parsePullUrl(row.prUrl);
  if (!parsed) throw new DeployAgentError('PR_URL_UNREADABLE', `"${row.prUrl}" (deployment ${row.id}) is not a pull request URL.`, 'Only deployments shipped as GitHub pull requests (…/owner/repo/pull/N) can be synced.');
  const { owner, repo, number } = parsed;
  const { octokit } = client;
  const pull = (await client.call(`pull request ${owner}/${repo}#${number}`, () => octokit.pulls.get({ owner, repo, pull_number: number }))).data;
  const headSha = pull.head?.sha ?? null;
  const runs = headSha
    ? await collectPages(
        client,
        `the check runs of ${owner}/${repo}@${headSha.slice(0, 12)}`,
        (page, perPage) => octokit.checks.listForRef({ owner, repo, ref: headSha, per_page: perPage, page }),
        (data) => (data as { check_runs: { status: string; conclusion: string | null }[] }).check_runs,
      )
    : [];
  const checks = combineChecks(runs);
  const merged = Boolean(pull.merged || pull.merged_at);
  const mergedAt = pull.merged_at ? Date.parse(pull.merged_at) : null;

  let revertSha: string | null = null;
  if (merged && pull.base?.ref) {
    const target = { title: pull.title, shas: [row.commitSha, pull.merge_commit_sha, headSha], deploymentTitle: row.title, deploymentId: row.id };
    const later = await collectPages(
      client,
      `the commits of ${owner}/${repo}@${pull.base.ref}`,
      (page, perPage) => octokit.repos.listCommits({ owner, repo, sha: pull.base.ref, since: pull.merged_at ?? undefined, per_page: perPage, page }),
      (data) => data as { sha: string; commit: { message: string } }[],
      { max: REVERT_SEARCH_LIMIT },
    );
    revertSha = later.find((c) => c.sha !== pull.merge_commit_sha && isRevertOf(c.commit.message, target))?.sha ?? null;
  }
  const reverted = Boolean(revertSha) || Boolean(row.rolledBackLocally);
  const state = pull.state === 'closed' ? 'closed' : 'open';
  const { label, reason } = labelFor({ state, merged, checks, reverted });
  const why = reverted && !revertSha ? 'the change was rolled back (deploy-agent rollback)' : reason;
  return { repo: `${owner}/${repo}`, prUrl: row.prUrl, prNumber: number, state, merged, mergedAt, headSha, checks, reverted, revertSha, label, reason: why };
}

export interface ShippingOutcomeRow {
  deploymentId: string;
  prUrl: string;
  repo: string;
  prNumber: number;
  state: 'open' | 'closed';
  merged: number;
  mergedAt: number | null;
  headSha: string | null;
  checks: ChecksConclusion;
  reverted: number;
  revertSha: string | null;
  label: OutcomeLabel;
  reason: string;
  syncedAt: number;
}

const SELECT = `SELECT deployment_id AS deploymentId, pr_url AS prUrl, repo, pr_number AS prNumber, state, merged, merged_at AS mergedAt, head_sha AS headSha,
                       checks, reverted, revert_sha AS revertSha, label, reason, synced_at AS syncedAt FROM shipping_outcomes`;

/** The `shipping_outcomes` table (migration 006). */
export class ShippingOutcomes {
  constructor(private readonly db: Database.Database) {}

  get(deploymentId: string): ShippingOutcomeRow | undefined {
    return this.db.prepare(`${SELECT} WHERE deployment_id = ?`).get(deploymentId) as ShippingOutcomeRow | undefined;
  }

  list(): ShippingOutcomeRow[] {
    return this.db.prepare(`${SELECT} ORDER BY synced_at, deployment_id`).all() as ShippingOutcomeRow[];
  }

  upsert(row: Omit<ReadOutcome, 'merged' | 'reverted'> & { merged: boolean; reverted: boolean; deploymentId: string; syncedAt: number }): void {
    this.db
      .prepare(
        `INSERT INTO shipping_outcomes (deployment_id, pr_url, repo, pr_number, state, merged, merged_at, head_sha, checks, reverted, revert_sha, label, reason, synced_at)
         VALUES (@deploymentId, @prUrl, @repo, @prNumber, @state, @merged, @mergedAt, @headSha, @checks, @reverted, @revertSha, @label, @reason, @syncedAt)
         ON CONFLICT(deployment_id) DO UPDATE SET pr_url = excluded.pr_url, repo = excluded.repo, pr_number = excluded.pr_number, state = excluded.state,
           merged = excluded.merged, merged_at = excluded.merged_at, head_sha = excluded.head_sha, checks = excluded.checks, reverted = excluded.reverted,
           revert_sha = excluded.revert_sha, label = excluded.label, reason = excluded.reason, synced_at = excluded.synced_at`,
      )
      .run({
        deploymentId: row.deploymentId,
        prUrl: row.prUrl,
        repo: row.repo,
        prNumber: row.prNumber,
        state: row.state,
        merged: row.merged ? 1 : 0,
        mergedAt: row.mergedAt,
        headSha: row.headSha,
        checks: row.checks,
        reverted: row.reverted ? 1 : 0,
        revertSha: row.revertSha,
        label: row.label,
        reason: row.reason,
        syncedAt: row.syncedAt,
      });
  }
}

export interface DeploymentOutcome {
  deploymentId: string;
  localStatus: string;
  githubLabel: OutcomeLabel | null;
  label: 'success' | 'failure' | null;
  source: 'github' | 'local';
}

/** Every deployment with the label to learn from (the `deployment_outcomes` view; same rule as effectiveOutcomeLabel). */
export function readDeploymentOutcomes(db: Database.Database, options: { finishedOnly?: boolean } = {}): DeploymentOutcome[] {
  return db
    .prepare(
      `SELECT deployment_id AS deploymentId, local_status AS localStatus, github_label AS githubLabel, label, source
         FROM deployment_outcomes ${options.finishedOnly ? 'WHERE label IS NOT NULL' : ''}`,
    )
    .all() as DeploymentOutcome[];
}
