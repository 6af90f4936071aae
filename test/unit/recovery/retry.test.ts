import assert from 'node:assert/strict';
import { abortError, parseRetryAfter, retry } from '../../../src/core/recovery/retry';
import { DeployAgentError } from '../../../src/core/errors';

describe('retry with backoff and jitter', () => {
  const transient = (e: unknown) => (e as { status?: number }).status === 503 || (e as { status?: number }).status === 429;

  it('retries transient errors with exponential, jittered delays and then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls < 4) throw Object.assign(new Error('busy'), { status: 503 });
        return 'ok';
      },
      { retries: 5, baseDelayMs: 100, maxDelayMs: 250, isTransient: transient, random: () => 0.5, sleep: async (ms) => void delays.push(ms) },
    );
    assert.equal(result, 'ok');
    assert.equal(calls, 4);
    assert.deepEqual(delays, [50, 100, 125]); // half of 100, 200, min(400, 250)
  });

  it('does not retry a permanent error, and gives up after the last retry', async () => {
    let calls = 0;
    await assert.rejects(retry(async () => { calls++; throw Object.assign(new Error('bad request'), { status: 400 }); }, { retries: 3, baseDelayMs: 1, maxDelayMs: 1, isTransient: transient, sleep: async () => {} }), /bad request/);
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(retry(async () => { calls++; throw Object.assign(new Error('down'), { status: 503 }); }, { retries: 2, baseDelayMs: 1, maxDelayMs: 1, isTransient: transient, sleep: async () => {} }), /down/);
    assert.equal(calls, 3);
  });

  it('honours a delay the server asked for', async () => {
    const delays: number[] = [];
    let calls = 0;
    await retry(
      async () => { if (calls++ === 0) throw Object.assign(new Error('slow down'), { status: 429, retryAfter: '7' }); return 1; },
      { retries: 1, baseDelayMs: 1, maxDelayMs: 10, isTransient: transient, requestedDelayMs: (e) => parseRetryAfter((e as { retryAfter: string }).retryAfter), sleep: async (ms) => void delays.push(ms) },
    );
    assert.deepEqual(delays, [7000]);
  });

  it('stops at once when the signal aborts during a wait', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort('user pressed Ctrl-C'), 20);
    await assert.rejects(
      retry(async () => { throw Object.assign(new Error('x'), { status: 503 }); }, { retries: 10, baseDelayMs: 10000, maxDelayMs: 10000, isTransient: transient, random: () => 1, signal: controller.signal }),
      (e: unknown) => e instanceof DeployAgentError && e.code === 'CANCELLED' && /Ctrl-C/.test(e.message),
    );
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('Sun, 22 Nov 2026 12:00:10 GMT', Date.parse('Sun, 22 Nov 2026 12:00:00 GMT')), 10000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(abortError(new AbortController().signal).code, 'CANCELLED');
  });
});
