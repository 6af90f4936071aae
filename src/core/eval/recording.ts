import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ProviderError, type ProviderErrorKind } from '../ai/providers/errors';
import type { ModelInfo, ModelProvider, ProviderChatRequest, ProviderChatResponse, ProviderName, RunningModel } from '../ai/types';
import { DeployAgentError, isDeployAgentError } from '../errors';
import { secretRegistry } from '../security/registry';

/**
 * What a model said during one eval deployment, in order, so that the deployment can be run again
 * without the model (`--replay`): the checks (preflight, models, what is loaded), the loads and
 * every chat answer (or the error it ended with). A transcript of the model's side only — the
 * pipeline, the tools, the tests all run again for real on replay.
 */
export type RecordedCall =
  | { kind: 'preflight'; provider: ProviderName; model: string; info?: ModelInfo; error?: RecordedError }
  | { kind: 'listModels'; provider: ProviderName; models?: string[]; error?: RecordedError }
  | { kind: 'running'; provider: ProviderName; models?: RunningModel[]; error?: RecordedError }
  | { kind: 'load'; provider: ProviderName; model: string; numCtx: number; error?: RecordedError }
  | { kind: 'chat'; provider: ProviderName; model: string; phase: string; shape: string; response?: ProviderChatResponse; error?: RecordedError };

export interface RecordedError {
  type: 'provider' | 'deploy-agent' | 'timeout' | 'other';
  message: string;
  kind?: ProviderErrorKind;
  code?: string;
  hint?: string;
  status?: number;
  retryAfterMs?: number;
}

export interface Recording {
  format: 'deploy-agent-eval-recording/1';
  taskId: string;
  repeat: number;
  provider: ProviderName;
  model: string;
  calls: RecordedCall[];
}

export function recordingFile(dir: string, taskId: string, repeat: number): string {
  return path.join(dir, taskId, `run-${repeat}.json`);
}

/** Writes a recording without any known secret (a model may repeat one; the file is kept like a log). */
export function writeRecording(dir: string, recording: Recording): string {
  const file = recordingFile(dir, recording.taskId, recording.repeat);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${secretRegistry.json(recording)}\n`);
  return file;
}

export function readRecording(dir: string, taskId: string, repeat: number): Recording {
  const file = recordingFile(dir, taskId, repeat);
  let value: Recording;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as Recording;
  } catch (error) {
    throw new DeployAgentError('EVAL_RECORDING_MISSING', `There is no readable recording of task ${taskId} (run ${repeat}) at ${file}.`, 'Record the suite first with `deploy-agent eval --record DIR`, with the same tasks and --repeat.', { cause: error });
  }
  if (value?.format !== 'deploy-agent-eval-recording/1' || !Array.isArray(value.calls)) {
    throw new DeployAgentError('EVAL_RECORDING_INVALID', `${file} is not a recording of deploy-agent eval.`, 'Record it again with `deploy-agent eval --record DIR`.');
  }
  return value;
}

/**
 * The structure of a chat request — its phase, its turns' roles and the tools the model called —
 * without its text (which carries test timings and temporary paths). A replay whose request has
 * another shape than the recorded one has diverged from the recording.
 */
export function requestShape(phase: string, request: Pick<ProviderChatRequest, 'messages'>): string {
  const turns = request.messages.map((m) => (m.role === 'assistant' ? `a:${(m.toolCalls ?? []).map((c) => c.name).join('+')}` : m.role === 'tool' ? `t:${m.name}` : 'u'));
  return createHash('sha256').update(JSON.stringify([phase, turns])).digest('hex').slice(0, 16);
}

export function phaseOfSystem(system: string): string {
  return /^deploy-agent phase: (\w+)/.exec(system)?.[1] ?? 'unknown';
}

/** Passes every call to the real provider and writes down what it answered. */
export class RecordingProvider implements ModelProvider {
  readonly name: ProviderName;

  constructor(
    private readonly inner: ModelProvider,
    private readonly calls: RecordedCall[],
  ) {
    this.name = inner.name;
  }

  async preflight(model: string, signal?: AbortSignal): Promise<ModelInfo> {
    return this.note(() => this.inner.preflight(model, signal), (info) => ({ kind: 'preflight', provider: this.name, model, info }), (error) => ({ kind: 'preflight', provider: this.name, model, error }));
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    return this.note(() => this.inner.listModels(signal), (models) => ({ kind: 'listModels', provider: this.name, models }), (error) => ({ kind: 'listModels', provider: this.name, error }));
  }

  async running(signal?: AbortSignal): Promise<RunningModel[]> {
    if (!this.inner.running) return [];
    return this.note(() => this.inner.running!(signal), (models) => ({ kind: 'running', provider: this.name, models }), (error) => ({ kind: 'running', provider: this.name, error }));
  }

  async load(model: string, options: { numCtx: number; keepAlive: string; signal?: AbortSignal }): Promise<void> {
    if (!this.inner.load) return;
    return this.note(() => this.inner.load!(model, options), () => ({ kind: 'load', provider: this.name, model, numCtx: options.numCtx }), (error) => ({ kind: 'load', provider: this.name, model, numCtx: options.numCtx, error }));
  }

  async chat(request: ProviderChatRequest): Promise<ProviderChatResponse> {
    const phase = phaseOfSystem(request.system);
    const shape = requestShape(phase, request);
    const base = { kind: 'chat' as const, provider: this.name, model: request.model, phase, shape };
    return this.note(() => this.inner.chat(request), (response) => ({ ...base, response }), (error) => ({ ...base, error }));
  }

  private async note<T>(work: () => Promise<T>, ok: (value: T) => RecordedCall, failed: (error: RecordedError) => RecordedCall): Promise<T> {
    try {
      const value = await work();
      this.calls.push(ok(value));
      return value;
    } catch (error) {
      this.calls.push(failed(recordError(error)));
      throw error;
    }
  }
}

/**
 * Answers from a recording, in order, without any model: each chat takes the next recorded answer
 * of its model and phase (streamed text included), the checks their recorded results, a load does
 * nothing. A recorded error is thrown again. `divergences` counts chats whose request had another
 * shape than the recorded one (see `requestShape`).
 */
export class ReplayProvider implements ModelProvider {
  divergences = 0;
  private readonly used = new Set<RecordedCall>();

  constructor(
    readonly name: ProviderName,
    private readonly calls: readonly RecordedCall[],
  ) {}

  async preflight(model: string): Promise<ModelInfo> {
    const call = this.calls.find((c) => c.kind === 'preflight' && c.provider === this.name && c.model === model) as Extract<RecordedCall, { kind: 'preflight' }> | undefined;
    if (!call) throw exhausted(this.name, `a check of ${model}`);
    if (call.error) throw replayError(this.name, call.error);
    return call.info!;
  }

  async listModels(): Promise<string[]> {
    const call = this.calls.find((c) => c.kind === 'listModels' && c.provider === this.name) as Extract<RecordedCall, { kind: 'listModels' }> | undefined;
    if (!call) throw exhausted(this.name, 'the list of models');
    if (call.error) throw replayError(this.name, call.error);
    return call.models!;
  }

  async running(): Promise<RunningModel[]> {
    const call = this.take((c) => c.kind === 'running') as Extract<RecordedCall, { kind: 'running' }> | undefined;
    if (call?.error) throw replayError(this.name, call.error);
    return call?.models ?? [];
  }

  async load(model: string): Promise<void> {
    const call = this.take((c) => c.kind === 'load' && c.model === model) as Extract<RecordedCall, { kind: 'load' }> | undefined;
    if (call?.error) throw replayError(this.name, call.error);
  }

  async chat(request: ProviderChatRequest): Promise<ProviderChatResponse> {
    const phase = phaseOfSystem(request.system);
    const call = this.take((c) => c.kind === 'chat' && c.model === request.model && c.phase === phase) as Extract<RecordedCall, { kind: 'chat' }> | undefined;
    if (!call) throw exhausted(this.name, `a ${phase} turn of ${request.model}`);
    if (call.shape !== requestShape(phase, request)) this.divergences++;
    if (call.error) throw replayError(this.name, call.error);
    if (call.response!.text) request.onText?.(call.response!.text);
    return call.response!;
  }

  private take(match: (call: RecordedCall) => boolean): RecordedCall | undefined {
    const call = this.calls.find((c) => c.provider === this.name && !this.used.has(c) && match(c));
    if (call) this.used.add(call);
    return call;
  }
}

function recordError(error: unknown): RecordedError {
  if (error instanceof ProviderError) {
    return { type: 'provider', kind: error.kind, message: error.message, hint: error.hint, ...(error.status !== undefined ? { status: error.status } : {}), ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) };
  }
  if (isDeployAgentError(error)) return { type: 'deploy-agent', code: error.code, message: error.message, hint: error.hint };
  const name = (error as Error)?.name;
  // The router's time limit aborts the request: on replay it is a timeout again.
  if (name === 'AbortError' || name === 'TimeoutError') return { type: 'timeout', message: (error as Error).message };
  return { type: 'other', message: error instanceof Error ? error.message : String(error) };
}

function replayError(provider: ProviderName, e: RecordedError): Error {
  switch (e.type) {
    case 'provider':
      return new ProviderError(provider, e.kind ?? 'server', e.message, { ...(e.status !== undefined ? { status: e.status } : {}), ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}), ...(e.hint ? { hint: e.hint } : {}) });
    case 'deploy-agent':
      return new DeployAgentError(e.code ?? 'UNKNOWN', e.message, e.hint ?? '');
    case 'timeout':
      return new ProviderError(provider, 'timeout', e.message);
    default:
      return new Error(e.message);
  }
}

function exhausted(provider: ProviderName, what: string): DeployAgentError {
  return new DeployAgentError(
    'EVAL_REPLAY_EXHAUSTED',
    `The recording has no ${what} for ${provider}: this run asked the model more than the recorded one did.`,
    'The code or the task changed since the recording; record the suite again with `deploy-agent eval --record DIR`.',
  );
}
