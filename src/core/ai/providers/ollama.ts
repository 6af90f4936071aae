import { Ollama, type Message as OllamaMessage, type Tool as OllamaTool } from 'ollama';
import { DeployAgentError } from '../../errors';
import type { ChatMessage, ModelInfo, ModelProvider, ProviderChatRequest, ProviderChatResponse, RunningModel, ToolCall, ToolSpec } from '../types';
import { kindForStatus, networkCode, ProviderError, retryAfterFrom } from './errors';
import { lineAlignedChunks } from './line-chunks';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

export interface OllamaProviderOptions {
  host: string;
  /** Limit for the preflight's small requests. */
  probeTimeoutMs?: number;
}

/**
 * Ollama through the `ollama` client: native tool calling, NDJSON streaming, and a
 * preflight that checks the server (`/api/version`), the model (`/api/tags`) and its
 * context length and tool support (`/api/show`), failing with the exact command to fix it.
 */
export class OllamaProvider implements ModelProvider {
  readonly name = 'ollama' as const;
  readonly host: string;
  private readonly probeTimeoutMs: number;
  private readonly infoCache = new Map<string, ModelInfo>();

  constructor(options: OllamaProviderOptions) {
    this.host = normalizeHost(options.host || DEFAULT_OLLAMA_HOST);
    this.probeTimeoutMs = options.probeTimeoutMs ?? 5000;
  }

  /**
   * A client whose every request also ends when `signal` aborts (the client's streams have their
   * own controller). Error answers reach the client as JSON (see `asJsonError`), and the wait a
   * failed answer asked for (Retry-After) is kept in `answer` for the router.
   */
  private client(signal?: AbortSignal, answer: FailedAnswer = {}): Ollama {
    return new Ollama({
      host: this.host,
      fetch: async (input, init) => {
        const response = await fetch(input, { ...init, signal: signal && init?.signal ? AbortSignal.any([signal, init.signal]) : (signal ?? init?.signal) });
        if (response.ok) {
          // Whole lines to the client's JSON-lines parser (see lineAlignedChunks: one huge line was quadratic).
          return response.body ? new Response(response.body.pipeThrough(lineAlignedChunks()), { status: response.status, statusText: response.statusText, headers: response.headers }) : response;
        }
        answer.retryAfterMs = retryAfterFrom(response.headers);
        return asJsonError(response);
      },
    });
  }

  private probeSignal(signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.probeTimeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  async version(signal?: AbortSignal): Promise<string> {
    try {
      return (await this.client(this.probeSignal(signal)).version()).version;
    } catch (error) {
      if (signal?.aborted) throw error;
      throw this.unreachable(error);
    }
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    try {
      const { models } = await this.client(this.probeSignal(signal)).list();
      return models.map((m) => m.name);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw this.unreachable(error);
    }
  }

  async preflight(model: string, signal?: AbortSignal): Promise<ModelInfo> {
    const cached = this.infoCache.get(model);
    if (cached) return cached;
    await this.version(signal);
    const models = await this.listModels(signal);
    const pulled = models.find((name) => sameModel(name, model));
    if (!pulled) {
      throw new DeployAgentError(
        'OLLAMA_MODEL_MISSING',
        `The Ollama model '${model}' is not pulled on ${this.host}${models.length ? ` (available: ${models.join(', ')})` : ' (no models are pulled)'}.`,
        `Run \`ollama pull ${model}\`, or choose a pulled model in deployAgent.ollama.model.`,
        { details: { provider: 'ollama', model, available: models } },
      );
    }
    let show;
    try {
      show = await this.client(this.probeSignal(signal)).show({ model: pulled });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw this.unreachable(error);
    }
    const info: ModelInfo = {
      provider: 'ollama',
      model: pulled,
      contextLength: contextLengthOf(show.model_info as unknown),
      supportsTools: Array.isArray(show.capabilities) ? show.capabilities.includes('tools') : false,
    };
    this.infoCache.set(model, info);
    return info;
  }

  async chat(request: ProviderChatRequest): Promise<ProviderChatResponse> {
    let stream;
    const answer: FailedAnswer = {};
    try {
      stream = await this.client(request.signal, answer).chat({
        model: request.model,
        messages: toOllamaMessages(request.system, request.messages),
        ...(request.tools ? { tools: request.tools.map(toOllamaTool) } : {}),
        stream: true,
        ...(request.keepAlive ? { keep_alive: keepAliveValue(request.keepAlive) } : {}),
        options: { temperature: request.temperature, num_predict: request.maxOutputTokens, ...(request.numCtx ? { num_ctx: request.numCtx } : {}) },
      });
    } catch (error) {
      throw this.classify(error, request.signal, answer.retryAfterMs);
    }
    let text = '';
    const toolCalls: ToolCall[] = [];
    let usage = { inputTokens: 0, outputTokens: 0 };
    let stopReason = 'stop';
    let done = false;
    try {
      for await (const part of stream) {
        const message = part.message;
        if (message?.content) {
          text += message.content;
          request.onText?.(message.content);
        }
        for (const call of message?.tool_calls ?? []) toolCalls.push(normalizeToolCall(call as unknown, toolCalls.length));
        if (part.done) {
          done = true;
          usage = { inputTokens: part.prompt_eval_count ?? 0, outputTokens: part.eval_count ?? 0 };
          stopReason = part.done_reason || 'stop';
        }
      }
    } catch (error) {
      throw this.classify(error, request.signal);
    }
    if (!done) throw new ProviderError('ollama', 'bad_stream', 'The Ollama stream ended before its final message.');
    return { text, toolCalls, usage, stopReason };
  }

  /** `/api/ps`: the models loaded now, with the context each was loaded with (`context_length`, Ollama ≥ 0.11). */
  async running(signal?: AbortSignal): Promise<RunningModel[]> {
    const { models } = await this.client(this.probeSignal(signal)).ps();
    return models.map((m) => {
      const contextLength = (m as { context_length?: unknown }).context_length;
      return { model: m.model || m.name, contextLength: typeof contextLength === 'number' && contextLength > 0 ? contextLength : undefined };
    });
  }

  /**
   * Loads `model` with `numCtx` and keeps it loaded for `keepAlive`: a chat request without
   * messages, which Ollama answers once the model is in memory (`done_reason: "load"`).
   */
  async load(model: string, options: { numCtx: number; keepAlive: string; signal?: AbortSignal }): Promise<void> {
    const answer: FailedAnswer = {};
    try {
      await this.client(options.signal, answer).chat({ model, messages: [], stream: false, keep_alive: keepAliveValue(options.keepAlive), options: { num_ctx: options.numCtx } });
    } catch (error) {
      throw this.classify(error, options.signal, answer.retryAfterMs);
    }
  }

  private unreachable(error: unknown): DeployAgentError {
    const status = (error as { status_code?: unknown }).status_code;
    const timedOut = (error as Error)?.name === 'TimeoutError';
    const why = typeof status === 'number' ? `HTTP ${status}` : (networkCode(error) ?? (timedOut ? 'no answer in time' : ((error as Error)?.message ?? String(error))));
    return new DeployAgentError('OLLAMA_UNREACHABLE', `Ollama is not reachable at ${this.host} (${why}).`, 'Start it with `ollama serve`, or set OLLAMA_HOST (deployAgent.ollama.host) to where it runs.', {
      cause: error,
      details: { provider: 'ollama', host: this.host },
    });
  }

  private classify(error: unknown, signal: AbortSignal | undefined, retryAfterMs?: number): unknown {
    if (signal?.aborted) return error; // the router tells a cancellation from a timeout
    if (error instanceof ProviderError) return error;
    const status = (error as { status_code?: unknown }).status_code;
    if (typeof status === 'number') {
      const kind = kindForStatus(status);
      return new ProviderError('ollama', kind, `Ollama answered HTTP ${status}: ${(error as Error).message.replace(/\.+$/, '')}.`, {
        status,
        cause: error,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        ...(kind === 'not_found' ? { hint: 'Pull the model with `ollama pull <model>` (see deployAgent.ollama.model).' } : {}),
      });
    }
    const code = networkCode(error);
    if (code) return new ProviderError('ollama', 'network', `The connection to Ollama at ${this.host} failed (${code}).`, { cause: error });
    const message = (error as Error)?.message ?? String(error);
    if (/did not receive done|unexpected end|terminated|json/i.test(message))
      return new ProviderError('ollama', 'bad_stream', `The Ollama stream was cut short or malformed (${message}).`, { cause: error });
    if (/fetch failed|socket|network/i.test(message)) return new ProviderError('ollama', 'network', `The connection to Ollama at ${this.host} failed (${message}).`, { cause: error });
    // An {"error": "..."} line inside the stream: the server failed mid-answer.
    return new ProviderError('ollama', 'server', `Ollama failed while answering: ${message}.`, { cause: error });
  }
}

/** What a failed answer asked for, read before the client sees it. */
interface FailedAnswer {
  retryAfterMs?: number;
}

/**
 * An error answer as the client expects it: `{"error": "…"}` JSON. A proxy or a load balancer in
 * front of Ollama answers with an HTML page (503 Service Unavailable); left as it is, the client
 * logs "Getting text from response" with console.log — on stdout, which breaks `--json` — and
 * makes the whole page its message. Here the page becomes one short line (its title, or its text).
 */
export async function asJsonError(response: Response): Promise<Response> {
  if (response.headers.get('content-type')?.includes('application/json')) return response;
  let text = '';
  try {
    text = await response.text();
  } catch {
    // the body could not be read: the status says enough
  }
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim().slice(0, 200);
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/json');
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(JSON.stringify({ error: plain || `${response.status} ${response.statusText}`.trim() }), { status: response.status, statusText: response.statusText, headers });
}

/** Ollama reads a string `keep_alive` as a Go duration ("30m") and a bare number as seconds (-1: until it stops). */
export function keepAliveValue(setting: string): string | number {
  return /^-?\d+$/.test(setting.trim()) ? Number(setting.trim()) : setting.trim();
}

/** `qwen2.5-coder` matches `qwen2.5-coder:latest`; otherwise names must be equal. */
export function sameModel(pulled: string, wanted: string): boolean {
  if (pulled === wanted) return true;
  const withTag = (name: string) => (name.includes(':') ? name : `${name}:latest`);
  return withTag(pulled) === withTag(wanted);
}

/** `model_info` has `<family>.context_length` (e.g. `qwen2.context_length`). */
export function contextLengthOf(modelInfo: unknown): number | undefined {
  if (!modelInfo || typeof modelInfo !== 'object') return undefined;
  const entries = modelInfo instanceof Map ? [...modelInfo.entries()] : Object.entries(modelInfo);
  for (const [key, value] of entries) {
    if (String(key).endsWith('.context_length') && typeof value === 'number' && value > 0) return value;
  }
  return undefined;
}

function toOllamaTool(tool: ToolSpec): OllamaTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

export function toOllamaMessages(system: string, messages: readonly ChatMessage[]): OllamaMessage[] {
  const out: OllamaMessage[] = [{ role: 'system', content: system }];
  for (const m of messages) {
    if (m.role === 'user') out.push({ role: 'user', content: m.content });
    else if (m.role === 'assistant')
      out.push({
        role: 'assistant',
        content: m.content,
        ...(m.toolCalls?.length ? { tool_calls: m.toolCalls.map((c) => ({ function: { name: c.name, arguments: c.arguments ?? {} } })) } : {}),
      });
    else out.push({ role: 'tool', content: m.content, tool_name: m.name });
  }
  return out;
}

/** Ollama sends `arguments` as an object; some models emit a JSON string (or broken JSON) instead. */
export function normalizeToolCall(call: unknown, index: number): ToolCall {
  const fn = (call as { function?: { name?: unknown; arguments?: unknown } })?.function;
  const id = typeof (call as { id?: unknown })?.id === 'string' ? (call as { id: string }).id : `call_${index}`;
  const name = typeof fn?.name === 'string' ? fn.name : '';
  const args = fn?.arguments;
  if (args && typeof args === 'object' && !Array.isArray(args)) return { id, name, arguments: args as Record<string, unknown> };
  if (typeof args === 'string') {
    try {
      const parsed: unknown = JSON.parse(args);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { id, name, arguments: parsed as Record<string, unknown> };
    } catch {
      // falls through: reported to the model as malformed
    }
    return { id, name, arguments: undefined, raw: args };
  }
  return { id, name, arguments: undefined, raw: JSON.stringify(args ?? null) };
}

export function normalizeHost(host: string): string {
  const trimmed = host.trim().replace(/\/+$/, '');
  return /^https?:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
}
