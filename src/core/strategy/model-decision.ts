import type { HistoryStore } from '../store/database';
import type { Recommendation } from '../recommendation/types';
import { decideStrategy, DEFAULT_SUCCESS_BAR, type ModelPrediction } from './decide';
import { loadLatestModel } from './model-store';
import { predictSuccess } from './outcome-model';
import { COST_ORDER } from './strategies';
import { candidateRows, countHistoryBuilds, countOutcomes, type CandidateInput } from './training-data';
import type { EnvironmentDetection, MetricsReading, StrategyDecision, StrategyLevers, StrategyName, StrategyRequest } from './types';

export interface DecideForDeploymentInput {
  repoPath: string;
  requested: StrategyRequest;
  environment: EnvironmentDetection;
  metrics: MetricsReading;
  recommendation?: Recommendation | null;
  /** For a deployment without a recommendation (a release): its pattern's category and known-before figures. */
  category?: string;
  features?: CandidateInput['features'];
  /** The `strategy.successBar` setting (default 0.7). */
  successBar?: number;
  overrides?: Partial<Record<StrategyName, Partial<StrategyLevers>>>;
  /** Given: the decision is logged in `decisions` for this deployment. Absent: a preview, not logged. */
  deploymentId?: string;
  /** Extra facts to keep with the logged inputs (mode, choice, …). */
  context?: Record<string, unknown>;
  now?: number;
}

/**
 * The strategy for a deployment about to start, with the outcome model when there is one: the
 * candidates' features (known-before facts + history features from earlier deployments) are
 * scored by the latest stored model, `decideStrategy` applies blocks, overrides, cold-start
 * rules and the bar, and the decision is logged with its inputs, probabilities and reasons.
 */
export function decideForDeployment(store: HistoryStore, input: DecideForDeploymentInput): StrategyDecision & { features: Record<string, number> } {
  const now = input.now ?? Date.now();
  const samples = countOutcomes(store.db) + countHistoryBuilds(store.db);
  const { base, rows } = candidateRows(store.db, {
    repoPath: input.repoPath,
    environment: input.environment.environment,
    cpuLoadPercent: input.metrics.cpuLoadPercent,
    memoryUsedPercent: input.metrics.memoryUsedPercent,
    recommendation: input.recommendation,
    category: input.category,
    features: input.features,
    now,
  });

  let model: ModelPrediction | undefined;
  let modelUnavailable: string | undefined;
  try {
    const loaded = loadLatestModel(store.db, store.path);
    if (loaded && loaded.featureNames.length !== rows.aggressive.length) {
      modelUnavailable = `the stored model v${loaded.version} has ${loaded.featureNames.length} features and this build computes ${rows.aggressive.length} (it is replaced at the next retraining)`;
    } else if (loaded) {
      const scores = predictSuccess(loaded, COST_ORDER.map((name) => rows[name]));
      const probabilities = Object.fromEntries(COST_ORDER.map((name, i) => [name, scores[i]!])) as Record<StrategyName, number>;
      model = { version: loaded.version, trainingSize: loaded.trainingSize, probabilities };
    }
  } catch (error) {
    modelUnavailable = `the stored model could not be loaded (${error instanceof Error ? error.message : String(error)})`;
  }

  const decision = decideStrategy({
    requested: input.requested,
    environment: input.environment,
    metrics: input.metrics,
    samples,
    overrides: input.overrides,
    model,
    modelUnavailable,
    successBar: input.successBar,
  });

  if (input.deploymentId !== undefined) {
    store.db
      .prepare(`INSERT INTO decisions (deployment_id, kind, chosen, inputs, probabilities, reason, created_at) VALUES (?, 'strategy', ?, ?, ?, ?, ?)`)
      .run(
        input.deploymentId,
        decision.blocked ? 'blocked' : decision.strategy,
        JSON.stringify({
          ...input.context,
          requested: input.requested,
          basis: decision.basis,
          environment: decision.environment,
          metrics: input.metrics,
          samples,
          successBar: input.successBar ?? DEFAULT_SUCCESS_BAR,
          modelVersion: decision.modelVersion ?? null,
          // The known-before features: training rebuilds this deployment's row from them.
          features: base,
        }),
        JSON.stringify(decision.probabilities),
        decision.reasons.join('; '),
        now,
      );
  }
  return { ...decision, features: base };
}
