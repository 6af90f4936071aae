/**
 * Every error Deploy Agent shows carries a stable code, a plain sentence of what went
 * wrong and what to do about it. Front ends print `message` and `hint`; tests match `code`.
 */
export class DeployAgentError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, hint: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeployAgentError';
    this.code = code;
    this.hint = hint;
    this.details = options?.details;
  }

  toJSON(): { code: string; message: string; hint: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, hint: this.hint, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isDeployAgentError(value: unknown): value is DeployAgentError {
  return value instanceof DeployAgentError;
}

/** A readable one-liner for any thrown value, without losing a DeployAgentError's hint. */
export function describeError(error: unknown): string {
  if (error instanceof DeployAgentError) return `${error.message} ${error.hint}`.trim();
  if (error instanceof Error) return error.message;
  return String(error);
}
