import assert from 'node:assert/strict';
import { coarseContext, costOf, DeploymentBudget, fitContext, responseCacheKey } from '../../../src/core/ai';
import { CircuitBreaker } from '../../../src/core/ai/circuit-breaker';

describe('router parts', () => {
  it('prices calls by model (dated names match their family; local models are free)', () => {
    const prices = { 'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15 } };
    assert.equal(costOf(prices, 'claude-sonnet-4-6', { inputTokens: 1_000_000, outputTokens: 100_000 }), 4.5);
    assert.equal(costOf(prices, 'claude-sonnet-4-6-20260101', { inputTokens: 1_000_000, outputTokens: 0 }), 3);
    assert.equal(costOf(prices, 'qwen2.5-coder:7b', { inputTokens: 1_000_000, outputTokens: 1_000_000 }), 0);
  });

  it('a circuit opens after consecutive failures, half-opens after the cooldown, and closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 1000, () => now);
    breaker.failure();
    breaker.failure();
    assert.equal(breaker.state, 'closed');
    breaker.failure();
    assert.equal(breaker.allows(), false);
    now = 1000;
    assert.equal(breaker.state, 'half-open');
    breaker.failure();
    assert.equal(breaker.state, 'open', 'a failed probe re-opens it');
    now = 2000;
    breaker.success();
    assert.equal(breaker.state, 'closed');
  });

  it('the cache key changes with provider, model, messages and tools', () => {
    const base = responseCacheKey('ollama', 'm', 's', [{ role: 'user', content: 'a' }], undefined);
    assert.equal(base, responseCacheKey('ollama', 'm', 's', [{ role: 'user', content: 'a' }], undefined));
    assert.notEqual(base, responseCacheKey('anthropic', 'm', 's', [{ role: 'user', content: 'a' }], undefined));
    assert.notEqual(base, responseCacheKey('ollama', 'm2', 's', [{ role: 'user', content: 'a' }], undefined));
    assert.notEqual(base, responseCacheKey('ollama', 'm', 's', [{ role: 'user', content: 'b' }], undefined));
    assert.notEqual(base, responseCacheKey('ollama', 'm', 's', [{ role: 'user', content: 'a' }], []));
  });

  it('the context stays at its size while the conversation fits; old tool output is elided before it grows to the next coarse size', () => {
    const small = fitContext('sys', [{ role: 'user', content: 'x'.repeat(4000) }], { numCtx: 16384, limit: 32768 }, true, 1000);
    assert.deepEqual([small.ok, small.numCtx, small.grew], [true, 16384, false], 'a small prompt keeps the chosen size (no smaller num_ctx: that would be a reload)');
    const messages = [
      { role: 'user' as const, content: 'task' },
      ...Array.from({ length: 10 }, (_, i) => ({ role: 'tool' as const, toolCallId: `c${i}`, name: 'read_file', content: 'y'.repeat(8000) })),
    ];
    const fit = fitContext('sys', messages, { numCtx: 16384, limit: 16384 }, true, 1000);
    assert.deepEqual([fit.ok, fit.numCtx, fit.grew], [true, 16384, false]);
    assert.ok(messages.slice(0, 7).some((m) => m.content.startsWith('(earlier output elided')));
    assert.equal(messages.at(-1)!.content.length, 8000, 'the latest output stays whole');
    // The last messages are kept whole: when they alone outgrow the size, the context grows to the next coarse size.
    const recent = [{ role: 'user' as const, content: 'task' }, ...Array.from({ length: 4 }, (_, i) => ({ role: 'tool' as const, toolCallId: `r${i}`, name: 'read_file', content: 'w'.repeat(40_000) }))];
    const grown = fitContext('sys', recent, { numCtx: 16384, limit: 65536 }, true, 1000);
    assert.deepEqual([grown.ok, grown.numCtx, grown.grew], [true, 65536, true]);
    assert.ok(grown.needed > 32768 && grown.needed <= 65536, String(grown.needed));
    assert.equal(fitContext('sys', [{ role: 'user', content: 'z'.repeat(100_000) }], { numCtx: 8192, limit: 8192 }, true).ok, false);
  });

  it('context sizes are coarse: the smallest of 8k/16k/32k/64k/128k that holds the need, never above the limit', () => {
    assert.equal(coarseContext(3000, 32768), 8192);
    assert.equal(coarseContext(8193, 32768), 16384);
    assert.equal(coarseContext(20_000, 32768), 32768);
    assert.equal(coarseContext(40_000, 32768), 32768, 'capped by the limit');
    assert.equal(coarseContext(40_000, 131072), 65536);
    assert.equal(coarseContext(3000, 4096), 4096, 'a model smaller than 8k gets its own limit');
  });

  it('the deployment budget reports the first limit reached', () => {
    const budget = new DeploymentBudget({ maxTurns: 10, maxTokens: 1000, maxCostUsd: 0.5 });
    budget.charge({ inputTokens: 400, outputTokens: 100, costUsd: 0.2 });
    assert.equal(budget.exceeded(), undefined);
    budget.charge({ inputTokens: 100, outputTokens: 10, costUsd: 0.4 });
    assert.equal(budget.exceeded()?.limit, 'cost');
    const tokens = new DeploymentBudget({ maxTurns: 10, maxTokens: 100, maxCostUsd: 1 });
    tokens.charge({ inputTokens: 90, outputTokens: 20, costUsd: 0 });
    assert.equal(tokens.exceeded()?.limit, 'tokens');
  });
});
