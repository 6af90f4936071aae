import Anthropic from '@anthropic-ai/sdk';
import { DeployAgentError } from '../../errors';
import type { ChatMessage, ModelInfo, ModelProvider, ProviderChatRequest, ProviderChatResponse, ToolCall } from '../types';
import { kindForStatus, networkCode, ProviderError, redact, retryAfterFrom } from './errors';

export interface AnthropicProviderOptions {
  /** Where the key comes from: VS Code SecretStorage, else ANTHROPIC_API_KEY. Read per use, never stored in settings or logs. */
  apiKey(): Promise<string | undefined>;
  /** ANTHROPIC_BASE_URL / deployAgent.anthropic.baseUrl; empty for the official endpoint. */
  baseUrl?: string;
  probeTimeoutMs?: number;
}

type Block = Anthropic.Messages.ContentBlockParam;

/**
 * Anthropic's Messages API through `@anthropic-ai/sdk`: native `tool_use`, SSE streaming
 * read event by event (so a stream cut short or a malformed tool input is noticed), token
 * usage from `message_start` / `message_delta`. The SDK's own retries are off: the router retries.
 */
export class AnthropicProvider implements ModelProvider {
  readonly name = 'anthropic' as const;
  private readonly probeTimeoutMs: number;
  private key: string | undefined;

  constructor(private readonly options: AnthropicProviderOptions) {
    this.probeTimeoutMs = options.probeTimeoutMs ?? 10000;
  }

  private async client(): Promise<{ client: Anthropic; key: string }> {
    const key = await this.options.apiKey();
    if (!key) {
      throw new DeployAgentError(
        'ANTHROPIC_KEY_MISSING',
        'No Anthropic API key is configured.',
        'Set ANTHROPIC_API_KEY (CLI), or run "Deploy Agent: Set Anthropic API Key" in VS Code (kept in its secret storage).',
        { details: { provider: 'anthropic' } },
      );
    }
    this.key = key;
    const client = new Anthropic({ apiKey: key, baseURL: this.options.baseUrl || undefined, maxRetries: 0, timeout: 10 * 60 * 1000 });
    return { client, key };
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    const { client } = await this.client();
    const names: string[] = [];
    try {
      const page = await client.models.list({ limit: 100 }, { signal: this.probeSignal(signal) });
      for (const model of page.data) names.push(model.id);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw this.classify(error, undefined);
    }
    return names;
  }

  async preflight(model: string, signal?: AbortSignal): Promise<ModelInfo> {
    const { client } = await this.client();
    try {
      await client.models.retrieve(model, {}, { signal: this.probeSignal(signal) });
    } catch (error) {
      if (signal?.aborted) throw error;
      const classified = this.classify(error, undefined);
      if (classified instanceof ProviderError && classified.kind === 'not_found') {
        throw new DeployAgentError('ANTHROPIC_MODEL_UNKNOWN', `The Anthropic model '${model}' is not available to this API key.`, 'Choose an available model in deployAgent.anthropic.model (`deploy-agent ai check` lists them).', {
          details: { provider: 'anthropic', model },
        });
      }
      throw classified;
    }
    // Every current Claude model has a 200k-token context and supports tools.
    return { provider: 'anthropic', model, contextLength: 200_000, supportsTools: true };
  }

  async chat(request: ProviderChatRequest): Promise<ProviderChatResponse> {
    const { client } = await this.client();
    let text = '';
    const blocks = new Map<number, { type: 'text' } | { type: 'tool_use'; id: string; name: string; json: string }>();
    const toolCalls: ToolCall[] = [];
    // Anthropic reports the uncached input, the cache reads and the cache writes apart; `inputTokens` is their sum.
    const input = { uncached: 0, read: 0, written: 0 };
    let outputTokens = 0;
    let stopReason = 'end_turn';
    let stopped = false;
    try {
      const stream = await client.messages.create(
        {
          model: request.model,
          ...withCacheBreakpoints(request.system, toAnthropicMessages(request.messages), request.tools?.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters }))),
          max_tokens: request.maxOutputTokens,
          // This SDK's Messages API no longer takes `temperature` (current models fix sampling themselves).
          stream: true,
        },
        { signal: request.signal },
      );
      for await (const event of stream) {
        switch (event.type) {
          case 'message_start':
            input.uncached = event.message.usage.input_tokens ?? 0;
            input.read = event.message.usage.cache_read_input_tokens ?? 0;
            input.written = event.message.usage.cache_creation_input_tokens ?? 0;
            outputTokens = event.message.usage.output_tokens ?? 0;
            break;
          case 'content_block_start':
            if (event.content_block.type === 'tool_use') blocks.set(event.index, { type: 'tool_use', id: event.content_block.id, name: event.content_block.name, json: '' });
            else if (event.content_block.type === 'text') {
              blocks.set(event.index, { type: 'text' });
              if (event.content_block.text) {
                text += event.content_block.text;
                request.onText?.(event.content_block.text);
              }
            }
            break;
          case 'content_block_delta': {
            const block = blocks.get(event.index);
            if (event.delta.type === 'text_delta') {
              text += event.delta.text;
              request.onText?.(event.delta.text);
            } else if (event.delta.type === 'input_json_delta' && block?.type === 'tool_use') block.json += event.delta.partial_json;
            break;
          }
          case 'content_block_stop': {
            const block = blocks.get(event.index);
            if (block?.type === 'tool_use') toolCalls.push(parseToolInput(block.id, block.name, block.json));
            break;
          }
          case 'message_delta':
            // Cumulative counts: they replace what message_start said.
            if (event.usage?.output_tokens != null) outputTokens = event.usage.output_tokens;
            if (event.usage?.input_tokens != null) input.uncached = event.usage.input_tokens;
            if (event.usage?.cache_read_input_tokens != null) input.read = event.usage.cache_read_input_tokens;
            if (event.usage?.cache_creation_input_tokens != null) input.written = event.usage.cache_creation_input_tokens;
            if (event.delta.stop_reason) stopReason = event.delta.stop_reason;
            break;
          case 'message_stop':
            stopped = true;
            break;
        }
      }
    } catch (error) {
      throw this.classify(error, request.signal);
    }
    if (!stopped) throw new ProviderError('anthropic', 'bad_stream', 'The Anthropic stream ended before message_stop.');
    const usage = { inputTokens: input.uncached + input.read + input.written, outputTokens, cacheReadTokens: input.read, cacheWriteTokens: input.written };
    return { text, toolCalls, usage, stopReason };
  }

  private probeSignal(signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.probeTimeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  /** Turns SDK errors into ProviderErrors; the key never appears in the message. */
  private classify(error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return error;
    if (error instanceof ProviderError || error instanceof DeployAgentError) return error;
    const clean = (text: string) => redact(text, [this.key]);
    if (error instanceof Anthropic.APIConnectionTimeoutError) return new ProviderError('anthropic', 'timeout', 'The Anthropic request timed out.', {});
    if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
      const kind = kindForStatus(error.status);
      return new ProviderError('anthropic', kind, clean(`Anthropic answered HTTP ${error.status}: ${error.apiMessage ?? error.message}.`), {
        status: error.status,
        retryAfterMs: retryAfterFrom(error.headers),
      });
    }
    const code = networkCode(error);
    const message = clean((error as Error)?.message ?? String(error));
    if (error instanceof Anthropic.APIConnectionError || code) return new ProviderError('anthropic', 'network', `The connection to Anthropic failed (${code ?? message}).`, {});
    if (error instanceof Anthropic.APIError) {
      // An `event: error` inside the SSE stream (e.g. overloaded_error) has no status.
      const type = (error.error as { error?: { type?: string } } | undefined)?.error?.type ?? error.type;
      const kind = type === 'overloaded_error' || type === 'rate_limit_error' ? 'rate_limited' : 'server';
      return new ProviderError('anthropic', kind, `Anthropic failed while streaming: ${message}.`, {});
    }
    return new ProviderError('anthropic', 'bad_stream', `The Anthropic stream was cut short or malformed (${message}).`, {});
  }
}

function parseToolInput(id: string, name: string, json: string): ToolCall {
  if (json.trim() === '') return { id, name, arguments: {} };
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { id, name, arguments: parsed as Record<string, unknown> };
  } catch {
    // reported to the model as malformed
  }
  return { id, name, arguments: undefined, raw: json };
}

const BREAKPOINT: Anthropic.Messages.CacheControlEphemeral = { type: 'ephemeral' };

/**
 * The request's tools, system prompt and messages with prompt-cache breakpoints (`cache_control`,
 * the API's documented way; at most four): on the last tool, on the system prompt, and on the last
 * block of the two newest user turns. The prefix up to a breakpoint is written to the cache once
 * and read from it by every later turn that starts with it (a tenth of the input price): the
 * newest turn's breakpoint writes this turn's prefix, the one before it reads the previous turn's,
 * however many blocks a turn added (the API looks back only 20 blocks from a breakpoint). A prefix
 * shorter than the model's minimum is simply not cached.
 */
export function withCacheBreakpoints(
  system: string,
  messages: Anthropic.Messages.MessageParam[],
  tools: Anthropic.Messages.Tool[] | undefined,
): { system: Anthropic.Messages.TextBlockParam[]; messages: Anthropic.Messages.MessageParam[]; tools?: Anthropic.Messages.Tool[] } {
  const userTurns = messages.map((m, i) => (m.role === 'user' ? i : -1)).filter((i) => i >= 0);
  const newest = new Set(userTurns.slice(-2));
  const marked = messages.map((m, i): Anthropic.Messages.MessageParam => {
    if (!newest.has(i) || m.role !== 'user') return m;
    const content: Block[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : [...m.content];
    content[content.length - 1] = { ...content[content.length - 1], cache_control: BREAKPOINT } as Block;
    return { ...m, content };
  });
  return {
    system: [{ type: 'text', text: system, cache_control: BREAKPOINT }],
    messages: marked,
    ...(tools?.length ? { tools: tools.map((t, i) => (i === tools.length - 1 ? { ...t, cache_control: BREAKPOINT } : t)) } : {}),
  };
}

/** Provider-neutral messages → Messages API turns (tool results grouped into one user turn). */
export function toAnthropicMessages(messages: readonly ChatMessage[]): Anthropic.Messages.MessageParam[] {
  const out: Anthropic.Messages.MessageParam[] = [];
  for (const m of messages) {
    if (m.role === 'assistant') {
      const content: Block[] = [];
      if (m.content) content.push({ type: 'text', text: m.content });
      for (const call of m.toolCalls ?? []) content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments ?? {} });
      out.push({ role: 'assistant', content: content.length ? content : [{ type: 'text', text: '(no output)' }] });
      continue;
    }
    const block: Block = m.role === 'user' ? { type: 'text', text: m.content } : { type: 'tool_result', tool_use_id: m.toolCallId, content: m.content, ...(m.isError ? { is_error: true } : {}) };
    const last = out[out.length - 1];
    if (last?.role === 'user' && Array.isArray(last.content)) (last.content as Block[]).push(block);
    else out.push({ role: 'user', content: [block] });
  }
  return out;
}
