import { DEFAULT_STRATEGIES, leversFor } from './strategies';
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

export interface DecideStrategyInput {
  requested: StrategyRequest;
  environment: EnvironmentDetection;
  metrics: MetricsReading;
  /** Recorded outcomes the model could learn from. */
  samples: number;
  overrides?: Partial<Record<StrategyName, Partial<StrategyLevers>>>;
}

/**
 * The strategy for one deployment. Order: critical resources block; an explicit request is
 * obeyed; safety overrides (production, high CPU or memory) force conservative; otherwise the
 * cold-start rules decide (docs/strategy.md). The outcome model is not consulted yet: every
 * decision says so in its reasons rather than pretending.
 */
export function decideStrategy(input: DecideStrategyInput): StrategyDecision {
  const { environment, metrics } = input;
  const base = { environment, metrics, samples: input.samples, probabilities: {} };
  const make = (strategy: StrategyName, basis: StrategyDecision['basis'], reasons: string[], blocked?: { message: string }): StrategyDecision => ({
    ...base,
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
  if (overrides.length) return make('conservative', 'override', overrides.map((o) => `safety override: ${o} → conservative`));

  const why = input.samples < COLD_START_SAMPLES
    ? `cold start: ${input.samples} recorded outcomes (fewer than ${COLD_START_SAMPLES}), so the documented rules decide`
    : 'the outcome model is not consulted by this build yet, so the documented rules decide';
  const rule = environment.environment === 'staging'
    ? 'rule: staging → balanced (related tests, two repair rounds, ready pull request)'
    : `rule: ${environment.environment} → balanced (aggressive is chosen only by the outcome model, never by the rules)`;
  return make('balanced', 'cold-start-rules', [why, rule]);
}

function describeEvidence(environment: EnvironmentDetection): string {
  return environment.evidence.filter((e) => e.suggests === environment.environment).map((e) => e.value).join(', ') || 'no evidence';
}

export { DEFAULT_STRATEGIES };
