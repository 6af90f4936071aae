import type { UsageTotals } from './types';

export interface DeploymentBudgetLimits {
  maxTurns: number;
  maxTokens: number;
  maxCostUsd: number;
}

export type BudgetExceeded = { limit: 'turns' | 'tokens' | 'cost'; message: string };

/**
 * What one deployment may spend on models across its phases (turns, tokens, money), and
 * what it has spent. The pipeline creates one per deployment and passes it to every phase.
 */
export class DeploymentBudget {
  readonly spent: UsageTotals & { turns: number } = { turns: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };

  constructor(readonly limits: DeploymentBudgetLimits) {}

  /** Adds one model turn's usage. */
  charge(usage: { inputTokens: number; outputTokens: number; costUsd: number }): void {
    this.spent.turns += 1;
    this.spent.inputTokens += usage.inputTokens;
    this.spent.outputTokens += usage.outputTokens;
    this.spent.costUsd += usage.costUsd;
  }

  /** The first limit reached, if any: checked before each turn. */
  exceeded(): BudgetExceeded | undefined {
    const { turns, inputTokens, outputTokens, costUsd } = this.spent;
    if (turns >= this.limits.maxTurns) return { limit: 'turns', message: `the deployment used its ${this.limits.maxTurns} model turns` };
    if (inputTokens + outputTokens >= this.limits.maxTokens) return { limit: 'tokens', message: `the deployment used ${inputTokens + outputTokens} of its ${this.limits.maxTokens} tokens` };
    if (costUsd >= this.limits.maxCostUsd && this.limits.maxCostUsd >= 0 && costUsd > 0)
      return { limit: 'cost', message: `the deployment spent $${costUsd.toFixed(4)} of its $${this.limits.maxCostUsd.toFixed(2)} model budget` };
    return undefined;
  }
}

/** The budget from the settings `ai.budget.*`. */
export function budgetFromConfig(config: { get<T>(key: string): T }): DeploymentBudget {
  return new DeploymentBudget({
    maxTurns: config.get<number>('ai.budget.maxTurns'),
    maxTokens: config.get<number>('ai.budget.maxTokens'),
    maxCostUsd: config.get<number>('ai.budget.maxCostUsd'),
  });
}
