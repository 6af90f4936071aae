import type { EventError } from '../deployment/events';

/** A text as one sentence: trimmed, its own closing punctuation replaced by one full stop ("…failed).;" → "…failed)."). */
export function sentence(text: string): string {
  const trimmed = text.trim().replace(/[\s.;,:]+$/, '');
  return trimmed ? `${trimmed}.` : '';
}

/** Several sentences as one list after a colon: "a; b; c." (each part's own full stop dropped). */
export function joinParts(parts: readonly string[]): string {
  return sentence(parts.map((p) => p.trim().replace(/[\s.;,:]+$/, '')).filter(Boolean).join('; '));
}

/** What a front end says when a deployment ended: one headline, and what to do — each once. */
export interface OutcomeMessage {
  headline: string;
  /** What to do, when there is something to do. */
  hint?: string;
}

/**
 * The end of a deployment in words, the same in the terminal and in VS Code. A cancel is said
 * once ("was cancelled"), not "cancelled: Cancelled."; a setup failure or a refusal is named so.
 */
export function outcomeMessage(outcome: { id: string; status: string; goalReached: boolean; goal: string; error: EventError | null }): OutcomeMessage {
  const { id, status, error } = outcome;
  if (status === 'cancelled') return { headline: `Deployment ${id} was cancelled; nothing was left half-done.`, hint: 'Run it again when ready.' };
  if (outcome.goalReached) return { headline: sentence(`Deployment ${id} ${status}: ${outcome.goal}`) };
  const what = error ? sentence(error.message) : '';
  const headline =
    status === 'setup-failed'
      ? `Deployment ${id} could not start: ${what || 'a setup problem.'}`
      : status === 'refused'
        ? `Deployment ${id} was refused: ${what || 'the safety checks refused it.'}`
        : `Deployment ${id} ${status}${what ? `: ${what}` : '.'}`;
  return { headline, ...(error?.hint ? { hint: sentence(error.hint) } : {}) };
}
