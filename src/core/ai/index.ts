/**
 * The agent area's public API: model providers (Ollama, Anthropic), the router, the agent
 * loop that runs one phase in a sandbox, the provider check for the safety gate.
 *
 *   const router = createModelRouter({ config, store, secrets, repoKey: repoPath });
 *   const check = await checkProviders(router);               // safety gate: check.ok
 *   const budget = budgetFromConfig(config);                   // one per deployment
 *   const result = await runAgentPhase({ phase: 'implement', sandboxDir, context, router, budget, deploymentId, signal, onEvent });
 *   // result.status 'succeeded' | 'failed' | 'cancelled'; result.reason when not succeeded
 */
export { runAgentPhase } from './agent-loop';
export { fitContext, phaseNeed, type ContextFit, type ContextWindow } from './context-fit';
export { coarseContext, CONTEXT_SIZES, OllamaContexts, type ModelLoad } from './ollama-context';
export { budgetFromConfig, DeploymentBudget, type DeploymentBudgetLimits } from './budget';
export { costOf, estimateTokens, type PriceTable } from './cost';
export { phaseLimitsFromConfig, type PhaseLimits } from './limits';
export { checkProviders } from './preflight';
export { buildPhasePrompt, systemPrompt, type PhasePrompt } from './prompts';
export { renderRepoMap, scanRepoFiles, type RepoMapFile } from './repo-map';
export { createModelRouter, ModelRouter, responseCacheKey, type Candidate, type ModelRouterOptions } from './router';
export { AiStore } from './store';
export { AGENT_TOOLS } from './tools/tools';
export { ProviderError, isProviderError } from './providers/errors';
export { findCredentials, findDangerousCalls, findSyntaxErrors } from './checks';
export * from './types';
