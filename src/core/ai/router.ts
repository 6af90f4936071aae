import { createHash } from 'node:crypto';
import { DeployAgentError, isDeployAgentError } from '../errors';
import { abortError, retry } from '../recovery/retry';
import type { HistoryStore } from '../store/database';
import { CircuitBreaker } from './circuit-breaker';
import { phaseLimitsFromConfig, type PhaseLimits } from './limits';
import { costOf, type PriceTable } from './cost';
import { AnthropicProvider } from './providers/anthropic';
import { isProviderError, ProviderError } from './providers/errors';
import { OllamaProvider } from './providers/ollama';
import { OllamaContexts, type ModelLoad } from './ollama-context';
import { secretRegistry } from '../security/registry';
import type { Redactor } from '../security/redactor';
import { AiStore } from './store';
import type {
  AgentPhase,
  AiSecretSource,
  ChatMessage,
  ModelInfo,
  ModelProvider,
  ProviderChatResponse,
  ProviderName,
  TokenUsage,
  ToolSpec,
  Transcript,
  UsageTotals,
} from './types';
import { PROVIDER_NAMES } from './types';

/** The settings the router reads (a `ResolvedConfig` fits). */
export interface ConfigReader {
  get<T>(key: string): T;
}

export interface ModelRouterOptions {
  config: ConfigReader;
  /** Where calls, the response cache, outcomes and transcripts are recorded; without it nothing is persisted. */
  store?: HistoryStore;
  secrets?: AiSecretSource;
  /** Fallback for secrets and OLLAMA_HOST-style variables the config does not carry; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Identifies the repository for the model × phase success window (e.g. its absolute path). */
  repoKey?: string;
  /** Tests inject providers; otherwise built from the config. */
  providers?: Partial<Record<ProviderName, ModelProvider>>;
  /** Wraps every provider, injected or built (the eval suite records what a model answered, or replays it). */
  wrapProvider?(provider: ModelProvider): ModelProvider;
  breaker?: { threshold?: number; cooldownMs?: number };
  /** First backoff delay (doubles per attempt); tests shorten it. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  now?: () => number;
  random?: () => number;
}

export interface Candidate {
  provider: ProviderName;
  model: string;
}

export interface RoutedChatRequest {
  phase?: AgentPhase;
  candidate: Candidate;
  system: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  numCtx?: number;
  deploymentId?: string;
  signal?: AbortSignal;
  onText?(delta: string): void;
  onRetry?(info: { attempt: number; delayMs: number; error: string }): void;
}

export interface RoutedChatResponse extends ProviderChatResponse {
  provider: ProviderName;
  model: string;
  costUsd: number;
  cached: boolean;
  durationMs: number;
  attempts: number;
}

const SUCCESS_WINDOW = 20;
/** Responses larger than this (as JSON) are not cached. */
export const CACHE_MAX_CHARS = 256 * 1024;

/**
 * Chooses and calls model providers: order from `ai.providers` (reordered by what worked on
 * this repository), model per phase, a circuit breaker per provider, retries with backoff and
 * jitter on transient errors (429 with retry-after, 5xx, connection reset, timeouts), a
 * per-request time limit, cancellation, a temperature-0 response cache, and token and cost
 * accounting per call and per deployment. Create one per deployment (or per CLI command).
 */
export class ModelRouter {
  readonly temperature: number;
  readonly maxOutputTokens: number;
  readonly requestTimeoutMs: number;
  readonly retries: number;
  /** The longest Retry-After wait taken before a retry (`ai.maxRetryWaitSeconds`); a longer one ends the provider's retries. */
  readonly maxRetryWaitMs: number;
  readonly escalation: boolean;
  readonly ollamaMaxContext: number;
  /** `keep_alive` of every Ollama request (`ollama.keepAlive`): the model stays loaded between phases and repair rounds. */
  readonly ollamaKeepAlive: string;
  /** The context size of each (deployment, Ollama model), and the loads it caused. */
  readonly ollamaContexts: OllamaContexts;
  private readonly providers = new Map<ProviderName, ModelProvider>();
  private readonly breakers = new Map<ProviderName, CircuitBreaker>();
  private readonly infos = new Map<string, ModelInfo>();
  private readonly aiStore: AiStore | undefined;
  private readonly prices: PriceTable;
  private readonly cacheTtlMs: number;
  private readonly now: () => number;
  private readonly usageByDeployment = new Map<string, UsageTotals>();
  /** Each message is redacted once per redactor (a conversation resends every earlier message each turn). */
  private readonly outgoing = new WeakMap<ChatMessage, { redactor: Redactor; clean: ChatMessage }>();
  /** The system prompt is the same on every turn of a phase: redacted once. */
  private lastSystem: { redactor: Redactor; input: string; clean: string } | undefined;

  constructor(private readonly options: ModelRouterOptions) {
    const { config } = options;
    this.now = options.now ?? Date.now;
    this.temperature = config.get<number>('ai.temperature');
    this.maxOutputTokens = config.get<number>('ai.maxOutputTokens');
    this.requestTimeoutMs = config.get<number>('ai.requestTimeoutSeconds') * 1000;
    this.retries = config.get<number>('ai.retries');
    this.maxRetryWaitMs = config.get<number>('ai.maxRetryWaitSeconds') * 1000;
    this.escalation = config.get<boolean>('ai.escalation');
    this.ollamaMaxContext = config.get<number>('ollama.maxContextTokens');
    this.ollamaKeepAlive = config.get<string>('ollama.keepAlive');
    this.ollamaContexts = new OllamaContexts({
      provider: () => this.provider('ollama'),
      keepAlive: this.ollamaKeepAlive,
      onLoad: (deploymentId, load) => this.recordLoad(deploymentId, load),
    });
    this.prices = config.get<PriceTable>('ai.prices');
    this.cacheTtlMs = config.get<number>('ai.cacheTtlSeconds') * 1000;
    this.aiStore = options.store ? new AiStore(options.store.db) : undefined;
    this.aiStore?.purgeExpired(this.now());
    const env = options.env ?? process.env;
    for (const name of PROVIDER_NAMES) {
      const injected = options.providers?.[name];
      const provider =
        injected ??
        (name === 'ollama'
          ? new OllamaProvider({ host: config.get<string>('ollama.host') })
          : new AnthropicProvider({ apiKey: () => this.anthropicKey(), baseUrl: config.get<string>('anthropic.baseUrl') || env.ANTHROPIC_BASE_URL || undefined }));
      this.providers.set(name, options.wrapProvider ? options.wrapProvider(provider) : provider);
      this.breakers.set(name, new CircuitBreaker(options.breaker?.threshold, options.breaker?.cooldownMs, this.now));
    }
  }

  /** Bounds of one phase from the settings (`ai.phase.*`, `ai.maxMalformedToolCalls`). */
  phaseLimits(): PhaseLimits {
    return phaseLimitsFromConfig(this.options.config);
  }

  get store(): AiStore | undefined {
    return this.aiStore;
  }

  /** The Anthropic key from the injected secret source, else ANTHROPIC_API_KEY; added to the process's secrets, so it is redacted everywhere. */
  async anthropicKey(): Promise<string | undefined> {
    const key = (await this.options.secrets?.anthropicApiKey?.()) || (this.options.env ?? process.env).ANTHROPIC_API_KEY || undefined;
    if (key) secretRegistry.add([{ name: 'ANTHROPIC_API_KEY', value: key }]);
    return key;
  }

  /** Removes every known secret (src/core/security) from a text. */
  redact(text: string): string {
    return secretRegistry.text(text);
  }

  /** Whether a provider was injected (tests) rather than built from the settings. */
  hasInjected(name: ProviderName): boolean {
    return Boolean(this.options.providers?.[name]);
  }

  provider(name: ProviderName): ModelProvider {
    return this.providers.get(name)!;
  }

  breakerState(name: ProviderName): 'closed' | 'open' | 'half-open' {
    return this.breakers.get(name)!.state;
  }

  /** Providers in the configured order. */
  providerOrder(): ProviderName[] {
    const order = this.options.config.get<string[]>('ai.providers').filter((p): p is ProviderName => (PROVIDER_NAMES as readonly string[]).includes(p));
    return [...new Set(order)];
  }

  modelFor(provider: ProviderName, phase: AgentPhase): string {
    const perPhase = this.options.config.get<Partial<Record<AgentPhase, string>>>(`${provider}.phaseModels`) ?? {};
    return perPhase[phase] || this.options.config.get<string>(`${provider}.model`);
  }

  /**
   * Who should serve `phase`, best first: the configured order, reordered by the success
   * rate of the last runs of this phase on this repository (smoothed, so one failure does not
   * flip it), `prefer` first, `exclude` and providers without credentials or with an open
   * circuit left out.
   */
  async candidates(phase: AgentPhase, options: { prefer?: ProviderName; exclude?: readonly ProviderName[] } = {}): Promise<Candidate[]> {
    const list: (Candidate & { score: number; index: number })[] = [];
    const stats = this.aiStore && this.options.repoKey ? this.aiStore.outcomeWindow(this.options.repoKey, phase, SUCCESS_WINDOW) : [];
    let index = 0;
    for (const provider of this.providerOrder()) {
      if (options.exclude?.includes(provider)) continue;
      if (!this.breakers.get(provider)!.allows()) continue;
      if (provider === 'anthropic' && !this.hasInjected(provider) && !(await this.anthropicKey())) continue;
      const model = this.modelFor(provider, phase);
      const s = stats.find((x) => x.provider === provider && x.model === model);
      const score = s && s.runs >= 3 ? (s.successes + 1) / (s.runs + 2) : 0.5;
      list.push({ provider, model, score, index: index++ });
    }
    list.sort((a, b) => (a.provider === options.prefer ? -1 : b.provider === options.prefer ? 1 : 0) || b.score - a.score || a.index - b.index);
    return list.map(({ provider, model }) => ({ provider, model }));
  }

  /** Checks a candidate once per router (reachable, model present, context length, tool support). */
  async preflight(candidate: Candidate, signal?: AbortSignal): Promise<ModelInfo> {
    const key = `${candidate.provider}\u0000${candidate.model}`;
    const known = this.infos.get(key);
    if (known) return known;
    try {
      const info = await this.provider(candidate.provider).preflight(candidate.model, signal);
      this.infos.set(key, info);
      return info;
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      throw this.clean(error);
    }
  }

  /**
   * One model call with cache, circuit breaker, retries and accounting. Throws ProviderError /
   * DeployAgentError after the retries. Everything sent leaves redacted: this is the one way to
   * a model, whoever built the prompt.
   */
  async chat(unredacted: RoutedChatRequest): Promise<RoutedChatResponse> {
    const request = this.redactRequest(unredacted);
    const { provider: providerName, model } = request.candidate;
    const started = this.now();
    const useCache = this.temperature === 0 && this.cacheTtlMs > 0 && this.aiStore !== undefined;
    const cacheKey = useCache ? responseCacheKey(providerName, model, request.system, request.messages, request.tools) : '';
    if (useCache) {
      const hit = this.aiStore!.cacheGet(cacheKey, started);
      if (hit) {
        request.onText?.(hit.text);
        this.aiStore!.recordCall({ deploymentId: request.deploymentId, phase: request.phase, provider: providerName, model, inputTokens: 0, outputTokens: 0, costUsd: 0, durationMs: 0, cached: true, attempts: 0, status: 'ok' }, started);
        return { ...hit, usage: { inputTokens: 0, outputTokens: 0 }, provider: providerName, model, costUsd: 0, cached: true, durationMs: this.now() - started, attempts: 0 };
      }
    }

    const provider = this.provider(providerName);
    const breaker = this.breakers.get(providerName)!;
    let attempts = 0;
    try {
      const response = await retry(
        async () => {
          attempts += 1;
          if (!breaker.allows()) {
            throw new ProviderError(providerName, 'unavailable', `${label(providerName)} is skipped for now: its recent requests kept failing (circuit open).`);
          }
          const timeout = new AbortController();
          const timer = setTimeout(() => timeout.abort(), this.requestTimeoutMs);
          const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
          try {
            const result = await provider.chat({
              model,
              system: request.system,
              messages: request.messages,
              tools: request.tools,
              temperature: this.temperature,
              maxOutputTokens: this.maxOutputTokens,
              numCtx: request.numCtx,
              ...(providerName === 'ollama' ? { keepAlive: this.ollamaKeepAlive } : {}),
              signal,
              onText: request.onText,
            });
            breaker.success();
            return result;
          } catch (error) {
            if (request.signal?.aborted) throw abortError(request.signal);
            const failure = timeout.signal.aborted
              ? new ProviderError(providerName, 'timeout', `${label(providerName)} did not answer within ${Math.round(this.requestTimeoutMs / 1000)} s.`, { cause: error })
              : error;
            if (isProviderError(failure) ? failure.kind !== 'rejected' && failure.kind !== 'not_found' : true) breaker.failure();
            throw failure;
          } finally {
            clearTimeout(timer);
          }
        },
        {
          retries: this.retries,
          baseDelayMs: this.options.retryBaseDelayMs ?? 1000,
          maxDelayMs: this.options.retryMaxDelayMs ?? 30_000,
          isTransient: (error) => isProviderError(error) && error.transient,
          requestedDelayMs: (error) => (isProviderError(error) ? error.retryAfterMs : undefined),
          maxRequestedDelayMs: this.maxRetryWaitMs,
          waitTooLong: (error, requestedMs) => waitRefused(providerName, error, requestedMs, this.maxRetryWaitMs, this.now()),
          signal: request.signal,
          random: this.options.random,
          onRetry: ({ attempt, delayMs, error }) => request.onRetry?.({ attempt, delayMs, error: this.redact(error instanceof Error ? error.message : String(error)) }),
        },
      );
      const costUsd = costOf(this.prices, model, response.usage);
      const durationMs = this.now() - started;
      this.account(request.deploymentId, response.usage, costUsd);
      this.aiStore?.recordCall({ deploymentId: request.deploymentId, phase: request.phase, provider: providerName, model, ...response.usage, costUsd, durationMs, cached: false, attempts, status: 'ok' }, this.now());
      // A response that repeats a secret is not kept on disk (the store refuses it); nor is a very
      // large one (a huge tool argument): the transcript already keeps it once, the cache would keep it twice.
      if (useCache && JSON.stringify(response).length <= CACHE_MAX_CHARS) this.aiStore!.cachePut(cacheKey, providerName, model, response, this.now(), this.cacheTtlMs);
      return { ...response, provider: providerName, model, costUsd, cached: false, durationMs, attempts };
    } catch (error) {
      const cleaned = this.clean(error);
      this.aiStore?.recordCall(
        {
          deploymentId: request.deploymentId,
          phase: request.phase,
          provider: providerName,
          model,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          durationMs: this.now() - started,
          cached: false,
          attempts,
          status: 'error',
          errorCode: isDeployAgentError(cleaned) ? cleaned.code : 'UNKNOWN',
        },
        this.now(),
      );
      throw cleaned;
    }
  }

  /** Tokens and cost of the calls this router made for a deployment (also in `ai_model_calls`). */
  usage(deploymentId: string): UsageTotals {
    return { ...(this.usageByDeployment.get(deploymentId) ?? { inputTokens: 0, outputTokens: 0, costUsd: 0 }) };
  }

  recordOutcome(o: { deploymentId?: string; phase: AgentPhase; provider: ProviderName; model: string; success: boolean; reason?: string }): void {
    if (this.aiStore && this.options.repoKey) this.aiStore.recordOutcome({ ...o, repoKey: this.options.repoKey }, this.now());
  }

  /** The Ollama loads a deployment caused (and loaded models it adopted), in order; also in `decisions` (kind `model-load`). */
  modelLoads(deploymentId: string | undefined): ModelLoad[] {
    return this.ollamaContexts.loads(deploymentId);
  }

  private recordLoad(deploymentId: string | undefined, load: ModelLoad): void {
    this.recordDecision({ deploymentId, kind: 'model-load', chosen: `ollama:${load.model}@${load.numCtx}`, inputs: load, reason: load.reason });
  }

  recordDecision(d: { deploymentId?: string; kind: 'provider' | 'escalation' | 'model-load'; chosen: string; inputs?: unknown; reason: string }): void {
    this.aiStore?.recordDecision(d, this.now());
  }

  saveTranscript(t: { deploymentId?: string; transcript: Transcript; provider?: string; model?: string; status: string; reason?: string }): void {
    this.aiStore?.saveTranscript(t, this.now());
  }

  private account(deploymentId: string | undefined, usage: TokenUsage, costUsd: number): void {
    if (!deploymentId) return;
    const totals = this.usageByDeployment.get(deploymentId) ?? { inputTokens: 0, outputTokens: 0, costUsd: 0 };
    totals.inputTokens += usage.inputTokens;
    totals.outputTokens += usage.outputTokens;
    totals.cacheReadTokens = (totals.cacheReadTokens ?? 0) + (usage.cacheReadTokens ?? 0);
    totals.cacheWriteTokens = (totals.cacheWriteTokens ?? 0) + (usage.cacheWriteTokens ?? 0);
    totals.costUsd += costUsd;
    this.usageByDeployment.set(deploymentId, totals);
  }

  private redactRequest(request: RoutedChatRequest): RoutedChatRequest {
    const redactor = secretRegistry.redactor();
    const messages = request.messages.map((message) => {
      const known = this.outgoing.get(message);
      if (known?.redactor === redactor) return known.clean;
      const clean = redactor.value(message);
      this.outgoing.set(message, { redactor, clean });
      return clean;
    });
    if (this.lastSystem?.redactor !== redactor || this.lastSystem.input !== request.system) this.lastSystem = { redactor, input: request.system, clean: redactor.text(request.system) };
    return { ...request, system: this.lastSystem.clean, messages };
  }

  /** Errors leave the router without any secret in their message or hint. */
  private clean(error: unknown): unknown {
    if (error instanceof DeployAgentError) {
      const message = this.redact(error.message);
      const hint = this.redact(error.hint);
      if (message === error.message && hint === error.hint) return error;
      if (error instanceof ProviderError) return new ProviderError(error.provider, error.kind, message, { status: error.status, retryAfterMs: error.retryAfterMs, hint });
      return new DeployAgentError(error.code, message, hint, { details: error.details });
    }
    if (error instanceof Error) {
      const message = this.redact(error.message);
      return message === error.message ? error : new Error(message);
    }
    return error;
  }
}

export function createModelRouter(options: ModelRouterOptions): ModelRouter {
  return new ModelRouter(options);
}

/** sha256 over provider, model, system prompt, messages and tools: the response cache's key. */
export function responseCacheKey(provider: string, model: string, system: string, messages: readonly ChatMessage[], tools: readonly ToolSpec[] | undefined): string {
  return createHash('sha256').update(JSON.stringify([provider, model, system, messages, tools ?? null])).digest('hex');
}

/** A provider asked to wait longer than the setting allows: not waited for; the phase falls back to the next provider or fails with this. */
function waitRefused(provider: ProviderName, error: unknown, requestedMs: number, maxMs: number, now: number): ProviderError {
  const status = isProviderError(error) ? error.status : undefined;
  const until = new Date(now + requestedMs).toISOString().slice(11, 16);
  return new ProviderError(
    provider,
    'rate_limited',
    `${label(provider)} asked to wait ${duration(requestedMs)} before the next request (Retry-After${status ? `, HTTP ${status}` : ''}), longer than the ${duration(maxMs)} Deploy Agent waits (deployAgent.ai.maxRetryWaitSeconds).`,
    {
      status,
      retryAfterMs: requestedMs,
      cause: error,
      hint: `Try again after ${until} UTC, let another provider serve the deployment (deployAgent.ai.providers), or raise deployAgent.ai.maxRetryWaitSeconds.`,
    },
  );
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

function label(provider: ProviderName): string {
  return provider === 'ollama' ? 'Ollama' : 'Anthropic';
}
