/** Public API of src/core/strategy. */
export { detectEnvironment, DEFAULT_ENVIRONMENT_PATTERNS, type DetectEnvironmentInput, type EnvironmentPatterns } from './environment';
export { decideStrategy, COLD_START_SAMPLES, THRESHOLDS, type DecideStrategyInput } from './decide';
export { DEFAULT_STRATEGIES, COST_ORDER, leversFor } from './strategies';
export type * from './types';
