import { DeployAgentError } from '../errors';
import type { HistoryStore } from '../store/database';
import { decideForDeployment } from '../strategy/model-decision';
import { detectEnvironment } from '../strategy/environment';
import { readMachineNow } from './context';
import type { ContextInfo, DeployMode, StrategyChoice, StrategyLevers } from './ports';
import type { Recommendation } from '../recommendation/types';
import type { StrategyDecision, StrategyLevers as StrategyLeverSet, StrategyName } from '../strategy/types';

/**
 * The pipeline's `strategy` step through src/core/strategy: environment and machine reading feed
 * the blocks and safety overrides, the outcome model (when trained) scores each candidate, and
 * the decision is logged with its inputs, probabilities and reasons (decisions table).
 */
export function decideStrategyForDeployment(
  store: HistoryStore,
  config: { get<T>(key: string): T },
  input: { deploymentId: string; repoRoot: string; choice: StrategyChoice; mode: DeployMode; context: ContextInfo; recommendation: Recommendation },
): StrategyLevers {
  const { decision, levers } = strategyDecision(store, config, input);
  if (decision.blocked) throw new DeployAgentError('RESOURCES_CRITICAL', decision.blocked.message, 'Free what the message names, then run the deployment again.');
  return levers;
}

/**
 * The decision and the levers the pipeline would obey. Logged in `decisions` when a deployment id
 * is given; without one it is a preview (the panel's, before the model runs) and nothing is written.
 */
export function strategyDecision(
  store: HistoryStore,
  config: { get<T>(key: string): T },
  input: { deploymentId?: string; repoRoot: string; choice: StrategyChoice; mode: DeployMode; context: ContextInfo; recommendation: Recommendation },
): { decision: StrategyDecision; levers: StrategyLevers } {
  const decision = decideForDeployment(store, {
    repoPath: input.repoRoot,
    requested: input.choice,
    environment: input.context.environmentDetection ?? detectEnvironment(),
    metrics: input.context.metrics ?? readMachineNow(input.repoRoot),
    recommendation: input.recommendation,
    successBar: config.get<number>('strategy.successBar'),
    ...(input.deploymentId !== undefined ? { deploymentId: input.deploymentId } : {}),
    context: { choice: input.choice, mode: input.mode },
    overrides: config.get<Partial<Record<StrategyName, Partial<StrategyLeverSet>>>>('strategy.levers'),
  });
  const { testScope, repairRounds, draftPr, timeLimitMs, testConcurrency, cpuLimit, memoryLimitMb, typecheckGate, lintGate } = decision.levers;
  // The coverage gate is a setting, not a strategy lever: 0 (the default) leaves it off.
  const coverageThreshold = config.get<number>('pipeline.coverageThreshold');
  const levers: StrategyLevers = { name: decision.strategy, testScope, repairRounds, draftPr, timeLimitMs, testConcurrency, cpuLimit, memoryLimitMb, typecheckGate, lintGate, ...(coverageThreshold > 0 ? { coverageThreshold } : {}), reasons: decision.reasons };
  return { decision, levers };
}
