import { DeployAgentError } from '../../../errors';
import type { DeployStepContext, DeploymentState } from '../../deployment-state';
import type { PhaseInput, PhaseOutcome } from '../../ports';

/** Runs one agent phase in the sandbox, its streamed output published as `model.output` events. */
export function runModelPhase(
  state: DeploymentState,
  ctx: DeployStepContext,
  phase: PhaseInput['phase'],
  extra: Pick<PhaseInput, 'failingOutput' | 'errorPattern' | 'escalateFrom'> = {},
): Promise<PhaseOutcome> {
  return ctx.ports.runPhase({
    phase,
    deploymentId: state.id,
    repoRoot: state.repoRoot!,
    recommendation: state.recommendation!,
    sandbox: state.sandbox!,
    context: state.context!,
    ...(state.configNotes ? { notes: state.configNotes } : {}),
    ...extra,
    signal: ctx.signal,
    onText: (text) => ctx.emit({ type: 'model.output', deploymentId: state.id, ts: ctx.now(), phase, text }),
    onProgress: (m) => ctx.progress(m),
    onToolCall: (call) => ctx.emit({ type: 'agent.tool', deploymentId: state.id, ts: ctx.now(), phase, ...call }),
    onModelCall: (call) => ctx.emit({ type: 'agent.call', deploymentId: state.id, ts: ctx.now(), phase, ...call }),
  });
}

export function phaseFailed(phase: string, outcome: PhaseOutcome): DeployAgentError {
  return new DeployAgentError(
    'AGENT_PHASE_FAILED',
    `The model could not complete the ${phase} phase${outcome.reason ? ` (${outcome.reason})` : ''}: ${outcome.summary}`,
    'See the transcript in the report; try another model or provider (`deploy-agent ai check`), or simplify the recommendation.',
    { details: { phase, reason: outcome.reason, provider: outcome.provider, model: outcome.model } },
  );
}

export function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

export function addUsage(usage: DeploymentState['usage'], outcome: PhaseOutcome): DeploymentState['usage'] {
  return {
    inputTokens: usage.inputTokens + outcome.inputTokens,
    outputTokens: usage.outputTokens + outcome.outputTokens,
    cacheReadTokens: (usage.cacheReadTokens ?? 0) + (outcome.cacheReadTokens ?? 0),
    cacheWriteTokens: (usage.cacheWriteTokens ?? 0) + (outcome.cacheWriteTokens ?? 0),
    costUsd: usage.costUsd + outcome.costUsd,
    provider: outcome.provider ?? usage.provider,
    model: outcome.model ?? usage.model,
  };
}
