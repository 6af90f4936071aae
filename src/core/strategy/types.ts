/** Public types of src/core/strategy (environment, metrics, levers, decisions). */

export type StrategyName = 'conservative' | 'balanced' | 'aggressive';
export type StrategyRequest = 'auto' | StrategyName;
export const STRATEGY_NAMES: readonly StrategyName[] = ['aggressive', 'balanced', 'conservative'];

export type EnvironmentName = 'production' | 'staging' | 'development' | 'ci' | 'test' | 'unknown' | (string & {});

export interface EnvironmentEvidence {
  source: 'setting' | 'env-var' | 'release-target' | 'branch' | 'hostname' | 'ci' | 'container' | 'machine';
  value: string;
  suggests: string;
  weight: number;
  /** false: shown, but not counted (a branch name on a developer machine); why in `note`. */
  applied?: boolean;
  note?: string;
}

export interface EnvironmentDetection {
  environment: EnvironmentName;
  /** 0..1: the share of the evidence weight that points at the chosen environment. */
  confidence: number;
  evidence: EnvironmentEvidence[];
  inContainer: boolean;
  inCi: boolean;
}

/** The levers the pipeline obeys. */
export interface StrategyLevers {
  /** generated: only the new tests; related: plus the tests near the change; full: the whole suite. */
  testScope: 'generated' | 'related' | 'full';
  typecheckGate: boolean;
  lintGate: boolean;
  repairRounds: number;
  testConcurrency: number;
  /** Share of the machine's cores test processes may use (0..1). */
  cpuLimit: number;
  memoryLimitMb: number;
  draftPr: boolean;
  timeLimitMs: number;
}

export interface MetricsReading {
  cpuLoadPercent: number;
  memoryUsedPercent: number;
  memoryAvailableBytes?: number;
  diskFreeBytes?: number | null;
  loadAverage1?: number;
  modelLatencyMs?: number | null;
  gitRemoteLatencyMs?: number | null;
  /** Change of CPU load per minute over the trend window (positive: rising). */
  cpuTrendPerMin?: number;
  sampledAt?: number;
}

/** What is known about a deployment before it starts (the model's inputs). */
export interface DeploymentFeatures {
  filesChanged?: number;
  linesChanged?: number;
  recommendationSize?: number;
  category?: string;
  integrationPoints?: number;
  testCount?: number;
  stack?: string;
}

export interface StrategyDecision {
  strategy: StrategyName;
  levers: StrategyLevers;
  /** P(success) per candidate strategy (empty when the cold-start rules decided). */
  probabilities: Partial<Record<StrategyName, number>>;
  reasons: string[];
  environment: EnvironmentDetection;
  metrics: MetricsReading;
  /** How the decision was taken. */
  basis: 'requested' | 'override' | 'cold-start-rules' | 'model' | 'model-fallback' | 'blocked';
  samples: number;
  modelVersion?: number;
  blocked?: { message: string };
}
