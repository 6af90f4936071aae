import { phaseNeed } from './context-fit';
import { buildPhasePrompt } from './prompts';
import type { ModelRouter } from './router';
import type { PhaseContext } from './types';

/**
 * Loads the model that will serve the first phase while the workspace is still being analysed, so
 * that the first turn does not wait for the load. Only a local model is loaded (Anthropic has
 * nothing to load). The context is sized for the recommendation plus `contextAllowance` — the
 * tokens the analysis will add to the prompt (repository map, integration points, profile) — and
 * that size is the deployment's from then on. Resolves to what was done; never rejects.
 */
export async function warmUpFirstModel(
  router: ModelRouter,
  input: { deploymentId: string; recommendation: PhaseContext['recommendation']; contextAllowance: number; signal?: AbortSignal },
): Promise<{ model: string; numCtx: number } | undefined> {
  try {
    const [first] = await router.candidates('implement');
    if (first?.provider !== 'ollama') return undefined;
    const info = await router.preflight(first, input.signal);
    const limit = Math.min(info.contextLength ?? router.ollamaMaxContext, router.ollamaMaxContext);
    const prompt = buildPhasePrompt('implement', { recommendation: input.recommendation }, { maxPromptTokens: Number.MAX_SAFE_INTEGER, nativeTools: info.supportsTools });
    const needed = phaseNeed(prompt.system, prompt.user, info.supportsTools, router.maxOutputTokens) + input.contextAllowance;
    await router.ollamaContexts.warmUp({ deploymentId: input.deploymentId, model: first.model, needed, limit, signal: input.signal });
    return { model: first.model, numCtx: await router.ollamaContexts.sizeFor({ deploymentId: input.deploymentId, model: first.model, needed, limit }) };
  } catch {
    return undefined; // the first turn loads the model instead
  }
}
