import { DeployAgentError } from '../../errors';
import { parseRetryAfter } from '../../recovery/retry';
import type { ProviderName } from '../types';

export type ProviderErrorKind = 'rate_limited' | 'server' | 'network' | 'timeout' | 'bad_stream' | 'auth' | 'rejected' | 'not_found' | 'unavailable';

const TRANSIENT: ReadonlySet<ProviderErrorKind> = new Set(['rate_limited', 'server', 'network', 'timeout', 'bad_stream']);

/**
 * A failed model request, classified so the router knows whether to retry (429, 5xx,
 * connection reset, timeout, a stream cut short), wait (`retryAfterMs`), or fall back.
 */
export class ProviderError extends DeployAgentError {
  readonly provider: ProviderName;
  readonly kind: ProviderErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(provider: ProviderName, kind: ProviderErrorKind, message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown; hint?: string } = {}) {
    super(`MODEL_${kind.toUpperCase()}`, message, options.hint ?? defaultHint(provider, kind), { cause: options.cause, details: { provider, kind, status: options.status } });
    this.name = 'ProviderError';
    this.provider = provider;
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

function defaultHint(provider: ProviderName, kind: ProviderErrorKind): string {
  const label = provider === 'ollama' ? 'Ollama' : 'Anthropic';
  switch (kind) {
    case 'auth':
      return provider === 'anthropic' ? 'Check the Anthropic API key (ANTHROPIC_API_KEY, or "Deploy Agent: Set Anthropic API Key" in VS Code).' : `Check the ${label} server's access settings.`;
    case 'not_found':
      return provider === 'ollama' ? 'Pull the model with `ollama pull <model>`, or choose another in deployAgent.ollama.model.' : 'Choose an available model in deployAgent.anthropic.model.';
    case 'unavailable':
    case 'network':
      return provider === 'ollama' ? 'Start Ollama with `ollama serve`, or set OLLAMA_HOST to where it runs.' : 'Check the network connection and ANTHROPIC_BASE_URL.';
    case 'rate_limited':
      return `${label} is rate-limiting requests; wait a moment or lower the request rate.`;
    default:
      return `Try again; if it keeps failing, check the ${label} server.`;
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

/** The errno-style code of a failed fetch (undici puts it on `cause`). */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classifies an HTTP status into a kind (429 → rate_limited, 5xx → server …). */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 429 || status === 529) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  return 'rejected';
}

export function retryAfterFrom(headers: { get(name: string): string | null } | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  return parseRetryAfter(headers.get('retry-after'));
}

/** Removes every occurrence of the given secrets from a text (error messages, transcripts). */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
  return out;
}
