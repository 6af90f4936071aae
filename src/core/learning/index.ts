/** Public API of src/core/learning: pattern learning, recoveries, analytics (docs/learning.md). */
export { recordOutcome, rebuildLearning, catchUpLearning, type LearningStore, type RecordResult, type RebuildResult, type CatchUpOptions, type LearningProgress, type OnLearningProgress } from './record';
export { recordRecovery, type RecoveryInput } from './recoveries';
export { effectiveOutcome, outcomeOf, type Outcome } from './outcome';
export { wilsonLowerBound, wilsonInterval, Z_95 } from './wilson';
export { doraDefinitions } from './dora-definitions';
export { DORA_2023, deploymentFrequencyTier, leadTimeTier, changeFailureRateTier, timeToRestoreTier, type DoraTier } from './dora';
export { computeAnalytics, type Analytics, type AnalyticsOptions, type AnalyticsWithSeries } from './analytics';
export type { AnalyticsSeries } from './series';
export { listPatterns, similarPatterns, type PatternRow, type PatternKey } from './patterns';
export { recommendPatterns, adviceFor, MIN_EXECUTIONS, FOLLOW_LOWER_BOUND, type Recommendations, type PatternRecommendation, type Advice } from './recommendations';
export { environmentPairs } from './environment-pairs';
export { environmentAdaptations, LEVERS, type Adaptations, type LeverComparison, type Lever } from './adaptations';
export { rollbackScenarios, type RollbackScenarios, type RollbackScenario, type RecoveryStats } from './rollback-scenarios';
export { formatDuration, formatPercent } from './format';
