export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Input written to the prompt cache; default 1.25 × `inputPerMTok` (Anthropic's published multiplier for a 5-minute entry). */
  cacheWritePerMTok?: number;
  /** Input read from the prompt cache; default 0.1 × `inputPerMTok`. */
  cacheReadPerMTok?: number;
}

export type PriceTable = Record<string, ModelPrice>;

/** Anthropic's published prompt-cache multipliers of the input price. */
export const CACHE_WRITE_MULTIPLIER = 1.25;
export const CACHE_READ_MULTIPLIER = 0.1;

/** Tokens of one call; `inputTokens` counts every input token, the cache counts are parts of it. */
export interface BilledUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/**
 * The price of a model: by its exact name, else by the longest table entry it starts with
 * (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`); undefined for unknown models (local ones).
 */
export function priceOf(prices: PriceTable, model: string): ModelPrice | undefined {
  const exact = prices[model];
  if (exact) return exact;
  let best = '';
  for (const key of Object.keys(prices)) if (model.startsWith(key) && key.length > best.length) best = key;
  return best ? prices[best] : undefined;
}

/**
 * Cost in USD of one call: uncached input at the input price, cache writes and reads at their own
 * prices (or the published multipliers of the input price), output at the output price. Unknown
 * models (local ones) cost nothing.
 */
export function costOf(prices: PriceTable, model: string, usage: BilledUsage): number {
  const price = priceOf(prices, model);
  if (!price) return 0;
  const read = usage.cacheReadTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, usage.inputTokens - read - written);
  const writePrice = price.cacheWritePerMTok ?? price.inputPerMTok * CACHE_WRITE_MULTIPLIER;
  const readPrice = price.cacheReadPerMTok ?? price.inputPerMTok * CACHE_READ_MULTIPLIER;
  return (uncached * price.inputPerMTok + written * writePrice + read * readPrice + usage.outputTokens * price.outputPerMTok) / 1_000_000;
}

/** What the same input would have cost without the prompt cache (every input token at the input price). */
export function uncachedInputCostOf(prices: PriceTable, model: string, inputTokens: number): number {
  const price = priceOf(prices, model);
  return price ? (inputTokens * price.inputPerMTok) / 1_000_000 : 0;
}

/** A rough token count (about four characters per token), used to size prompts and `num_ctx`. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
