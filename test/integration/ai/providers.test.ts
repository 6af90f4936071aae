import assert from 'node:assert/strict';
import { AnthropicProvider } from '../../../src/core/ai/providers/anthropic';
import { OllamaProvider } from '../../../src/core/ai/providers/ollama';
import { ProviderError } from '../../../src/core/ai/providers/errors';
import { AGENT_TOOLS, systemPrompt } from '../../../src/core/ai';
import { DeployAgentError } from '../../../src/core/errors';
import { startFakes, type Fakes } from './helpers';

describe('model providers against the fake servers (real clients)', function () {
  let fakes: Fakes;
  beforeEach(async () => {
    fakes = await startFakes({ models: [{ name: 'qwen2.5-coder:7b', contextLength: 16384 }, { name: 'tiny:1b', contextLength: 2048, tools: false }] });
  });
  afterEach(() => fakes.close());

  describe('Ollama', () => {
    it('preflight reads the context length and tool support of a pulled model', async () => {
      const provider = new OllamaProvider({ host: fakes.ollama.url });
      assert.deepEqual(await provider.preflight('qwen2.5-coder:7b'), { provider: 'ollama', model: 'qwen2.5-coder:7b', contextLength: 16384, supportsTools: true });
      assert.equal((await provider.preflight('tiny:1b')).supportsTools, false);
      assert.deepEqual(
        fakes.ollama.http.requests.map((r) => r.path).slice(0, 3),
        ['/api/version', '/api/tags', '/api/show'],
      );
    });

    it('a model that is not pulled fails with the exact `ollama pull` command', async () => {
      const provider = new OllamaProvider({ host: fakes.ollama.url });
      await assert.rejects(provider.preflight('llama3.1:8b'), (error: DeployAgentError) => {
        assert.equal(error.code, 'OLLAMA_MODEL_MISSING');
        assert.match(error.hint, /`ollama pull llama3\.1:8b`/);
        assert.match(error.message, /available: qwen2\.5-coder:7b, tiny:1b/);
        return true;
      });
    });

    it('a server that is down fails with `ollama serve`', async () => {
      const url = fakes.ollama.url;
      await fakes.ollama.close();
      const provider = new OllamaProvider({ host: url, probeTimeoutMs: 2000 });
      await assert.rejects(provider.preflight('qwen2.5-coder:7b'), (error: DeployAgentError) => {
        assert.equal(error.code, 'OLLAMA_UNREACHABLE');
        assert.match(error.hint, /`ollama serve`/);
        assert.match(error.message, /ECONNREFUSED/);
        return true;
      });
    });

    it('streams text and native tool calls, sends tools and num_ctx, reports usage', async () => {
      fakes.ollama.script('implement', {
        text: 'I will create the file now.',
        toolCalls: [{ name: 'write_file', arguments: { path: 'src/a.ts', content: 'export const a = 1;\n' } }],
        usage: { inputTokens: 321, outputTokens: 45 },
      });
      const provider = new OllamaProvider({ host: fakes.ollama.url });
      const streamed: string[] = [];
      const response = await provider.chat({
        model: 'qwen2.5-coder:7b',
        system: systemPrompt('implement', true),
        messages: [{ role: 'user', content: 'Add a constant.' }],
        tools: [...AGENT_TOOLS],
        temperature: 0,
        maxOutputTokens: 1000,
        numCtx: 8192,
        onText: (d) => streamed.push(d),
      });
      assert.equal(response.text, 'I will create the file now.');
      assert.ok(streamed.length > 1, 'text arrives in several chunks');
      assert.deepEqual(response.toolCalls, [{ id: 'call_0', name: 'write_file', arguments: { path: 'src/a.ts', content: 'export const a = 1;\n' } }]);
      assert.deepEqual(response.usage, { inputTokens: 321, outputTokens: 45 });
      const body = fakes.ollama.chats[0]!.body as { options: { num_ctx: number; temperature: number }; tools: { function: { name: string } }[]; stream: boolean };
      assert.equal(body.options.num_ctx, 8192);
      assert.equal(body.options.temperature, 0);
      assert.equal(body.stream, true);
      assert.deepEqual(body.tools.map((t) => t.function.name), ['list_files', 'read_file', 'search', 'write_file', 'edit_file', 'finish']);
      assert.equal(fakes.ollama.chats[0]!.phase, 'implement');
    });

    it('a tool call with unparseable arguments is kept raw instead of failing the turn', async () => {
      fakes.ollama.script('implement', { toolCalls: [{ name: 'write_file', arguments: '{"path": "a.ts", "content": ' }] });
      const provider = new OllamaProvider({ host: fakes.ollama.url });
      const response = await provider.chat({ model: 'qwen2.5-coder:7b', system: systemPrompt('implement', true), messages: [{ role: 'user', content: 'x' }], temperature: 0, maxOutputTokens: 100 });
      assert.equal(response.toolCalls[0]!.arguments, undefined);
      assert.equal(response.toolCalls[0]!.raw, '{"path": "a.ts", "content": ');
    });

    for (const [fault, kind] of [
      [{ kind: 'status', status: 503 }, 'server'],
      [{ kind: 'status', status: 429 }, 'rate_limited'],
      [{ kind: 'hangup' }, 'network'],
      [{ kind: 'cut' }, 'network'],
      [{ kind: 'malformed' }, 'bad_stream'],
      [{ kind: 'error-event' }, 'server'],
    ] as const) {
      it(`classifies ${JSON.stringify(fault)} as a transient ${kind} error`, async () => {
        fakes.ollama.script('implement', { text: 'a reasonably long answer that streams in several chunks' });
        fakes.ollama.fail(fault);
        const provider = new OllamaProvider({ host: fakes.ollama.url });
        await assert.rejects(
          provider.chat({ model: 'qwen2.5-coder:7b', system: systemPrompt('implement', true), messages: [{ role: 'user', content: 'x' }], temperature: 0, maxOutputTokens: 100 }),
          (error: ProviderError) => {
            assert.ok(error instanceof ProviderError, String(error));
            assert.equal(error.kind, kind, error.message);
            assert.equal(error.transient, true);
            return true;
          },
        );
      });
    }
  });

  describe('Anthropic', () => {
    const provider = () => new AnthropicProvider({ apiKey: async () => fakes.anthropic.apiKey, baseUrl: fakes.anthropic.url });

    it('streams text and tool_use blocks (input_json_delta in pieces) and reads usage', async () => {
      fakes.anthropic.script('tests', {
        text: 'Writing the test.',
        toolCalls: [
          { name: 'write_file', arguments: { path: 'test/a.test.ts', content: 'import { a } from "../src/a";\n' } },
          { name: 'finish', arguments: { summary: 'tests written' } },
        ],
        usage: { inputTokens: 1200, outputTokens: 80 },
      });
      const response = await provider().chat({
        model: 'claude-sonnet-4-6',
        system: systemPrompt('tests', true),
        messages: [{ role: 'user', content: 'Write tests.' }],
        tools: [...AGENT_TOOLS],
        temperature: 0,
        maxOutputTokens: 2048,
      });
      assert.equal(response.text, 'Writing the test.');
      assert.deepEqual(
        response.toolCalls.map((c) => [c.name, c.arguments]),
        [
          ['write_file', { path: 'test/a.test.ts', content: 'import { a } from "../src/a";\n' }],
          ['finish', { summary: 'tests written' }],
        ],
      );
      assert.match(response.toolCalls[0]!.id, /^toolu_/);
      assert.deepEqual(response.usage, { inputTokens: 1200, outputTokens: 80, cacheReadTokens: 0, cacheWriteTokens: 0 });
      assert.equal(response.stopReason, 'tool_use');
      const body = fakes.anthropic.chats[0]!.body as { tools: { name: string; input_schema: unknown }[]; max_tokens: number };
      assert.equal(body.max_tokens, 2048);
      assert.equal(body.tools.length, 6);
    });

    it('a tool_use whose streamed input is not valid JSON is kept raw (answered as malformed by the loop)', async () => {
      fakes.anthropic.script('implement', { toolCalls: [{ name: 'edit_file', arguments: '{"path": "a.ts", "search": "x", ' }] });
      const response = await provider().chat({ model: 'claude-sonnet-4-6', system: systemPrompt('implement', true), messages: [{ role: 'user', content: 'x' }], temperature: 0, maxOutputTokens: 100 });
      assert.equal(response.toolCalls[0]!.name, 'edit_file');
      assert.equal(response.toolCalls[0]!.arguments, undefined);
      assert.equal(response.toolCalls[0]!.raw, '{"path": "a.ts", "search": "x", ');
    });

    it('groups tool results into one user turn and round-trips tool_use ids', async () => {
      fakes.anthropic.script('implement', { text: 'ok' });
      await provider().chat({
        model: 'claude-sonnet-4-6',
        system: systemPrompt('implement', true),
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_1', name: 'read_file', arguments: { path: 'a' } }, { id: 'toolu_2', name: 'read_file', arguments: { path: 'b' } }] },
          { role: 'tool', toolCallId: 'toolu_1', name: 'read_file', content: 'A' },
          { role: 'tool', toolCallId: 'toolu_2', name: 'read_file', content: 'missing', isError: true },
        ],
        temperature: 0,
        maxOutputTokens: 100,
      });
      const messages = (fakes.anthropic.chats[0]!.body as { messages: { role: string; content: { type: string; tool_use_id?: string; is_error?: boolean }[] }[] }).messages;
      assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user']);
      assert.deepEqual(messages[2]!.content.map((b) => [b.type, b.tool_use_id, b.is_error]), [
        ['tool_result', 'toolu_1', undefined],
        ['tool_result', 'toolu_2', true],
      ]);
    });

    it('a missing key fails with what to set; a wrong key fails without showing the key', async () => {
      const none = new AnthropicProvider({ apiKey: async () => undefined, baseUrl: fakes.anthropic.url });
      await assert.rejects(none.preflight('claude-sonnet-4-6'), (e: DeployAgentError) => e.code === 'ANTHROPIC_KEY_MISSING' && /ANTHROPIC_API_KEY/.test(e.hint));
      const wrongKey = 'sk-ant-wrong-key-1234567890abcdef';
      const wrong = new AnthropicProvider({ apiKey: async () => wrongKey, baseUrl: fakes.anthropic.url });
      await assert.rejects(
        wrong.chat({ model: 'claude-sonnet-4-6', system: 'deploy-agent phase: fix', messages: [{ role: 'user', content: 'x' }], temperature: 0, maxOutputTokens: 10 }),
        (e: ProviderError) => {
          assert.equal(e.kind, 'auth');
          assert.equal(e.transient, false);
          assert.ok(!JSON.stringify({ m: e.message, h: e.hint, d: e.details }).includes(wrongKey));
          return true;
        },
      );
    });

    it('an unknown model fails preflight with a clear error; a known one passes', async () => {
      assert.equal((await provider().preflight('claude-haiku-4-5')).supportsTools, true);
      await assert.rejects(provider().preflight('claude-nope'), (e: DeployAgentError) => e.code === 'ANTHROPIC_MODEL_UNKNOWN');
    });

    for (const [fault, kind] of [
      [{ kind: 'status', status: 429, headers: { 'retry-after': '2' } }, 'rate_limited'],
      [{ kind: 'status', status: 529 }, 'rate_limited'],
      [{ kind: 'status', status: 500 }, 'server'],
      [{ kind: 'hangup' }, 'network'],
      // The connection drops mid-stream (the socket is destroyed): a network error, as for Ollama.
      [{ kind: 'cut' }, 'network'],
      [{ kind: 'malformed' }, 'bad_stream'],
      [{ kind: 'error-event' }, 'rate_limited'],
    ] as const) {
      it(`classifies ${JSON.stringify(fault)} as a transient ${kind} error`, async () => {
        fakes.anthropic.script('fix', { text: 'a reasonably long answer that streams in several chunks' });
        fakes.anthropic.fail(fault);
        await assert.rejects(
          provider().chat({ model: 'claude-sonnet-4-6', system: systemPrompt('fix', true), messages: [{ role: 'user', content: 'x' }], temperature: 0, maxOutputTokens: 100 }),
          (error: ProviderError) => {
            assert.ok(error instanceof ProviderError, String(error));
            assert.equal(error.kind, kind, error.message);
            assert.equal(error.transient, true);
            if (fault.kind === 'status' && fault.status === 429) assert.equal(error.retryAfterMs, 2000);
            return true;
          },
        );
      });
    }
  });
});
