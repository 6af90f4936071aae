import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { HttpFake, sendJson, type FakeRequest } from './http-fake';
import { chunks, phaseOf, TurnQueues, type FakePhase, type ModelFault, type RecordedChat, type TurnSource } from './fake-model-script';
import { FakePromptCache, PromptCacheError, type CacheUsage } from './fake-prompt-cache';

/**
 * A fake Anthropic Messages API for the real `@anthropic-ai/sdk` (point it there with
 * ANTHROPIC_BASE_URL / anthropic.baseUrl):
 * `POST /v1/messages` with `stream: true` answers Server-Sent Events exactly as the API does
 * (message_start → content_block_start / ping / content_block_delta (text_delta,
 * input_json_delta) / content_block_stop → message_delta (stop_reason, usage) → message_stop),
 * and without streaming one Message object; `GET /v1/models`, `GET /v1/models/:id`.
 * Requests without the expected key (`x-api-key` or `Authorization: Bearer`) get 401 `authentication_error`. Errors use the
 * API's shape `{"type":"error","error":{"type":…,"message":…}}`; a 429 can carry `retry-after`.
 *
 * Usage:
 *   const anthropic = new FakeAnthropic({ apiKey: 'sk-ant-test-…' });
 *   const baseUrl = await anthropic.listen();
 *   anthropic.script('fix', { toolCalls: [{ name: 'edit_file', arguments: { path, search, replace } }] });
 *   anthropic.fail({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
 *
 * Scripting (turns, faults, phases) is described in fake-model-script.ts; the phase comes from
 * the `system` prompt's first line.
 *
 * Usage is counted over the whole prompt (tools, system, messages) and split as the API splits it
 * by its prompt cache (`cache_control` breakpoints, look-back, minimum length, TTL, invalidation:
 * see fake-prompt-cache.ts): `input_tokens`, `cache_creation_input_tokens`,
 * `cache_read_input_tokens`. `anthropic.cache.usages` lists every request's split. A turn that
 * scripts `usage.inputTokens` reports exactly that, uncached.
 */
export class FakeAnthropic {
  readonly http = new HttpFake();
  readonly chats: RecordedChat[] = [];
  readonly apiKey: string;
  models: string[];
  /** The prompt cache of this API key (see fake-prompt-cache.ts). */
  readonly cache: FakePromptCache;
  private readonly queues = new TurnQueues<Record<string, unknown>>();

  constructor(options: { apiKey?: string; models?: string[]; now?: () => number } = {}) {
    this.apiKey = options.apiKey ?? 'sk-ant-fake-key-0000000000000000';
    this.cache = new FakePromptCache(options.now);
    this.models = options.models ?? ['claude-sonnet-4-6', 'claude-haiku-4-5', 'claude-opus-4-6'];
    this.http
      .route('GET', '/v1/models', (req, res) => {
        if (!this.authorized(req, res)) return;
        const data = this.models.map((id) => model(id));
        sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null });
      })
      .route('GET', '/v1/models/:id', (req, res) => {
        if (!this.authorized(req, res)) return;
        if (!this.models.includes(req.params.id!)) return apiError(res, 404, 'not_found_error', `model: ${req.params.id}`);
        sendJson(res, 200, model(req.params.id!));
      })
      .route('POST', '/v1/messages', (req, res) => this.messages(req, res));
  }

  listen(): Promise<string> {
    return this.http.listen();
  }

  get url(): string {
    return this.http.url;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  script(phase: FakePhase, ...turns: TurnSource<Record<string, unknown>>[]): this {
    this.queues.push(phase, turns);
    return this;
  }

  fail(fault: ModelFault, phase: FakePhase = '*'): this {
    this.queues.fail(fault, phase);
    return this;
  }

  set whenEmpty(turn: TurnSource<Record<string, unknown>>) {
    this.queues.whenEmpty = turn;
  }

  remaining(phase?: FakePhase): number {
    return this.queues.remaining(phase);
  }

  private authorized(req: FakeRequest, res: ServerResponse): boolean {
    // The API takes the key as `x-api-key`; this SDK version sends `Authorization: Bearer <key>`.
    if (req.headers['x-api-key'] === this.apiKey || req.headers.authorization === `Bearer ${this.apiKey}`) return true;
    apiError(res, 401, 'authentication_error', 'invalid x-api-key');
    return false;
  }

  private async messages(req: FakeRequest, res: ServerResponse): Promise<void> {
    if (!this.authorized(req, res)) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const system = typeof body.system === 'string' ? body.system : Array.isArray(body.system) ? (body.system as { text?: string }[]).map((b) => b.text ?? '').join('\n') : '';
    const phase = phaseOf(system);
    this.chats.push({ phase, body });
    const modelName = String(body.model ?? '');
    if (!this.models.includes(modelName)) return apiError(res, 404, 'not_found_error', `model: ${modelName}`);
    if (typeof body.max_tokens !== 'number') return apiError(res, 400, 'invalid_request_error', 'max_tokens: Field required');

    const fault = this.queues.takeFault(phase);
    if (fault?.kind === 'status') {
      const type = fault.status === 429 ? 'rate_limit_error' : fault.status === 529 ? 'overloaded_error' : fault.status >= 500 ? 'api_error' : 'invalid_request_error';
      return apiError(res, fault.status, type, fault.message ?? `injected ${fault.status}`, fault.headers);
    }
    if (fault?.kind === 'hangup') {
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'delay') await sleep(fault.ms);

    let input: CacheUsage;
    try {
      input = this.cache.use(body);
    } catch (error) {
      if (error instanceof PromptCacheError) return apiError(res, 400, 'invalid_request_error', error.message);
      throw error;
    }
    const turn = this.queues.takeTurn(phase, body);
    if (turn.usage?.inputTokens !== undefined) input = { input_tokens: turn.usage.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const id = `msg_${randomBytes(12).toString('hex')}`;
    const text = turn.text ?? '';
    const calls = (turn.toolCalls ?? []).map((c) => ({ id: `toolu_${randomBytes(12).toString('hex')}`, name: c.name, json: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) }));
    const outputTokens = turn.usage?.outputTokens ?? Math.ceil((text.length + calls.reduce((n, c) => n + c.json.length, 0)) / 4) + 1;
    const stopReason = calls.length ? 'tool_use' : 'end_turn';

    if (body.stream !== true) {
      const content: unknown[] = [];
      if (text) content.push({ type: 'text', text });
      for (const c of calls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: safeParse(c.json) });
      return sendJson(res, 200, { id, type: 'message', role: 'assistant', model: modelName, content, stop_reason: stopReason, stop_sequence: null, usage: { ...input, output_tokens: outputTokens } });
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${randomBytes(8).toString('hex')}` });
    const event = (name: string, data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    event('message_start', {
      type: 'message_start',
      message: { id, type: 'message', role: 'assistant', model: modelName, content: [], stop_reason: null, stop_sequence: null, usage: { ...input, output_tokens: 1 } },
    });
    if (fault?.kind === 'stall') {
      await sleep(fault.ms);
      if (res.destroyed) return;
    }
    let index = 0;
    if (text || !calls.length) {
      event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      event('ping', { type: 'ping' });
      const pieces = chunks(text);
      for (let i = 0; i < pieces.length; i++) {
        event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: pieces[i] } });
        if (fault?.kind === 'cut' && i >= Math.floor(pieces.length / 2)) {
          res.socket?.destroy();
          return;
        }
      }
      event('content_block_stop', { type: 'content_block_stop', index });
      index++;
    }
    if (fault?.kind === 'cut') {
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'malformed') {
      res.write('event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_del\n\n');
      res.end();
      return;
    }
    if (fault?.kind === 'error-event') {
      event('error', { type: 'error', error: { type: 'overloaded_error', message: fault.message ?? 'Overloaded' } });
      res.end();
      return;
    }
    for (const call of calls) {
      event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } });
      for (const piece of chunks(call.json, 11)) event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
      event('content_block_stop', { type: 'content_block_stop', index });
      index++;
    }
    event('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { ...input, output_tokens: outputTokens } });
    event('message_stop', { type: 'message_stop' });
    res.end();
  }
}

function model(id: string) {
  return { type: 'model', id, display_name: id, created_at: '2025-09-29T00:00:00Z' };
}

function apiError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { type: 'error', error: { type, message } }, { 'request-id': `req_${randomBytes(8).toString('hex')}`, ...headers });
}

function safeParse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return {};
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
