import path from 'node:path';
import { repositoryRootOf } from '../sandbox/workspace';
import { fitWithWarning, loadFittedRecommendation } from '../recommendation/fit';
import { validateRecommendation } from '../recommendation/load';
import type { Recommendation } from '../recommendation/types';
import type { HistoryStore } from '../store/database';
import type { EnvironmentDetection, MetricsReading, StrategyDecision, StrategyName } from '../strategy/types';
import { applyChoice, type IntegrationPointEntry } from './choice';
import { gatherDeploymentContext } from './context';
import type { DeployMode, DeploymentChoice, StrategyChoice, StrategyLevers } from './ports';
import { strategyDecision } from './strategy-step';

/**
 * What a deployment would do, shown before the model runs (the panel's "before" view): the
 * strategy decision with the predicted success of each strategy and its reasons, the environment
 * with its evidence, and the ranked integration points. It creates no sandbox, calls no model,
 * takes no lock and writes nothing to the history (the decision is not logged); the analysis
 * cache may be warmed, as any analysis does.
 */
export interface PreviewInput {
  store: HistoryStore;
  /** The workspace folder (any folder inside the repository). */
  workspaceDir: string;
  /** A recommendation file (validated as a deployment validates it), or a recommendation already in hand (the panel's form; validated here). */
  recommendation: { file: string } | { value: unknown };
  /** What the deployment would ask for (default: the `pipeline.strategy` setting). */
  strategy?: StrategyChoice;
  /** The mode the deployment would run in (recorded with the decision's inputs; default `review`). */
  mode?: DeployMode;
  /** A choice already made (the preview shows the points as the prompts would get them). */
  choice?: DeploymentChoice;
  env: NodeJS.ProcessEnv;
  /** Settings for the repository (CLI: ctx.config, extension: resolveConfig with the editor's values). */
  config: { get<T>(key: string): T };
  /** The background sampler's newest reading (extension). */
  latestMetrics?(repoRoot: string): MetricsReading | undefined;
  signal?: AbortSignal;
  onProgress?(message: string): void;
}

export interface IntegrationPointPreview {
  /** Workspace-relative path. */
  path: string;
  /** The symbols in it that matched the recommendation (may be empty). */
  symbols: string[];
  /** The ranking score (higher is more related); absent for a file the user added that the analysis did not rank. */
  score?: number;
  /** Why it was ranked (or `added by the user`). */
  why: string;
}

export interface StrategyPreview {
  requested: StrategyChoice;
  /** The strategy the deployment would run with. */
  chosen: StrategyName;
  /** How it was decided: requested, a safety override, the cold-start rules, the outcome model … */
  basis: StrategyDecision['basis'];
  /** Predicted P(success) per strategy (empty when the cold-start rules decided: no model yet). */
  probabilities: Partial<Record<StrategyName, number>>;
  /** The cheapest strategy whose predicted success clears this bar wins. */
  successBar: number;
  reasons: string[];
  /** The levers the pipeline would obey (repair rounds, test scope, gates, draft PR, time limit …). */
  levers: StrategyLevers;
  /** Outcomes and imported CI builds the decision could learn from. */
  samples: number;
  modelVersion?: number;
  /** Set when the machine cannot take a deployment now (the deployment would stop with RESOURCES_CRITICAL). */
  blocked?: { message: string };
}

export interface DeploymentPreview {
  repoRoot: string;
  /** The recommendation as the prompts would carry it (fitted into the prompt budget). */
  recommendation: Recommendation;
  /** What was left out of the recommendation to fit, a failed integration analysis, data gaps … */
  warnings: string[];
  environment: EnvironmentDetection;
  metrics: MetricsReading;
  strategy: StrategyPreview;
  /** Ranked, best first (at most 20), with `choice` applied when one was given. */
  integrationPoints: IntegrationPointPreview[];
  /** Where new code and its tests would likely go. */
  suggestedLocations?: { code: string; tests: string; reason: string; existing?: boolean };
  missingDependencies: { name: string; ecosystem: string; reason: string }[];
  /** Tables or fields the recommendation needs that the repository does not declare. */
  dataGaps: string[];
  durationMs: number;
}

export async function previewDeployment(input: PreviewInput): Promise<DeploymentPreview> {
  const started = performance.now();
  const signal = input.signal ?? new AbortController().signal;
  const repoRoot = await repositoryRootOf(path.resolve(input.workspaceDir));
  const loaded =
    'file' in input.recommendation ? await loadFittedRecommendation(path.resolve(input.recommendation.file)) : fitWithWarning(validateRecommendation(input.recommendation.value, '(the form)'));
  const context = await gatherDeploymentContext({
    repoRoot,
    recommendation: loaded.recommendation,
    store: input.store,
    env: input.env,
    config: input.config,
    signal,
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    ...(input.latestMetrics ? { latestMetrics: input.latestMetrics } : {}),
  });
  const requested = input.strategy ?? input.config.get<StrategyChoice>('pipeline.strategy');
  const { decision, levers } = strategyDecision(input.store, input.config, { repoRoot, choice: requested, mode: input.mode ?? 'review', context, recommendation: loaded.recommendation });
  const integration = (context.integration ?? {}) as {
    integrationPoints?: IntegrationPointEntry[];
    suggestedLocations?: DeploymentPreview['suggestedLocations'];
    missingDependencies?: DeploymentPreview['missingDependencies'];
  };
  const points = applyChoice(integration.integrationPoints ?? [], input.choice, repoRoot);
  return {
    repoRoot,
    recommendation: loaded.recommendation,
    warnings: [...loaded.warnings, ...(context.warnings ?? [])],
    environment: decision.environment,
    metrics: decision.metrics,
    strategy: {
      requested,
      chosen: decision.strategy,
      basis: decision.basis,
      probabilities: decision.probabilities,
      successBar: input.config.get<number>('strategy.successBar'),
      reasons: decision.reasons,
      levers,
      samples: decision.samples,
      ...(decision.modelVersion !== undefined ? { modelVersion: decision.modelVersion } : {}),
      ...(decision.blocked ? { blocked: decision.blocked } : {}),
    },
    integrationPoints: points.map((p) => ({ path: p.path, symbols: p.symbols ?? [], ...(p.score !== undefined ? { score: p.score } : {}), why: p.reason ?? '' })),
    ...(integration.suggestedLocations ? { suggestedLocations: integration.suggestedLocations } : {}),
    missingDependencies: integration.missingDependencies ?? [],
    dataGaps: context.dataGaps,
    durationMs: Math.round(performance.now() - started),
  };
}
