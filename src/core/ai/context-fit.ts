import { estimateTokens } from './cost';
import { coarseContext, CONVERSATION_ROOM } from './ollama-context';
import { AGENT_TOOLS } from './tools/tools';
import type { ChatMessage } from './types';

/** Tokens kept free beyond the prompt and the answer (the chat template's own tokens, estimation error). */
export const RESERVED_TOKENS = 512;

let toolTokenCache: number | undefined;
/** Estimated tokens of the tool definitions sent with every native-tools request. */
export function toolsTokens(): number {
  return (toolTokenCache ??= estimateTokens(JSON.stringify(AGENT_TOOLS)));
}

/**
 * What a phase needs when its context size is chosen: the system prompt, the tools, the first
 * message, the answer's room and room for the conversation's turns.
 */
export function phaseNeed(system: string, firstMessage: string, nativeTools: boolean, outputRoom: number): number {
  return estimateTokens(system) + estimateTokens(firstMessage) + (nativeTools ? toolsTokens() : 0) + RESERVED_TOKENS + outputRoom + CONVERSATION_ROOM;
}

const ELIDED = '(earlier output elided to fit the context)';
const tokenSizes = new WeakMap<ChatMessage, number>();

/** Estimated tokens of one message, remembered (messages are not changed in place, only replaced). */
function messageTokens(m: ChatMessage): number {
  let n = tokenSizes.get(m);
  if (n === undefined) {
    n = estimateTokens(m.content) + (m.role === 'assistant' && m.toolCalls ? estimateTokens(JSON.stringify(m.toolCalls)) : 0) + 4;
    tokenSizes.set(m, n);
  }
  return n;
}

/** The context of a request: the size in use (`numCtx`) and the most it may grow to (`limit`). */
export interface ContextWindow {
  numCtx: number;
  limit: number;
}

export interface ContextFit {
  ok: boolean;
  /** The context to send: the window's, or the larger one the conversation needs (`grew`). */
  numCtx: number;
  /** Tokens the request needs (prompt, conversation and the answer's room) after eliding. */
  needed: number;
  grew: boolean;
}

/**
 * Keeps the request inside the window's context: when the conversation has outgrown it, the
 * oldest tool output is elided first (the last messages stay whole), then the content of files the
 * model itself wrote earlier. Only when it still does not fit does the context grow, to the next
 * coarse size up to the limit (`grew`: for Ollama that is a reload); beyond the limit it fails.
 */
export function fitContext(system: string, messages: ChatMessage[], window: ContextWindow, nativeTools: boolean, outputRoom = 4096): ContextFit {
  const target = Math.min(window.numCtx, window.limit);
  const fixed = estimateTokens(system) + (nativeTools ? toolsTokens() : 0) + RESERVED_TOKENS;
  const size = () => fixed + messages.reduce((n, m) => n + messageTokens(m), 0);
  let needed = size() + outputRoom;
  for (let i = 1; needed > target && i < messages.length - 4; i++) {
    const m = messages[i]!;
    if ((m.role === 'tool' || (m.role === 'user' && m.content.startsWith('Results of your actions'))) && m.content !== ELIDED && m.content.length > ELIDED.length) {
      messages[i] = { ...m, content: ELIDED };
      needed = size() + outputRoom;
    }
  }
  // Then what the model itself sent earlier: the content of files it wrote is in the workspace (read_file shows it again).
  for (let i = 1; needed > target && i < messages.length - 1; i++) {
    const m = messages[i]!;
    if (m.role !== 'assistant' || !m.toolCalls?.length) continue;
    const toolCalls = m.toolCalls.map((call) => {
      if (!call.arguments) return call;
      const args = Object.fromEntries(Object.entries(call.arguments).map(([key, value]) => [key, typeof value === 'string' && value.length > ELIDED.length * 4 ? ELIDED : value]));
      return { ...call, arguments: args };
    });
    messages[i] = { ...m, toolCalls };
    needed = size() + outputRoom;
  }
  if (needed <= target) return { ok: true, numCtx: target, needed, grew: false };
  if (needed > window.limit) return { ok: false, numCtx: target, needed, grew: false };
  return { ok: true, numCtx: coarseContext(needed, window.limit), needed, grew: true };
}
