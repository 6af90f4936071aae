import type { Octokit } from '@octokit/rest';
import { DeployAgentError } from '../errors';
import { parseRetryAfter, retry } from '../recovery/retry';

/**
 * One Octokit for every GitHub call (pull requests, sync, history import): GITHUB_API_URL
 * for GitHub Enterprise, Octokit's own retries off, ours on — transient failures (5xx, connection
 * errors, 429, 403 rate limits) retried with backoff, and a rate limit waits for its reset
 * (retry-after or x-ratelimit-reset) as long as that is under `maxRateLimitWaitMs`.
 */
export interface GithubClientOptions {
  token: string | undefined;
  baseUrl?: string;
  signal?: AbortSignal;
  retries?: number;
  baseDelayMs?: number;
  /** A rate limit that resets later than this is not waited for: the call fails with GITHUB_RATE_LIMITED. */
  maxRateLimitWaitMs?: number;
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
}

export interface GithubClient {
  octokit: Octokit;
  baseUrl: string;
  /** Runs one request (or a paginated series) with retries; failures become DeployAgentErrors. */
  call<T>(what: string, op: () => Promise<T>): Promise<T>;
}

export const DEFAULT_GITHUB_API = 'https://api.github.com';

export async function githubClient(options: GithubClientOptions): Promise<GithubClient> {
  if (!options.token) {
    throw new DeployAgentError('GITHUB_TOKEN_MISSING', 'No GitHub token: GitHub cannot be asked.', 'Set GITHUB_TOKEN (a token that can read the repository: pull requests, checks, actions) and run the command again.');
  }
  const baseUrl = (options.baseUrl || DEFAULT_GITHUB_API).replace(/\/+$/, '');
  const silent = () => {};
  // Octokit (its table of every REST endpoint is built at load) is loaded by the first GitHub call, not with the services.
  const { Octokit: OctokitClient } = await import('@octokit/rest');
  const octokit = new OctokitClient({ auth: options.token, baseUrl, request: { signal: options.signal }, retry: { enabled: false }, log: { debug: silent, info: silent, warn: silent, error: silent } });
  const maxWait = options.maxRateLimitWaitMs ?? 60_000;
  const call = async <T>(what: string, op: () => Promise<T>): Promise<T> => {
    try {
      return await retry(op, {
        retries: options.retries ?? 4,
        baseDelayMs: options.baseDelayMs ?? 300,
        maxDelayMs: Math.max(10_000, maxWait),
        signal: options.signal,
        onRetry: options.onRetry,
        isTransient: (e) => {
          const status = statusOf(e);
          if (isRateLimit(e)) return (rateLimitWaitMs(e) ?? 0) <= maxWait;
          return status === undefined || status >= 500;
        },
        requestedDelayMs: rateLimitWaitMs,
      });
    } catch (error) {
      throw explainGithubError(error, what, baseUrl);
    }
  };
  return { octokit, baseUrl, call };
}

/** The HTTP status GitHub answered; undefined when no answer came (Octokit reports network errors as 500 without a response). */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number') return undefined;
  return (error as { response?: unknown }).response ? status : undefined;
}

function headersOf(error: unknown): Record<string, string | undefined> {
  return (error as { response?: { headers?: Record<string, string | undefined> } }).response?.headers ?? {};
}

export function isRateLimit(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 429) return true;
  return status === 403 && (headersOf(error)['x-ratelimit-remaining'] === '0' || /rate limit/i.test((error as Error).message ?? ''));
}

/** How long GitHub asked us to wait (retry-after, else until x-ratelimit-reset), in ms. */
export function rateLimitWaitMs(error: unknown): number | undefined {
  if (!isRateLimit(error)) return undefined;
  const headers = headersOf(error);
  const after = parseRetryAfter(headers['retry-after']);
  if (after !== undefined) return after;
  const reset = Number(headers['x-ratelimit-reset']);
  // The reset is in whole seconds: wait until just past it.
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - Date.now() + 250);
  return 60_000; // a secondary limit without a hint: GitHub asks for at least a minute
}

/** A GitHub failure as the user should read it: what happened and what to do. */
export function explainGithubError(error: unknown, what: string, baseUrl: string): DeployAgentError {
  if (error instanceof DeployAgentError) return error;
  const status = statusOf(error);
  const message = (error as Error)?.message ?? String(error);
  if (status === 401) {
    return new DeployAgentError('GITHUB_UNAUTHORIZED', `GitHub refused the token (401 ${message}) while reading ${what}.`, 'Check GITHUB_TOKEN: it may be mistyped, expired or revoked. Create a new token and run the command again.', { cause: error });
  }
  if (isRateLimit(error)) {
    const wait = rateLimitWaitMs(error);
    const when = wait !== undefined ? ` (it resets in about ${Math.ceil(wait / 60_000)} min)` : '';
    return new DeployAgentError('GITHUB_RATE_LIMITED', `GitHub's rate limit was reached while reading ${what}${when}.`, 'Wait for the reset and run the command again; what was already read is kept. A token (GITHUB_TOKEN) has a higher limit than none.', { cause: error, details: { waitMs: wait } });
  }
  if (status === 404) {
    return new DeployAgentError('GITHUB_NOT_FOUND', `GitHub does not know ${what}, or the token cannot see it (404).`, 'Check the repository name and that GITHUB_TOKEN has access to it (private repositories need the repo scope).', { cause: error });
  }
  if (status === 403) {
    return new DeployAgentError('GITHUB_FORBIDDEN', `GitHub refused to show ${what} (403 ${message}).`, 'Give GITHUB_TOKEN read access to pull requests, checks and actions of the repository.', { cause: error });
  }
  if (status !== undefined && status >= 500) {
    return new DeployAgentError('GITHUB_UNAVAILABLE', `GitHub answered ${status} for ${what}, also after retries.`, 'GitHub is having trouble (see githubstatus.com); run the command again later.', { cause: error });
  }
  if (status === undefined) {
    return new DeployAgentError('GITHUB_UNREACHABLE', `GitHub (${baseUrl}) could not be reached while reading ${what}: ${message}.`, 'Check the network connection (and GITHUB_API_URL for GitHub Enterprise), then run the command again.', { cause: error });
  }
  return new DeployAgentError('GITHUB_REQUEST_FAILED', `GitHub answered ${status} for ${what}: ${message}.`, 'Check the repository and the token, then run the command again.', { cause: error });
}
