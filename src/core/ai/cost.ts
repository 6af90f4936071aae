export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

export type PriceTable = Record<string, ModelPrice>;

/**
 * Cost in USD of one call. A model is priced by its exact name, else by the longest table
 * entry it starts with (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`); unknown models
 * (local ones) cost nothing.
 */
export function costOf(prices: PriceTable, model: string, usage: { inputTokens: number; outputTokens: number }): number {
  let price = prices[model];
  if (!price) {
    let best = '';
    for (const key of Object.keys(prices)) if (model.startsWith(key) && key.length > best.length) best = key;
    price = best ? prices[best] : undefined;
  }
  if (!price) return 0;
  return (usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1_000_000;
}

/** A rough token count (about four characters per token), used to size prompts and `num_ctx`. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
