import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AGENT_TOOLS, DeploymentBudget, runAgentPhase, type ChatMessage, type PhaseContext } from '../../../src/core/ai';
import { AnthropicProvider } from '../../../src/core/ai/providers/anthropic';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { FakeAnthropic } from '../../support/fake-anthropic';
import type { ScriptedTurn } from '../../support/fake-model-script';
import { tempDir } from '../../support/temp';
import { testRouter, type Fakes } from './helpers';
import { FakeOllama } from '../../support/fake-ollama';

const SONNET = { input: 3, output: 15 };
const repoMap = Array.from({ length: 400 }, (_, i) => `src/module${i % 20}/file${i}.ts: export function handler${i}(request: Request): Response`).join('\n');
const context: PhaseContext = {
  recommendation: { title: 'Add a greeting helper', description: 'Export greet(name) from src/greet.ts returning "Hello, <name>!".', acceptanceCriteria: ['greet("Ada") returns "Hello, Ada!"'] },
  repoMap,
};

type Body = { system: { text: string; cache_control?: unknown }[]; tools: { name: string; cache_control?: unknown }[]; messages: { role: string; content: { type: string; cache_control?: unknown }[] }[] };

function breakpoints(body: Body): string[] {
  const marks: string[] = [];
  body.tools.forEach((t, i) => t.cache_control && marks.push(`tool ${i}`));
  body.system.forEach((s, i) => s.cache_control && marks.push(`system ${i}`));
  body.messages.forEach((m, i) => m.content.forEach((b, j) => b.cache_control && marks.push(`message ${i}.${j}`)));
  return marks;
}

describe('Anthropic prompt caching (real SDK, fake Messages API with the cache semantics)', function () {
  this.timeout(60_000);
  let anthropic: FakeAnthropic;
  let clock: number;
  let sandbox: { path: string; cleanup(): void };
  let dbDir: { path: string; cleanup(): void };
  let store: HistoryStore;
  let fakes: Fakes;

  beforeEach(async () => {
    clock = Date.UTC(2026, 0, 1);
    anthropic = new FakeAnthropic({ now: () => clock, models: ['claude-sonnet-4-6', 'claude-opus-4-6', 'claude-opus-4-1'] });
    const ollama = new FakeOllama();
    await Promise.all([anthropic.listen(), ollama.listen()]);
    fakes = { ollama, anthropic, close: async () => void (await Promise.all([ollama.close(), anthropic.close()])) };
    sandbox = tempDir('deploy-agent-cache-');
    dbDir = tempDir('deploy-agent-cache-db-');
    store = openHistoryStore(path.join(dbDir.path, 'history.db'));
    mkdirSync(path.join(sandbox.path, 'src'));
    for (let f = 0; f < 6; f++) writeFileSync(path.join(sandbox.path, `src/file${f}.ts`), `export const marker${f} = ${f};\n` + `export const filler${f} = 'some text to read';\n`.repeat(30));
  });
  afterEach(async () => {
    store.close();
    await fakes.close();
    sandbox.cleanup();
    dbDir.cleanup();
  });

  it('a 20-turn phase bills at most 30% of what its input would cost uncached; breakpoints on the tools, the system prompt and the two newest user turns', async () => {
    const turns: ScriptedTurn[] = [];
    for (let i = 0; i < 19; i++) turns.push({ toolCalls: [{ name: 'read_file', arguments: { path: `src/file${i % 6}.ts` } }] });
    turns.push({ toolCalls: [{ name: 'finish', arguments: { summary: 'explored' } }] });
    anthropic.script('implement', ...turns);
    const router = testRouter(fakes, { store, repoKey: sandbox.path, overrides: { 'ai.providers': ['anthropic'] } });
    const result = await runAgentPhase({ phase: 'implement', sandboxDir: sandbox.path, context, router, budget: new DeploymentBudget({ maxTurns: 100, maxTokens: 1e9, maxCostUsd: 100 }), deploymentId: 'dep-cache' });
    assert.equal(result.status, 'succeeded', result.summary);
    assert.equal(result.turns, 20);

    const bodies = anthropic.chats.map((c) => c.body as unknown as Body);
    assert.deepEqual(breakpoints(bodies[0]!), [`tool ${AGENT_TOOLS.length - 1}`, 'system 0', 'message 0.0']);
    for (const body of bodies.slice(1)) {
      const marks = breakpoints(body);
      assert.equal(marks.length, 4, 'at most four, as the API allows');
      const users = body.messages.map((m, i) => (m.role === 'user' ? i : -1)).filter((i) => i >= 0);
      assert.deepEqual(marks.slice(2), users.slice(-2).map((i) => `message ${i}.${body.messages[i]!.content.length - 1}`));
    }
    // Every turn after the first read the conversation so far from the cache.
    const usages = anthropic.cache.usages;
    assert.equal(usages[0]!.cache_read_input_tokens, 0);
    assert.ok(usages[0]!.cache_creation_input_tokens > 2048, 'the first turn wrote its prompt');
    assert.ok(usages.slice(1).every((u) => u.cache_read_input_tokens > 0), JSON.stringify(usages));

    const input = result.usage.inputTokens;
    const read = result.usage.cacheReadTokens ?? 0;
    const written = result.usage.cacheWriteTokens ?? 0;
    assert.equal(input, usages.reduce((n, u) => n + u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens, 0), 'inputTokens counts all input, cached or not');
    const billedInput = result.usage.costUsd - (result.usage.outputTokens * SONNET.output) / 1e6;
    const uncachedCost = (input * SONNET.input) / 1e6;
    const expected = ((input - read - written) * SONNET.input + written * SONNET.input * 1.25 + read * SONNET.input * 0.1) / 1e6;
    assert.ok(Math.abs(billedInput - expected) < 1e-9, `cost uses 1.25× for writes and 0.1× for reads (${billedInput} vs ${expected})`);
    assert.ok(billedInput / uncachedCost <= 0.3, `billed ${(billedInput / uncachedCost).toFixed(3)} of the uncached input cost`);

    // Recorded per call.
    const calls = store.db.prepare("SELECT sum(input_tokens) AS input, sum(cache_read_tokens) AS read, sum(cache_write_tokens) AS written FROM ai_model_calls WHERE deployment_id = 'dep-cache'").get() as { input: number; read: number; written: number };
    assert.deepEqual(calls, { input, read, written });
  });

  describe('the fake keeps the API cache rules (what the figure above is measured against)', () => {
    const provider = () => new AnthropicProvider({ apiKey: async () => anthropic.apiKey, baseUrl: anthropic.url });
    const tools = AGENT_TOOLS.map((t) => ({ ...t }));
    const ask = (system: string, messages: ChatMessage[], model = 'claude-sonnet-4-6') => provider().chat({ model, system, messages, tools, temperature: 0, maxOutputTokens: 512 });
    const long = `deploy-agent phase: implement\n${'Follow the project conventions. '.repeat(400)}`;
    const turn1: ChatMessage[] = [{ role: 'user', content: 'Implement it.' }];

    it('a repeated prefix is read; a change before a breakpoint, another model or an expired entry is written again', async () => {
      const first = await ask(long, turn1);
      assert.equal(first.usage.cacheReadTokens, 0);
      assert.ok(first.usage.cacheWriteTokens! > 2048);
      const again = await ask(long, turn1);
      assert.equal(again.usage.cacheReadTokens, first.usage.cacheWriteTokens, 'the same prompt is read whole');
      assert.equal(again.usage.cacheWriteTokens, 0);

      const other = await ask(long.replace('conventions', 'Conventions'), turn1);
      assert.equal(other.usage.cacheReadTokens, 0, 'a changed system prompt invalidates everything after the tools');
      const otherModel = await ask(long, turn1, 'claude-opus-4-6');
      assert.equal(otherModel.usage.cacheReadTokens, 0, 'caches are per model');

      clock += 4 * 60_000;
      assert.ok((await ask(long, turn1)).usage.cacheReadTokens! > 0, 'within five minutes of the last use');
      clock += 6 * 60_000;
      const expired = await ask(long, turn1);
      assert.equal(expired.usage.cacheReadTokens, 0, 'expired after five minutes without use');
      assert.ok(expired.usage.cacheWriteTokens! > 0);
    });

    it('a prompt shorter than the model minimum is not cached', async () => {
      const short = await ask('deploy-agent phase: implement\nBe brief.', turn1);
      assert.deepEqual([short.usage.cacheReadTokens, short.usage.cacheWriteTokens], [0, 0]);
      const still = await ask('deploy-agent phase: implement\nBe brief.', turn1);
      assert.deepEqual([still.usage.cacheReadTokens, still.usage.cacheWriteTokens], [0, 0]);
      // The same length is enough for a model with a 1,024-token minimum.
      const medium = `deploy-agent phase: implement\n${'Keep it focused. '.repeat(300)}`;
      await ask(medium, turn1, 'claude-opus-4-1');
      assert.ok((await ask(medium, turn1, 'claude-opus-4-1')).usage.cacheReadTokens! > 0);
      await ask(medium, turn1, 'claude-opus-4-6');
      assert.equal((await ask(medium, turn1, 'claude-opus-4-6')).usage.cacheReadTokens, 0, 'below the 4,096 of Opus 4.6');
    });

    it('an earlier message that changed (tool output elided) is read only up to it', async () => {
      const conversation: ChatMessage[] = [
        { role: 'user', content: 'Implement it.' },
        { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'read_file', arguments: { path: 'a.ts' } }] },
        { role: 'tool', toolCallId: 't1', name: 'read_file', content: 'x'.repeat(8000) },
      ];
      const full = await ask(long, conversation);
      const elided = await ask(long, [...conversation.slice(0, 2), { ...conversation[2]!, content: '(earlier output elided to fit the context)' } as ChatMessage]);
      assert.ok(elided.usage.cacheReadTokens! > 0 && elided.usage.cacheReadTokens! < full.usage.cacheWriteTokens!, 'the prefix before the changed message is still read');
    });

    it('more than four breakpoints is refused as the API refuses it', async () => {
      const body = {
        model: 'claude-sonnet-4-6',
        max_tokens: 100,
        system: [1, 2, 3, 4, 5].map((i) => ({ type: 'text', text: `part ${i}`, cache_control: { type: 'ephemeral' } })),
        messages: [{ role: 'user', content: 'hi' }],
      };
      const res = await fetch(`${anthropic.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': anthropic.apiKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, /A maximum of 4 blocks with cache_control/);
    });
  });
});
