/** Public API of src/core/strategy. */
export { detectEnvironment, environmentSettings, DEFAULT_ENVIRONMENT_PATTERNS, type DetectEnvironmentInput, type EnvironmentPatterns } from './environment';
export { decideStrategy, COLD_START_SAMPLES, THRESHOLDS, type DecideStrategyInput } from './decide';
export { DEFAULT_STRATEGIES, COST_ORDER, leversFor } from './strategies';
export type * from './types';
export { DEFAULT_SUCCESS_BAR, type ModelPrediction } from './decide';
export { decideForDeployment, type DecideForDeploymentInput } from './model-decision';
export { maybeRetrain, RETRAIN_EVERY, type RetrainOptions, type RetrainResult, type TrainingRunner } from './retrain';
export { latestModelMeta, listModels, type OutcomeModelMeta } from './model-store';
export { importHistoryBuilds, importHistoryFile, HISTORY_FORMATS, type ProjectImportCounts, type HistorySource } from './history-import';
export { countOutcomes, countHistoryBuilds } from './training-data';
export { DEPLOYMENT_FEATURE_NAMES } from './deployment-features';
