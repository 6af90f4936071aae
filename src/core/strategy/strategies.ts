import type { StrategyLevers, StrategyName } from './types';

/** The strategies as data. Settings (`strategy.levers`) can override single levers. */
export const DEFAULT_STRATEGIES: Readonly<Record<StrategyName, StrategyLevers>> = {
  conservative: {
    testScope: 'full',
    typecheckGate: true,
    lintGate: true,
    repairRounds: 1,
    testConcurrency: 1,
    cpuLimit: 0.5,
    memoryLimitMb: 1024,
    draftPr: true,
    timeLimitMs: 20 * 60_000,
  },
  balanced: {
    testScope: 'related',
    typecheckGate: true,
    lintGate: false,
    repairRounds: 2,
    testConcurrency: 2,
    cpuLimit: 0.75,
    memoryLimitMb: 2048,
    draftPr: false,
    timeLimitMs: 15 * 60_000,
  },
  aggressive: {
    testScope: 'generated',
    typecheckGate: false,
    lintGate: false,
    repairRounds: 3,
    testConcurrency: 4,
    cpuLimit: 1,
    memoryLimitMb: 4096,
    draftPr: false,
    timeLimitMs: 10 * 60_000,
  },
};

/** Cost order: the cheapest first (the decision takes the cheapest that clears the bar). */
export const COST_ORDER: readonly StrategyName[] = ['aggressive', 'balanced', 'conservative'];

export function leversFor(name: StrategyName, overrides?: Partial<Record<StrategyName, Partial<StrategyLevers>>>): StrategyLevers {
  return { ...DEFAULT_STRATEGIES[name], ...(overrides?.[name] ?? {}) };
}
