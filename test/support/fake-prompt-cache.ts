import { createHash } from 'node:crypto';

/**
 * Anthropic's prompt cache as the Messages API documents it, for the fake server:
 *
 * - The prompt is the tools, then the system prompt, then the messages, as a sequence of blocks.
 *   A block with `cache_control` is a breakpoint (at most 4, a top-level `cache_control` marks the
 *   last block; more is a 400 error). The cache key of a breakpoint is everything up to and
 *   including its block, with the model: any change before it (a tool, the system prompt, an
 *   earlier message, another model) is another key.
 * - Reading: from each breakpoint the API looks back at most 20 block boundaries for a prefix that
 *   is in the cache; the longest found is read (`cache_read_input_tokens`) and its lifetime renewed.
 * - Writing: the prefix up to the last breakpoint beyond what was read is written
 *   (`cache_creation_input_tokens`: the tokens from the end of the read to that breakpoint), and so
 *   is every breakpoint on the way — but only a prefix of at least the model's minimum cacheable
 *   length (1,024 to 4,096 tokens) is cached at all; a shorter one is billed as plain input.
 * - An entry lives 5 minutes (`ttl: "1h"`: an hour) from its last use.
 * - `input_tokens` is what is left: the tokens after the last breakpoint, and all of a prompt that
 *   was not cached.
 *
 * Tokens are estimated as the fake does everywhere (JSON characters / 4).
 */
export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Minimum cacheable prompt length per model family (tokens), as published; others: 1,024. */
export const MINIMUM_CACHEABLE: Record<string, number> = {
  'claude-opus-4-6': 4096,
  'claude-opus-4-5': 4096,
  'claude-haiku-4-5': 4096,
  'claude-sonnet-4-6': 2048,
  'claude-sonnet-4-5': 1024,
  'claude-sonnet-4': 1024,
  'claude-opus-4-1': 1024,
};

const LOOKBACK = 20;
const MAX_BREAKPOINTS = 4;
const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

interface Block {
  json: string;
  tokens: number;
  ttlMs?: number;
}

export class PromptCacheError extends Error {}

export class FakePromptCache {
  private readonly entries = new Map<string, { expiresAt: number; ttlMs: number }>();
  /** Every request's usage, in order (assertions and the bench read them). */
  readonly usages: CacheUsage[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** The usage of one request; throws PromptCacheError for more than four breakpoints. */
  use(body: Record<string, unknown>): CacheUsage {
    const model = String(body.model ?? '');
    const blocks = blocksOf(body);
    const breakpoints = blocks.map((b, i) => (b.ttlMs ? i : -1)).filter((i) => i >= 0);
    if (breakpoints.length > MAX_BREAKPOINTS) throw new PromptCacheError(`A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints.length}.`);
    const total = blocks.reduce((n, b) => n + b.tokens, 0);
    const prefixTokens: number[] = [];
    const keys: string[] = [];
    const hash = createHash('sha256').update(model);
    let running = 0;
    for (const block of blocks) {
      hash.update('\u0000').update(block.json);
      keys.push(hash.copy().digest('hex'));
      running += block.tokens;
      prefixTokens.push(running);
    }
    const minimum = minimumFor(model);
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);

    // The longest cached prefix within the look-back window of any breakpoint.
    let hit = -1;
    for (const b of breakpoints) {
      for (let i = b; i >= 0 && i > b - LOOKBACK; i--) {
        if (i > hit && this.entries.has(keys[i]!)) {
          hit = i;
          break;
        }
      }
    }
    if (hit >= 0) {
      const entry = this.entries.get(keys[hit]!)!;
      entry.expiresAt = now + entry.ttlMs;
    }
    const read = hit >= 0 ? prefixTokens[hit]! : 0;

    let writtenTo = -1;
    for (const b of breakpoints) {
      if (b <= hit || prefixTokens[b]! < minimum) continue;
      const ttlMs = blocks[b]!.ttlMs!;
      this.entries.set(keys[b]!, { expiresAt: now + ttlMs, ttlMs });
      writtenTo = b;
    }
    const written = writtenTo >= 0 ? prefixTokens[writtenTo]! - read : 0;
    const usage = { input_tokens: total - read - written, cache_creation_input_tokens: written, cache_read_input_tokens: read };
    this.usages.push(usage);
    return usage;
  }

  /** Forgets everything (as an organisation's cache is after its entries expired). */
  clear(): void {
    this.entries.clear();
  }
}

function minimumFor(model: string): number {
  let best = '';
  for (const key of Object.keys(MINIMUM_CACHEABLE)) if (model.startsWith(key) && key.length > best.length) best = key;
  return best ? MINIMUM_CACHEABLE[best]! : 1024;
}

/** The prompt as blocks in the order the API caches it: tools, system, messages. */
function blocksOf(body: Record<string, unknown>): Block[] {
  const blocks: Block[] = [];
  const add = (value: Record<string, unknown>, prefix = '') => {
    const { cache_control: control, ...rest } = value as { cache_control?: { type?: string; ttl?: string } };
    const json = prefix + JSON.stringify(rest);
    const ttl = control ? (control.ttl === '1h' ? TTL_MS['1h'] : TTL_MS['5m']) : undefined;
    blocks.push({ json, tokens: Math.ceil(json.length / 4), ...(ttl ? { ttlMs: ttl } : {}) });
  };
  for (const tool of (body.tools as Record<string, unknown>[] | undefined) ?? []) add(tool, 'tool:');
  const system = body.system;
  if (typeof system === 'string' && system) add({ type: 'text', text: system }, 'system:');
  else if (Array.isArray(system)) for (const block of system as Record<string, unknown>[]) add(block, 'system:');
  for (const message of (body.messages as { role: string; content: unknown }[] | undefined) ?? []) {
    const content = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : ((message.content as Record<string, unknown>[]) ?? []);
    content.forEach((block, i) => add(block, i === 0 ? `${message.role}:` : ''));
  }
  const top = body.cache_control as { ttl?: string } | undefined;
  if (top && blocks.length) blocks[blocks.length - 1]!.ttlMs = top.ttl === '1h' ? TTL_MS['1h'] : TTL_MS['5m'];
  return blocks;
}
