import { sameModel } from './providers/ollama';
import type { ModelProvider, RunningModel } from './types';

/**
 * Ollama loads a model with the context it is asked for (`num_ctx`) and loads it again whenever a
 * request asks for another one: a change of context length is a reload (seconds to minutes on a
 * laptop, and the KV cache of the shared prefix is lost). So one deployment uses one context per
 * model, chosen once from a few coarse sizes, and changes it only when the conversation cannot
 * fit otherwise (after old tool output was elided). Each load it causes is recorded with its cause.
 */
export const CONTEXT_SIZES: readonly number[] = [8192, 16384, 32768, 65536, 131072];

/**
 * Room for the conversation beyond the first prompt and the answer when the size is chosen: the
 * files the model reads and its tool results over a phase's turns, so that the size chosen at the
 * start lasts the deployment.
 */
export const CONVERSATION_ROOM = 8192;

/** The smallest coarse size that holds `needed`, never above `limit` (the model's own and `ollama.maxContextTokens`). */
export function coarseContext(needed: number, limit: number): number {
  const size = CONTEXT_SIZES.find((s) => s >= needed) ?? needed;
  return Math.max(Math.min(size, limit), Math.min(2048, limit));
}

/** One load of a model that a deployment caused (or found already done). */
export interface ModelLoad {
  model: string;
  numCtx: number;
  /** The context the model had before (undefined: not loaded). */
  previous: number | undefined;
  /** Tokens the choice was made for. */
  needed: number;
  /** `load`: a request with this context loads the model; `adopted`: it was loaded with a context that fits, used as it is. */
  kind: 'load' | 'adopted';
  reason: string;
}

interface Plan {
  numCtx: number;
  loads: ModelLoad[];
}

export interface OllamaContextOptions {
  provider(): ModelProvider;
  /** How long Ollama keeps the model loaded after each request (`ollama.keepAlive`). */
  keepAlive: string;
  /** Each load, as it is decided (the router records it as a `model-load` decision). */
  onLoad(deploymentId: string | undefined, load: ModelLoad): void;
}

/**
 * The context size of each (deployment, model): chosen once — a model already loaded with a
 * context that fits (`/api/ps`) is used as it is — kept for every turn and phase, grown only when
 * asked to. A warm-up request loads the model while the workspace is analysed.
 */
export class OllamaContexts {
  private readonly plans = new Map<string, Plan>();
  private readonly warming = new Map<string, Promise<void>>();

  constructor(private readonly options: OllamaContextOptions) {}

  /** The size this deployment uses for `model`, choosing it now when it has none. */
  async sizeFor(input: { deploymentId: string | undefined; model: string; needed: number; limit: number; signal?: AbortSignal }): Promise<number> {
    const key = planKey(input.deploymentId, input.model);
    await this.warming.get(key);
    const known = this.plans.get(key);
    if (known) return known.numCtx;
    const running = await this.running(input.model, input.signal);
    const plan: Plan = { numCtx: 0, loads: [] };
    if (running?.contextLength && running.contextLength >= input.needed && running.contextLength <= input.limit) {
      plan.numCtx = running.contextLength;
      this.note(input.deploymentId, plan, {
        model: input.model,
        numCtx: plan.numCtx,
        previous: running.contextLength,
        needed: input.needed,
        kind: 'adopted',
        reason: `already loaded with a context of ${k(running.contextLength)}, which holds the ${k(input.needed)} needed: used as it is`,
      });
    } else {
      plan.numCtx = coarseContext(input.needed, input.limit);
      const why = running?.contextLength
        ? `loaded with a context of ${k(running.contextLength)}, ${running.contextLength < input.needed ? `less than the ${k(input.needed)} needed` : `more than the ${k(input.limit)} allowed`}`
        : 'not loaded';
      this.note(input.deploymentId, plan, {
        model: input.model,
        numCtx: plan.numCtx,
        previous: running?.contextLength,
        needed: input.needed,
        kind: 'load',
        reason: `first load for this deployment (${why}): a context of ${k(plan.numCtx)} for the ${k(input.needed)} the prompt, the answer and the conversation need`,
      });
    }
    this.plans.set(key, plan);
    return plan.numCtx;
  }

  /**
   * The conversation does not fit the current size even with earlier tool output elided: the next
   * size that holds it (a reload, recorded with its cause). Undefined when nothing larger is allowed.
   */
  grow(input: { deploymentId: string | undefined; model: string; needed: number; limit: number; cause: string }): number | undefined {
    const plan = this.plans.get(planKey(input.deploymentId, input.model));
    if (!plan) return undefined;
    const next = coarseContext(input.needed, input.limit);
    if (next <= plan.numCtx || input.needed > input.limit) return undefined;
    const previous = plan.numCtx;
    plan.numCtx = next;
    this.note(input.deploymentId, plan, {
      model: input.model,
      numCtx: next,
      previous,
      needed: input.needed,
      kind: 'load',
      reason: `reload ${k(previous)} → ${k(next)}: ${input.cause}`,
    });
    return next;
  }

  /**
   * Loads the model with the size chosen for `needed` (an empty chat request, as Ollama documents
   * for loading), so that the first turn does not pay for it. Never rejects: a failed warm-up only
   * means the first turn loads the model.
   */
  warmUp(input: { deploymentId: string | undefined; model: string; needed: number; limit: number; signal?: AbortSignal }): Promise<void> {
    const key = planKey(input.deploymentId, input.model);
    const existing = this.warming.get(key);
    if (existing) return existing;
    const work = (async () => {
      const before = this.plans.get(key)?.loads.length ?? 0;
      const numCtx = await this.sizeFor(input);
      const plan = this.plans.get(key)!;
      // Adopted as loaded: nothing to load (a request would only refresh keep_alive, which the first turn does).
      if (plan.loads.slice(before).every((l) => l.kind === 'adopted')) return;
      await this.options.provider().load?.(input.model, { numCtx, keepAlive: this.options.keepAlive, signal: input.signal });
    })().catch(() => undefined);
    this.warming.set(key, work);
    return work;
  }

  /** The loads a deployment caused (and the loaded models it adopted), in order. */
  loads(deploymentId: string | undefined): ModelLoad[] {
    const prefix = `${deploymentId ?? ''}\u0000`;
    return [...this.plans.entries()].filter(([key]) => key.startsWith(prefix)).flatMap(([, plan]) => plan.loads);
  }

  private note(deploymentId: string | undefined, plan: Plan, load: ModelLoad): void {
    plan.loads.push(load);
    this.options.onLoad(deploymentId, load);
  }

  private async running(model: string, signal: AbortSignal | undefined): Promise<RunningModel | undefined> {
    try {
      const list = (await this.options.provider().running?.(signal)) ?? [];
      return list.find((m) => sameModel(m.model, model));
    } catch {
      return undefined; // an Ollama without /api/ps (or not answering it): choose as if nothing were loaded
    }
  }
}

function planKey(deploymentId: string | undefined, model: string): string {
  return `${deploymentId ?? ''}\u0000${model}`;
}

/** 16384 → "16k tokens", 9800 → "9,800 tokens". */
export function k(tokens: number): string {
  return `${tokens % 1024 === 0 ? `${tokens / 1024}k` : tokens.toLocaleString('en-US')} tokens`;
}
