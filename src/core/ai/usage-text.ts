/** Input tokens of a call or a deployment; the cache counts are parts of `inputTokens`. */
export interface InputUsage {
  inputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

const n = (value: number) => value.toLocaleString('en-US');

/** The input tokens not read from nor written to the prompt cache (billed at the full input price). */
export function uncachedInput(usage: InputUsage): number {
  return Math.max(0, usage.inputTokens - (usage.cacheReadTokens ?? 0) - (usage.cacheWriteTokens ?? 0));
}

/**
 * "12,000 input tokens (9,000 read from the prompt cache, 1,000 written to it, 2,000 uncached)";
 * without any cache activity (a local model) just "12,000 input tokens".
 */
export function describeInput(usage: InputUsage): string {
  const read = usage.cacheReadTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  if (!read && !written) return `${n(usage.inputTokens)} input tokens`;
  return `${n(usage.inputTokens)} input tokens (${n(read)} read from the prompt cache, ${n(written)} written to it, ${n(uncachedInput(usage))} uncached)`;
}
