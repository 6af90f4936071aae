import { DeployAgentError } from '../errors';

export interface RetryOptions {
  /** Attempts after the first one. */
  retries: number;
  /** First delay; doubles each attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Which errors are worth another try (429, 5xx, connection reset, timeouts…). */
  isTransient(error: unknown): boolean;
  /** A delay the server asked for (Retry-After, a rate-limit reset), which wins over backoff. */
  requestedDelayMs?(error: unknown): number | undefined;
  /**
   * The longest requested delay that is waited for; a longer one ends the retries at once with
   * `waitTooLong(error, requestedMs)` (default: the error itself), so a server asking for an hour
   * never holds the caller for an hour.
   */
  maxRequestedDelayMs?: number;
  waitTooLong?(error: unknown, requestedMs: number): unknown;
  signal?: AbortSignal;
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
  /** Injected for tests: random in [0, 1) and the sleep. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Calls `operation` until it succeeds, a non-transient error occurs, the retries run out or
 * the signal aborts. Backoff is exponential with "full jitter" (a random delay between 0 and
 * the exponential cap), which spreads out clients that failed together.
 */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await operation(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw abortError(options.signal);
      if (attempt >= options.retries || !options.isTransient(error)) throw error;
      const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
      const requested = options.requestedDelayMs?.(error);
      if (requested !== undefined && options.maxRequestedDelayMs !== undefined && requested > options.maxRequestedDelayMs) {
        throw options.waitTooLong ? options.waitTooLong(error, requested) : error;
      }
      const delayMs = requested !== undefined ? Math.min(Math.max(0, requested), Math.max(options.maxDelayMs, requested)) : Math.round(random() * cap);
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** The error every cancelled operation ends with, so callers can tell cancellation from failure. */
export function abortError(signal: AbortSignal): DeployAgentError {
  const reason = signal.reason instanceof Error ? signal.reason.message : signal.reason ? String(signal.reason) : 'cancelled';
  return new DeployAgentError('CANCELLED', `Cancelled: ${reason}.`, 'Nothing was left half-done; run the command again when ready.');
}

export function isCancellation(error: unknown): boolean {
  return error instanceof DeployAgentError && error.code === 'CANCELLED';
}

/** Parses an HTTP Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
