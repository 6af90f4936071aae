import assert from 'node:assert/strict';
import { costOf } from '../../../src/core/ai';
import { AiStore } from '../../../src/core/ai/store';
import { describeInput } from '../../../src/core/ai/usage-text';
import { resolveConfig } from '../../../src/core/config/resolve';
import { renderBody } from '../../../src/core/git/pull-request';
import { computeAnalytics } from '../../../src/core/learning';
import { DEFAULT_STRATEGIES } from '../../../src/core/strategy/strategies';
import { addDeployment, DAY, NOW, tempStore } from '../learning/history';

const prices = resolveConfig({}).get<Record<string, { inputPerMTok: number; outputPerMTok: number }>>('ai.prices');

describe('prompt-cache accounting: cost, pull request body, analytics', () => {
  it('prices cache writes at 1.25× and reads at 0.1× of the input price, per model; an explicit price wins', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 800_000, cacheWriteTokens: 100_000 };
    // claude-sonnet-4-6: $3 in → 100k uncached $0.30 + 100k written $0.375 + 800k read $0.24.
    assert.equal(Number(costOf(prices, 'claude-sonnet-4-6', usage).toFixed(6)), 0.915);
    assert.equal(Number(costOf(prices, 'claude-haiku-4-5-20251001', usage).toFixed(6)), 0.305, 'a dated name is priced by its family');
    assert.equal(Number(costOf({ m: { inputPerMTok: 10, outputPerMTok: 0 } }, 'm', usage).toFixed(6)), 3.05, 'without cache prices: the published multipliers');
    assert.equal(costOf({ m: { inputPerMTok: 10, outputPerMTok: 0, cacheReadPerMTok: 0 } }, 'm', usage), 2.25, 'a contract price for reads');
    assert.equal(costOf(prices, 'qwen2.5-coder:7b', usage), 0, 'local models cost nothing');
    assert.equal(costOf(prices, 'claude-sonnet-4-6', { inputTokens: 1_000_000, outputTokens: 0 }), 3, 'no cache: all input at the input price');
  });

  it('the pull request body says how much input was read from or written to the cache', () => {
    const body = renderBody(
      { title: 'Add mul', description: 'Add mul(a, b).' },
      {
        summary: 'Added mul.',
        tests: { passed: 2, failed: 0, skipped: 0 },
        repairs: 0,
        strategy: { ...DEFAULT_STRATEGIES.balanced, name: 'balanced', reasons: ['the model chose it'] },
        filesWritten: ['src/calc.js'],
        model: { provider: 'anthropic', model: 'claude-sonnet-4-6', inputTokens: 120_000, cacheReadTokens: 100_000, cacheWriteTokens: 12_000, outputTokens: 3000, costUsd: 0.1234 },
      },
    );
    assert.match(body, /anthropic claude-sonnet-4-6 — 120,000 input tokens \(100,000 read from the prompt cache, 12,000 written to it, 8,000 uncached\) \/ 3000 output tokens, \$0\.1234/);
    assert.equal(describeInput({ inputTokens: 5000 }), '5,000 input tokens', 'a local model has no cache to speak of');
  });

  it('analytics sums the window’s model input, cached and not, in the repository’s scope', () => {
    const t = tempStore();
    try {
      const ai = new AiStore(t.store.db);
      const a = addDeployment(t.store.db, { createdAt: NOW - 2 * DAY });
      const b = addDeployment(t.store.db, { createdAt: NOW - 2 * DAY, repoPath: '/repo/b' });
      const call = (id: string, input: number, read: number, written: number) =>
        ai.recordCall({ deploymentId: id, provider: 'anthropic', model: 'claude-sonnet-4-6', inputTokens: input, cacheReadTokens: read, cacheWriteTokens: written, outputTokens: 10, costUsd: 0.01, durationMs: 5, cached: false, attempts: 1, status: 'ok' }, NOW - 2 * DAY);
      call(a, 10_000, 8_000, 1_000);
      call(a, 2_000, 0, 0);
      call(b, 50_000, 0, 40_000);
      ai.recordCall({ deploymentId: a, provider: 'anthropic', model: 'claude-sonnet-4-6', inputTokens: 0, outputTokens: 0, costUsd: 0, durationMs: 5, cached: false, attempts: 3, status: 'error' }, NOW - 2 * DAY);
      assert.deepEqual(computeAnalytics(t.store, { now: NOW, repoPath: '/repo/a' }).modelInput, { inputTokens: 12_000, cacheReadTokens: 8_000, cacheWriteTokens: 1_000, uncachedTokens: 3_000 });
      assert.deepEqual(computeAnalytics(t.store, { now: NOW }).modelInput, { inputTokens: 62_000, cacheReadTokens: 8_000, cacheWriteTokens: 41_000, uncachedTokens: 13_000 });
      assert.equal(computeAnalytics(t.store, { now: NOW, days: 1 }).modelInput.inputTokens, 0, 'outside the window');
    } finally {
      t.cleanup();
    }
  });
});
