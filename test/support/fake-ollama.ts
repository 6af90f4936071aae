import type { ServerResponse } from 'node:http';
import { HttpFake, sendJson, type FakeRequest } from './http-fake';
import { chunks, phaseOf, TurnQueues, type FakePhase, type ModelFault, type RecordedChat, type ScriptedTurn, type TurnSource } from './fake-model-script';

/**
 * A fake Ollama server speaking its HTTP API to the real `ollama` client:
 * `GET /api/version`, `GET /api/tags`, `POST /api/show` (model_info with `<arch>.context_length`,
 * `capabilities` with "tools"), `POST /api/chat` (NDJSON streaming or one JSON object, with
 * `message.tool_calls`, `done_reason`, `prompt_eval_count` / `eval_count`).
 *
 * Usage:
 *   const ollama = new FakeOllama({ models: [{ name: 'qwen2.5-coder:7b', contextLength: 32768 }] });
 *   const host = await ollama.listen();               // give it as ollama.host / OLLAMA_HOST
 *   ollama.script('implement', { toolCalls: [...] }, { toolCalls: [{ name: 'finish', arguments: { summary: 'ok' } }] });
 *   ollama.fail({ kind: 'status', status: 503 }, 'implement');
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

export class FakeOllama {
  readonly http = new HttpFake();
  readonly chats: RecordedChat[] = [];
  readonly version: string;
  private readonly queues = new TurnQueues<Record<string, unknown>>();
  models: FakeOllamaModel[];

  constructor(options: { models?: FakeOllamaModel[]; version?: string } = {}) {
    this.models = options.models ?? [{ name: 'qwen2.5-coder:7b', contextLength: 32768, tools: true }];
    this.version = options.version ?? '0.12.6';
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
            details: { parent_model: '', format: 'gguf', family: 'qwen2', families: ['qwen2'], parameter_size: '7.6B', quantization_level: 'Q4_K_M' },
          })),
        }),
      )
      .route('POST', '/api/show', (req, res) => {
        const model = this.find(String((req.body as { model?: string })?.model ?? ''));
        if (!model) return sendJson(res, 404, { error: `model '${(req.body as { model?: string })?.model}' not found` });
        sendJson(res, 200, {
          modelfile: `FROM ${model.name}`,
          parameters: 'stop "<|im_end|>"',
          template: '{{ .Prompt }}',
          details: { parent_model: '', format: 'gguf', family: 'qwen2', families: ['qwen2'], parameter_size: '7.6B', quantization_level: 'Q4_K_M' },
          model_info: { 'general.architecture': 'qwen2', 'general.parameter_count': 7_615_616_512, 'qwen2.context_length': model.contextLength ?? 32768 },
          capabilities: model.tools === false ? ['completion'] : ['completion', 'tools'],
          modified_at: '2026-01-01T00:00:00Z',
        });
      })
      .route('POST', '/api/chat', (req, res) => this.chat(req, res));
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

  private find(name: string): FakeOllamaModel | undefined {
    const tagged = (n: string) => (n.includes(':') ? n : `${n}:latest`);
    return this.models.find((m) => tagged(m.name) === tagged(name));
  }

  private async chat(req: FakeRequest, res: ServerResponse): Promise<void> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const messages = (body.messages as { role: string; content: string }[] | undefined) ?? [];
    const phase = phaseOf(messages.find((m) => m.role === 'system')?.content);
    this.chats.push({ phase, body });
    const model = String(body.model ?? '');
    if (!this.find(model)) return sendJson(res, 404, { error: `model "${model}" not found, try pulling it first` });

    const fault = this.queues.takeFault(phase);
    if (fault?.kind === 'status') return sendJson(res, fault.status, { error: fault.message ?? `injected ${fault.status}` }, fault.headers);
    if (fault?.kind === 'hangup') {
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'delay') await sleep(fault.ms);

    const turn = this.queues.takeTurn(phase, body);
    const stream = body.stream !== false;
    const promptChars = JSON.stringify(messages).length;
    const finalFields = (text: string, toolCalls: ScriptedTurn['toolCalls']) => ({
      done: true,
      done_reason: 'stop',
      total_duration: 1_000_000,
      load_duration: 100_000,
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
