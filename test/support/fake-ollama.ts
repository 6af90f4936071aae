import type { ServerResponse } from 'node:http';
import { HttpFake, sendJson, type FakeRequest } from './http-fake';
import { chunks, phaseOf, TurnQueues, type FakePhase, type ModelFault, type RecordedChat, type ScriptedTurn, type TurnSource } from './fake-model-script';

/**
 * A fake Ollama server speaking its HTTP API to the real `ollama` client:
 * `GET /api/version`, `GET /api/tags`, `POST /api/show` (model_info with `<arch>.context_length`,
 * `capabilities` with "tools"), `GET /api/ps` (the loaded models with `context_length` and
 * `expires_at`), `POST /api/chat` (NDJSON streaming or one JSON object, with `message.tool_calls`,
 * `done_reason`, `prompt_eval_count` / `eval_count`; no messages: the model is only loaded,
 * `done_reason: "load"`).
 *
 * Loading is modelled as a real Ollama does it, because that is what costs a user minutes: a model
 * is loaded with the context a request asks for (`options.num_ctx`, else `defaultContext`) and
 * stays loaded for `keep_alive` (default 5m; 0 unloads after the answer, negative keeps it); a
 * request for a model that is not loaded, has expired, or is loaded with another `num_ctx` loads
 * it (again), which takes `loadDelayMs`; beyond `maxLoadedModels` the least recently used model is
 * unloaded. Every load is listed in `loads` with its cause, and `loadTimeMs` adds up their delays.
 *
 * Usage:
 *   const ollama = new FakeOllama({ models: [{ name: 'qwen2.5-coder:7b', contextLength: 32768 }] });
 *   const host = await ollama.listen();               // give it as ollama.host / OLLAMA_HOST
 *   ollama.script('implement', { toolCalls: [...] }, { toolCalls: [{ name: 'finish', arguments: { summary: 'ok' } }] });
 *   ollama.fail({ kind: 'status', status: 503 }, 'implement');
 *   ollama.preload('qwen2.5-coder:7b', 16384);       // as if another program had loaded it
 *   ...
 *   await ollama.close();
 *
 * Scripting (turns, faults, phases) is described in fake-model-script.ts. Models without
 * `tools: false` report the "tools" capability; a model not in `models` answers 404 like
 * Ollama does for a model that is not pulled. `ollama.http` is the underlying HttpFake
 * (e.g. `ollama.http.failNext({ kind: 'hangup' }, '/api/version')` to make the server look down).
 */
export interface FakeOllamaModel {
  name: string;
  contextLength?: number;
  /** false: the model has no tool-calling capability (the agent uses its text protocol). */
  tools?: boolean;
}

export interface FakeOllamaOptions {
  models?: FakeOllamaModel[];
  version?: string;
  /** How long loading a model takes (default 0). */
  loadDelayMs?: number;
  /** The context a request without `num_ctx` gets (Ollama's default, 4096). */
  defaultContext?: number;
  /** OLLAMA_MAX_LOADED_MODELS (default 3). */
  maxLoadedModels?: number;
  now?: () => number;
}

/** One load of a model by the fake server, and why. */
export interface FakeModelLoad {
  model: string;
  numCtx: number;
  cause: 'not loaded' | 'expired' | 'evicted' | 'num_ctx changed';
  previousNumCtx?: number;
  at: number;
}

interface Loaded {
  numCtx: number;
  /** ms since the epoch; Infinity: until the server stops. */
  expiresAt: number;
  lastUsed: number;
}

export class FakeOllama {
  readonly http = new HttpFake();
  readonly chats: RecordedChat[] = [];
  readonly version: string;
  /** Every load, in order (see the class comment). */
  readonly loads: FakeModelLoad[] = [];
  loadDelayMs: number;
  readonly defaultContext: number;
  readonly maxLoadedModels: number;
  private readonly now: () => number;
  private readonly loaded = new Map<string, Loaded>();
  /** Why a model that was loaded is not any more (its next load says so). */
  private readonly unloadedBy = new Map<string, 'expired' | 'evicted'>();
  /** Requests are served one after another per server, as Ollama's scheduler does for loads. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly queues = new TurnQueues<Record<string, unknown>>();
  models: FakeOllamaModel[];

  constructor(options: FakeOllamaOptions = {}) {
    this.models = options.models ?? [{ name: 'qwen2.5-coder:7b', contextLength: 32768, tools: true }];
    this.version = options.version ?? '0.12.6';
    this.loadDelayMs = options.loadDelayMs ?? 0;
    this.defaultContext = options.defaultContext ?? 4096;
    this.maxLoadedModels = options.maxLoadedModels ?? 3;
    this.now = options.now ?? Date.now;
    this.http
      .route('GET', '/api/version', (_req, res) => sendJson(res, 200, { version: this.version }))
      .route('GET', '/api/tags', (_req, res) =>
        sendJson(res, 200, {
          models: this.models.map((m) => ({
            name: m.name,
            model: m.name,
            modified_at: '2026-01-01T00:00:00Z',
            size: 4_700_000_000,
            digest: 'sha256:' + '0'.repeat(64),
            details: DETAILS,
          })),
        }),
      )
      .route('GET', '/api/ps', (_req, res) => {
        this.expire();
        sendJson(res, 200, {
          models: [...this.loaded.entries()].map(([name, l]) => ({
            name,
            model: name,
            size: 5_800_000_000,
            digest: '0'.repeat(64),
            details: DETAILS,
            expires_at: new Date(Number.isFinite(l.expiresAt) ? l.expiresAt : Date.UTC(2318, 0, 1)).toISOString(),
            size_vram: 5_800_000_000,
            context_length: l.numCtx,
          })),
        });
      })
      .route('POST', '/api/show', (req, res) => {
        const model = this.find(String((req.body as { model?: string })?.model ?? ''));
        if (!model) return sendJson(res, 404, { error: `model '${(req.body as { model?: string })?.model}' not found` });
        sendJson(res, 200, {
          modelfile: `FROM ${model.name}`,
          parameters: 'stop "<|im_end|>"',
          template: '{{ .Prompt }}',
          details: DETAILS,
          model_info: { 'general.architecture': 'qwen2', 'general.parameter_count': 7_615_616_512, 'qwen2.context_length': model.contextLength ?? 32768 },
          capabilities: model.tools === false ? ['completion'] : ['completion', 'tools'],
          modified_at: '2026-01-01T00:00:00Z',
        });
      })
      .route('POST', '/api/chat', (req, res) => this.chat(req, res));
  }

  /** Loads per model (a deployment that loads each of its models once has 1 for each). */
  loadsPerModel(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const load of this.loads) counts[load.model] = (counts[load.model] ?? 0) + 1;
    return counts;
  }

  /** The time the loads took, as the delay says (what a user would have waited). */
  get loadTimeMs(): number {
    return this.loads.length * this.loadDelayMs;
  }

  /** Marks a model as loaded with `numCtx`, without counting a load (another program loaded it). */
  preload(name: string, numCtx: number, keepAliveMs = 5 * 60_000): this {
    const model = this.find(name);
    if (!model) throw new Error(`preload: ${name} is not one of the fake's models`);
    this.loaded.set(model.name, { numCtx, expiresAt: this.now() + keepAliveMs, lastUsed: this.now() });
    return this;
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

  /** Queues turns for a phase (see fake-model-script.ts). */
  script(phase: FakePhase, ...turns: TurnSource<Record<string, unknown>>[]): this {
    this.queues.push(phase, turns);
    return this;
  }

  /** The next chat request of `phase` (any when '*') gets this fault instead of (or before) its answer. */
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

  /**
   * Loads `model` with the request's `num_ctx` unless it is loaded with exactly that (see the class
   * comment); then sets its expiry from `keep_alive`. Returns the time the load took (0: none).
   */
  private ensureLoaded(model: string, body: Record<string, unknown>): Promise<number> {
    const options = (body.options ?? {}) as { num_ctx?: unknown };
    const numCtx = typeof options.num_ctx === 'number' && options.num_ctx > 0 ? options.num_ctx : this.defaultContext;
    const keepAlive = keepAliveMs(body.keep_alive);
    const step = this.queue.then(async () => {
      this.expire();
      const current = this.loaded.get(model);
      let loadMs = 0;
      if (!current || current.numCtx !== numCtx) {
        const cause: FakeModelLoad['cause'] = current ? 'num_ctx changed' : (this.unloadedBy.get(model) ?? 'not loaded');
        this.loaded.delete(model);
        this.unloadedBy.delete(model);
        while (this.loaded.size >= this.maxLoadedModels) {
          const oldest = [...this.loaded.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0]![0];
          this.loaded.delete(oldest);
          this.unloadedBy.set(oldest, 'evicted');
        }
        this.loads.push({ model, numCtx, cause, ...(current ? { previousNumCtx: current.numCtx } : {}), at: this.now() });
        if (this.loadDelayMs > 0) await sleep(this.loadDelayMs);
        loadMs = this.loadDelayMs;
      }
      const now = this.now();
      // keep_alive 0 unloads once the answer is done: here, at once (the next request loads again).
      if (keepAlive === 0) this.loaded.delete(model);
      else this.loaded.set(model, { numCtx, expiresAt: now + keepAlive, lastUsed: now });
      return loadMs;
    });
    this.queue = step.catch(() => undefined);
    return step;
  }

  /** Unloads the models whose keep_alive has run out; returns their names. */
  private expire(): string[] {
    const now = this.now();
    const gone: string[] = [];
    for (const [name, l] of this.loaded) {
      if (l.expiresAt <= now) {
        this.loaded.delete(name);
        gone.push(name);
        this.unloadedBy.set(name, 'expired');
      }
    }
    return gone;
  }

  private find(name: string): FakeOllamaModel | undefined {
    const tagged = (n: string) => (n.includes(':') ? n : `${n}:latest`);
    return this.models.find((m) => tagged(m.name) === tagged(name));
  }

  private async chat(req: FakeRequest, res: ServerResponse): Promise<void> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const messages = (body.messages as { role: string; content: string }[] | undefined) ?? [];
    const phase = phaseOf(messages.find((m) => m.role === 'system')?.content);
    const model = String(body.model ?? '');
    // Only conversations are recorded in `chats`; a load request is in `http.requests` and `loads`.
    if (messages.length) this.chats.push({ phase, body });
    if (!this.find(model)) return sendJson(res, 404, { error: `model "${model}" not found, try pulling it first` });
    try {
      keepAliveMs(body.keep_alive);
    } catch (error) {
      return sendJson(res, 400, { error: (error as Error).message });
    }
    // A request without messages only loads the model (Ollama's documented way to preload one).
    if (!messages.length) {
      const loadMs = await this.ensureLoaded(this.find(model)!.name, body);
      return sendJson(res, 200, { model, created_at: new Date().toISOString(), message: { role: 'assistant', content: '' }, done_reason: 'load', done: true, load_duration: loadMs * 1e6 });
    }

    const fault = this.queues.takeFault(phase);
    if (fault?.kind === 'status') return sendJson(res, fault.status, { error: fault.message ?? `injected ${fault.status}` }, fault.headers);
    if (fault?.kind === 'hangup') {
      res.socket?.destroy();
      return;
    }
    const loadMs = await this.ensureLoaded(this.find(model)!.name, body);
    if (fault?.kind === 'delay') await sleep(fault.ms);

    const turn = this.queues.takeTurn(phase, body);
    const stream = body.stream !== false;
    const promptChars = JSON.stringify(messages).length;
    const finalFields = (text: string, toolCalls: ScriptedTurn['toolCalls']) => ({
      done: true,
      done_reason: 'stop',
      total_duration: 1_000_000,
      load_duration: loadMs ? loadMs * 1e6 : 100_000,
      prompt_eval_count: turn.usage?.inputTokens ?? Math.ceil(promptChars / 4),
      prompt_eval_duration: 500_000,
      eval_count: turn.usage?.outputTokens ?? Math.ceil((text.length + JSON.stringify(toolCalls ?? []).length) / 4),
      eval_duration: 400_000,
    });
    const toolCalls = (turn.toolCalls ?? []).map((c) => ({ function: { name: c.name, arguments: c.arguments } }));
    const text = turn.text ?? '';
    const created = () => new Date().toISOString();

    if (!stream) {
      return sendJson(res, 200, {
        model,
        created_at: created(),
        message: { role: 'assistant', content: text, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        ...finalFields(text, turn.toolCalls),
      });
    }

    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const line = (value: unknown) => res.write(JSON.stringify(value) + '\n');
    const pieces = chunks(text);
    if (fault?.kind === 'stall') {
      line({ model, created_at: created(), message: { role: 'assistant', content: pieces[0] ?? '' }, done: false });
      await sleep(fault.ms);
      if (res.destroyed) return;
    }
    for (let i = fault?.kind === 'stall' ? 1 : 0; i < pieces.length; i++) {
      line({ model, created_at: created(), message: { role: 'assistant', content: pieces[i] }, done: false });
      if (fault?.kind === 'cut' && i >= Math.floor(pieces.length / 2)) {
        res.socket?.destroy();
        return;
      }
    }
    if (fault?.kind === 'cut') {
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'malformed') {
      res.write('{"model": "' + model + '", "message": {"role": "assistant", "content": "trunc\n');
      res.end();
      return;
    }
    if (fault?.kind === 'error-event') {
      line({ error: fault.message ?? 'an error was encountered while running the model: unexpected EOF' });
      res.end();
      return;
    }
    if (toolCalls.length) line({ model, created_at: created(), message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false });
    line({ model, created_at: created(), message: { role: 'assistant', content: '' }, ...finalFields(text, turn.toolCalls) });
    res.end();
  }
}

const DETAILS = { parent_model: '', format: 'gguf', family: 'qwen2', families: ['qwen2'], parameter_size: '7.6B', quantization_level: 'Q4_K_M' };

/** Ollama's `keep_alive`: a number of seconds, or a Go duration ("30m", "1h30m"); negative: forever. Default 5m. */
export function keepAliveMs(value: unknown): number {
  if (value === undefined || value === null || value === '') return 5 * 60_000;
  if (typeof value === 'number') return value < 0 ? Infinity : value * 1000;
  const text = String(value).trim();
  if (/^-?\d+$/.test(text)) throw new Error(`keep_alive "${text}": missing unit in duration`);
  let ms = 0;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const negative = text.startsWith('-');
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let match: RegExpExecArray | null;
  let consumed = negative ? 1 : 0;
  while ((match = re.exec(text))) {
    ms += Number(match[1]) * units[match[2]!]!;
    consumed += match[0].length;
  }
  if (consumed !== text.length) throw new Error(`keep_alive "${text}": not a duration`);
  return negative ? Infinity : ms;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
