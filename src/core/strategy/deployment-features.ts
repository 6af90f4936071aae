import type { Recommendation } from '../recommendation/types';
import { HISTORY_FEATURE_NAMES, historyFeatureVector, type HistoryFeatureValues } from './history-features';
import type { StrategyName } from './types';

/**
 * The outcome model's input: what is known about a deployment BEFORE it runs, plus history
 * features computed strictly from earlier deployments (history-features.ts). Unknown values are
 * -1 (a value no real figure takes), so imported CI builds — which have no environment,
 * strategy or recommendation — share the same columns. docs/strategy.md lists the encoding.
 */
export const UNKNOWN = -1;

/** Ordinal: the further right, the closer to users. */
export const ENVIRONMENT_CODES: Readonly<Record<string, number>> = { development: 0, test: 1, ci: 2, staging: 3, production: 4 };
/** The cost order (strategies.ts COST_ORDER): cheapest 0. */
export const STRATEGY_CODES: Readonly<Record<StrategyName, number>> = { aggressive: 0, balanced: 1, conservative: 2 };
export const CATEGORY_CODES: Readonly<Record<string, number>> = {
  feature: 0, refactor: 1, test: 2, fix: 3, 'deployment-config': 4, ci: 5, documentation: 6, performance: 7, security: 8, dependency: 9, other: 10,
  /** A release of the application to a target (src/core/release), not a recommendation. */
  release: 11,
};

export const BASE_FEATURE_NAMES = [
  'environment', 'cpuLoadPercent', 'memoryUsedPercent', 'filesChanged', 'linesChanged', 'recommendationSize', 'category', 'integrationPoints', 'testCount', 'strategy',
] as const;
export const DEPLOYMENT_FEATURE_NAMES: readonly string[] = [...BASE_FEATURE_NAMES, ...HISTORY_FEATURE_NAMES];

/** The known-before figures of one deployment (or imported build), already encoded. */
export type BaseFeatures = Record<(typeof BASE_FEATURE_NAMES)[number], number>;

export function encodeEnvironment(name: string | null | undefined): number {
  return name !== null && name !== undefined && name in ENVIRONMENT_CODES ? ENVIRONMENT_CODES[name]! : UNKNOWN;
}

export function encodeStrategy(name: string | null | undefined): number {
  return name !== null && name !== undefined && name in STRATEGY_CODES ? STRATEGY_CODES[name as StrategyName] : UNKNOWN;
}

export function encodeCategory(name: string | null | undefined): number {
  return name !== null && name !== undefined && name in CATEGORY_CODES ? CATEGORY_CODES[name]! : UNKNOWN;
}

export interface DeploymentFeatureInput {
  environment?: string | null;
  cpuLoadPercent?: number | null;
  memoryUsedPercent?: number | null;
  recommendation?: Recommendation | null;
  /** Tests in the repository, from its latest earlier test run (null: none yet). */
  testCount?: number | null;
  strategy?: string | null;
}

/** Words in the recommendation's title, description and acceptance criteria. */
export function recommendationSize(rec: Recommendation): number {
  const text = [rec.title, rec.description, ...(rec.acceptanceCriteria ?? [])].join(' ');
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * Base features of a deployment. Change size before the agent has written anything is what the
 * recommendation names: its target files (lines are not known in advance, so -1).
 */
export function deploymentBaseFeatures(input: DeploymentFeatureInput): BaseFeatures {
  const rec = input.recommendation ?? undefined;
  const known = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : UNKNOWN);
  return {
    environment: encodeEnvironment(input.environment),
    cpuLoadPercent: known(input.cpuLoadPercent),
    memoryUsedPercent: known(input.memoryUsedPercent),
    filesChanged: rec ? (rec.targetFiles?.length ?? 0) : UNKNOWN,
    linesChanged: UNKNOWN,
    recommendationSize: rec ? recommendationSize(rec) : UNKNOWN,
    category: encodeCategory(rec?.category),
    integrationPoints: rec ? (rec.integrationPoints?.existingSystems?.length ?? 0) + (rec.integrationPoints?.dependencies?.length ?? 0) : UNKNOWN,
    testCount: known(input.testCount),
    strategy: encodeStrategy(input.strategy),
  };
}

/** An imported CI build: no environment, machine load, recommendation or strategy. */
export interface ImportedBuildFacts {
  filesChanged?: number | null;
  linesChanged?: number | null;
  /** Numeric columns of the build (TravisTorrent names). */
  numeric?: Record<string, number>;
}

export function importedBaseFeatures(build: ImportedBuildFacts): BaseFeatures {
  const n = build.numeric ?? {};
  // Test cases in the project: TravisTorrent gives a density (per 1,000 source lines) and the size.
  const tests = n.gh_test_cases_per_kloc !== undefined && n.gh_sloc !== undefined ? Math.round((n.gh_test_cases_per_kloc * n.gh_sloc) / 1000) : UNKNOWN;
  return {
    environment: UNKNOWN,
    cpuLoadPercent: UNKNOWN,
    memoryUsedPercent: UNKNOWN,
    filesChanged: build.filesChanged ?? UNKNOWN,
    linesChanged: build.linesChanged ?? UNKNOWN,
    recommendationSize: UNKNOWN,
    category: UNKNOWN,
    integrationPoints: UNKNOWN,
    testCount: tests,
    strategy: UNKNOWN,
  };
}

export function featureVector(base: BaseFeatures, history: HistoryFeatureValues): number[] {
  return [...BASE_FEATURE_NAMES.map((name) => base[name]), ...historyFeatureVector(history)];
}

/** The pattern a deployment belongs to (its success rate is a history feature). */
export function patternKey(parts: { environment?: string | null; strategy?: string | null; category?: string | null }): string {
  return `${parts.environment ?? 'unknown'}|${parts.strategy ?? 'unknown'}|${parts.category ?? 'unknown'}`;
}
