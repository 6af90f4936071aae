import { COST_ORDER, DEFAULT_STRATEGIES, leversFor } from './strategies';
import type { EnvironmentDetection, MetricsReading, StrategyDecision, StrategyLevers, StrategyName, StrategyRequest } from './types';

/** Below this many recorded outcomes the documented rules decide, not a model. */
export const COLD_START_SAMPLES = 20;

export const THRESHOLDS = {
  /** Above these the decision is forced to conservative. */
  highCpuPercent: 80,
  highMemoryPercent: 95,
  /** At these levels a deployment is refused until something is freed. */
  criticalMemoryPercent: 98,
  criticalDiskFreeBytes: 512 * 1024 * 1024,
} as const;

/** The `strategy.successBar` default: the model must predict at least this P(success). */
export const DEFAULT_SUCCESS_BAR = 0.7;

/** What the outcome model predicted for this deployment (model-decision.ts computes it). */
export interface ModelPrediction {
  version: number;
  trainingSize: number;
  /** P(success) per candidate strategy. */
  probabilities: Record<StrategyName, number>;
}

export interface DecideStrategyInput {
  requested: StrategyRequest;
  environment: EnvironmentDetection;
  metrics: MetricsReading;
  /** Outcomes the model could learn from (own deployments plus imported CI builds). */
  samples: number;
  overrides?: Partial<Record<StrategyName, Partial<StrategyLevers>>>;
  /** Absent: no model yet (or it could not be used; `modelUnavailable` says why). */
  model?: ModelPrediction;
  modelUnavailable?: string;
  successBar?: number;
}

/**
 * The strategy for one deployment. Order: critical resources block; an explicit request is
 * obeyed; safety overrides (production, high CPU or memory) force conservative; fewer than 20
 * samples → the cold-start rules (docs/strategy.md); otherwise the outcome model: the cheapest
 * strategy whose P(success) clears the bar, else conservative. Pure: the caller supplies the
 * model's probabilities.
 */
export function decideStrategy(input: DecideStrategyInput): StrategyDecision {
  const { environment, metrics } = input;
  const base = { environment, metrics, samples: input.samples, probabilities: {} };
  // The model's view is kept with every decision it was available for, also when it was overruled.
  const withModel = input.model ? { probabilities: input.model.probabilities, modelVersion: input.model.version } : {};
  const make = (strategy: StrategyName, basis: StrategyDecision['basis'], reasons: string[], blocked?: { message: string }): StrategyDecision => ({
    ...base,
    ...(basis === 'cold-start-rules' || basis === 'model-fallback' ? {} : withModel),
    strategy,
    levers: leversFor(strategy, input.overrides),
    basis,
    reasons,
    ...(blocked ? { blocked } : {}),
  });

  const critical: string[] = [];
  if (metrics.memoryUsedPercent >= THRESHOLDS.criticalMemoryPercent) critical.push(`memory is ${metrics.memoryUsedPercent}% used: close programs or stop other builds to free memory`);
  if (metrics.diskFreeBytes !== undefined && metrics.diskFreeBytes !== null && metrics.diskFreeBytes < THRESHOLDS.criticalDiskFreeBytes) {
    critical.push(`only ${Math.round(metrics.diskFreeBytes / 1024 / 1024)} MB of disk are free: remove old worktrees (deploy-agent clean), caches or build output`);
  }
  if (critical.length) {
    const message = `Resources are at a critical level — ${critical.join('; ')}.`;
    return make('conservative', 'blocked', [message], { message });
  }

  if (input.requested !== 'auto') {
    const reasons = [`requested: --strategy ${input.requested}`];
    if (environment.environment === 'production' && input.requested !== 'conservative') reasons.push('note: the environment looks like production; auto would have chosen conservative');
    return make(input.requested, 'requested', reasons);
  }

  const overrides: string[] = [];
  if (environment.environment === 'production') overrides.push(`the environment is production (${describeEvidence(environment)})`);
  if (metrics.cpuLoadPercent > THRESHOLDS.highCpuPercent) overrides.push(`CPU load is ${metrics.cpuLoadPercent}% (above ${THRESHOLDS.highCpuPercent}%)`);
  if (metrics.memoryUsedPercent > THRESHOLDS.highMemoryPercent) overrides.push(`memory is ${metrics.memoryUsedPercent}% used (above ${THRESHOLDS.highMemoryPercent}%)`);
  if (overrides.length) {
    const reasons = overrides.map((o) => `safety override: ${o} → conservative`);
    if (input.model) reasons.push(`the model (v${input.model.version}) was overruled: ${describeProbabilities(input.model.probabilities)}`);
    return make('conservative', 'override', reasons);
  }

  const rule = environment.environment === 'staging'
    ? 'rule: staging → balanced (related tests, two repair rounds, ready pull request)'
    : `rule: ${environment.environment} → balanced (aggressive is chosen only by the outcome model, never by the rules)`;
  if (input.samples < COLD_START_SAMPLES) {
    return make('balanced', 'cold-start-rules', [`cold start: ${input.samples} recorded outcomes (fewer than ${COLD_START_SAMPLES}), so the documented rules decide`, rule]);
  }
  if (!input.model) {
    const why = input.modelUnavailable ?? 'no outcome model has been trained yet (it is trained every 10 outcomes)';
    return make('balanced', 'model-fallback', [`${input.samples} samples, but ${why}, so the documented rules decide`, rule]);
  }

  const bar = input.successBar ?? DEFAULT_SUCCESS_BAR;
  const p = input.model.probabilities;
  const chosen = COST_ORDER.find((name) => (p[name] ?? 0) >= bar);
  const header = `model v${input.model.version} (trained on ${input.model.trainingSize} rows): ${describeProbabilities(p)}`;
  const reasons = chosen
    ? [header, `${chosen} is the cheapest strategy whose P(success) ${p[chosen]!.toFixed(2)} clears the bar ${bar}`]
    : [header, `no strategy clears the bar ${bar} → conservative`];
  return make(chosen ?? 'conservative', 'model', reasons);
}

function describeProbabilities(p: Partial<Record<StrategyName, number>>): string {
  return `P(success) ${COST_ORDER.map((name) => `${name} ${p[name] === undefined ? '?' : p[name]!.toFixed(2)}`).join(', ')}`;
}

function describeEvidence(environment: EnvironmentDetection): string {
  return environment.evidence.filter((e) => e.suggests === environment.environment).map((e) => e.value).join(', ') || 'no evidence';
}

export { DEFAULT_STRATEGIES };
