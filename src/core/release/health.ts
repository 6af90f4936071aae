import { DeployAgentError } from '../errors';
import { abortableSleep } from '../recovery/retry';
import type { HttpAnswer, TargetHost } from './hosts/host';
import type { ReleaseTarget } from './types';

export interface HealthResult {
  ok: boolean;
  attempts: number;
  /** The last answer (masked), or why there was none. */
  status: number | null;
  body: string;
  ms: number;
  error: string | null;
  /** From the first request to the healthy answer. */
  waitedMs: number;
}

/**
 * Asks the target's health URL on the host until it answers as expected or `timeoutMs` runs out:
 * the first retries quickly (a restarting application needs a moment), then backing off to 2 s.
 */
export async function checkHealth(
  host: TargetHost,
  check: NonNullable<ReleaseTarget['healthCheck']>,
  options: { signal: AbortSignal; baseDelayMs: number; mask(text: string): string; timeoutMs?: number; now?: () => number; once?: boolean },
): Promise<HealthResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const limit = options.timeoutMs ?? check.timeoutMs;
  let attempts = 0;
  let last: HealthResult;
  for (;;) {
    attempts++;
    const remaining = Math.max(100, limit - (now() - started));
    try {
      const answer: HttpAnswer = await host.httpGet(check.url, { timeoutMs: Math.min(remaining, 5000), signal: options.signal });
      const body = options.mask(answer.body).slice(0, 2000);
      const ok = answer.status === check.expectStatus && (check.expectBody === undefined || answer.body.includes(check.expectBody));
      last = { ok, attempts, status: answer.status, body, ms: answer.ms, error: ok ? null : `answered ${answer.status}${answer.status === check.expectStatus ? ' as expected but without the expected text' : ` (expected ${check.expectStatus})`}: ${body.slice(0, 200)}`, waitedMs: now() - started };
      if (ok) return last;
    } catch (error) {
      if (options.signal.aborted) throw error;
      const e = error as NodeJS.ErrnoException;
      last = { ok: false, attempts, status: null, body: '', ms: 0, error: options.mask(e.code && !e.message.includes(e.code) ? `${e.code} ${e.message}` : e.message), waitedMs: now() - started };
    }
    const elapsed = now() - started;
    if (elapsed >= limit || options.once) return last;
    const delay = Math.min(2000, options.baseDelayMs * 2 ** Math.min(attempts - 1, 6), limit - elapsed);
    await abortableSleep(delay, options.signal);
  }
}

export function healthFailed(host: string, check: NonNullable<ReleaseTarget['healthCheck']>, result: HealthResult, appLog: { excerpt: string; patternId: string | null } | null): DeployAgentError {
  const why = result.error ?? 'no healthy answer';
  const log = appLog?.excerpt ? ` The application's log says: ${appLog.excerpt}` : '';
  return new DeployAgentError(
    'HEALTH_CHECK_FAILED',
    `health check ${check.url} on ${host}: ${why} (${result.attempts} tries in ${Math.round(result.waitedMs / 1000)} s).${log}`,
    'Read logs/app.log on the target, fix the cause and release again (`deploy-agent release status` shows what the target runs now).',
    { details: { host, url: check.url, status: result.status, attempts: result.attempts, patternId: appLog?.patternId ?? null } },
  );
}
