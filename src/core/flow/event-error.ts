import { DeployAgentError } from '../errors';
import type { EventError } from '../deployment/events';
import { secretRegistry } from '../security/registry';

/**
 * What a step's failure looks like in events, step records and the outcome: code, sentence, what
 * to do — without secrets (a failing hook's or test's output is often quoted in the message).
 */
export function toEventError(error: unknown, signal: AbortSignal): EventError {
  return secretRegistry.redactor().value(describe(error, signal));
}

function describe(error: unknown, signal: AbortSignal): EventError {
  if (error instanceof DeployAgentError) return { code: error.code, message: error.message, hint: error.hint };
  if (signal.aborted) return { code: 'CANCELLED', message: 'Cancelled.', hint: 'Nothing was left half-done; run the command again when ready.' };
  return { code: 'UNEXPECTED', message: (error as Error)?.message ?? String(error), hint: 'This is a bug in Deploy Agent; please report it with `deploy-agent diagnostics --json`.' };
}
