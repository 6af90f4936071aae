import { isDeployAgentError } from '../errors';
import { OllamaProvider } from './providers/ollama';
import type { ModelRouter } from './router';
import { AGENT_PHASES, type AgentPhase, type ProviderName, type ProvidersCheck, type ProviderStatus } from './types';

/**
 * For the pipeline's safety gate and `deploy-agent ai check`: per provider in the configured
 * order, whether it is reachable and why not (with the fix), its models, and per phase the
 * model it would use with that model's context length and tool support. `ok` when at least
 * one provider is ready for every phase.
 */
export async function checkProviders(router: ModelRouter, options: { signal?: AbortSignal } = {}): Promise<ProvidersCheck> {
  const providers = await Promise.all(router.providerOrder().map((name) => checkOne(router, name, options.signal)));
  const ok = AGENT_PHASES.every((phase) => providers.some((p) => p.reachable && p.phases[phase].ready));
  return { ok, providers };
}

async function checkOne(router: ModelRouter, name: ProviderName, signal: AbortSignal | undefined): Promise<ProviderStatus> {
  const phases = {} as ProviderStatus['phases'];
  for (const phase of AGENT_PHASES) phases[phase] = { model: router.modelFor(name, phase), ready: false };
  const status: ProviderStatus = { provider: name, configured: true, reachable: false, phases };
  if (name === 'anthropic' && !(await router.anthropicKey()) && !router.hasInjected(name)) {
    status.configured = false;
    status.reason = 'No Anthropic API key is configured.';
    status.hint = 'Set ANTHROPIC_API_KEY (CLI), or run "Deploy Agent: Set Anthropic API Key" in VS Code.';
    for (const phase of AGENT_PHASES) phases[phase].problem = 'no API key';
    return status;
  }
  const provider = router.provider(name);
  try {
    if (provider instanceof OllamaProvider) status.version = await provider.version(signal);
    status.models = await provider.listModels(signal);
    status.reachable = true;
  } catch (error) {
    status.reason = router.redact(error instanceof Error ? error.message : String(error));
    if (isDeployAgentError(error)) status.hint = router.redact(error.hint);
    for (const phase of AGENT_PHASES) phases[phase].problem = 'provider unreachable';
    return status;
  }
  const seen = new Map<string, Promise<ProviderStatus['phases'][AgentPhase]>>();
  for (const phase of AGENT_PHASES) {
    const model = phases[phase].model;
    if (!seen.has(model)) {
      seen.set(
        model,
        router.preflight({ provider: name, model }, signal).then(
          (info) => ({ model, ready: true, ...(info.contextLength ? { contextLength: info.contextLength } : {}), supportsTools: info.supportsTools }),
          (error: unknown) => ({ model, ready: false, problem: router.redact(isDeployAgentError(error) ? `${error.message} ${error.hint}` : String(error)) }),
        ),
      );
    }
    phases[phase] = await seen.get(model)!;
  }
  return status;
}
