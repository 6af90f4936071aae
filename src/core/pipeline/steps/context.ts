import { withChoice } from '../choice';
import type { DeployStep } from '../deployment-state';

/** Analyses the workspace for this recommendation; data gaps and what the analysis could not do become warnings. */
export const contextStep: DeployStep = {
  name: 'context',
  async run(state, ctx) {
    // The local model loads while the workspace is analysed: the first model turn does not wait for it.
    const warmUp = ctx.ports.warmUpModels?.(state.repoRoot!, { deploymentId: state.id, recommendation: state.recommendation!, signal: ctx.signal }).catch(() => undefined);
    const [context, warmed] = await Promise.all([ctx.ports.gatherContext(state.repoRoot!, state.recommendation!, ctx.signal, (m) => ctx.progress(m)), warmUp]);
    if (warmed) ctx.log('info', `Loaded ${warmed.model} with a context of ${warmed.numCtx} tokens while the workspace was analysed.`);
    // The user's choice from the preview: excluded points dropped, added files first, stated in every prompt.
    if (state.request.choice) withChoice(context, state.request.choice, state.repoRoot!);
    ctx.deployments.update(state.id, { environment: context.environment });
    const warnings = [...state.warnings];
    if (context.dataGaps.length) {
      const message = `The recommendation needs data the repository does not declare: ${context.dataGaps.join(', ')}.`;
      ctx.log('warn', message);
      warnings.push(message);
    }
    for (const left of context.omitted ?? []) warnings.push(`Left out of the prompt to fit the budget: ${left}`);
    for (const warning of context.warnings ?? []) {
      ctx.log('warn', warning);
      warnings.push(warning);
    }
    return { context, warnings };
  },
};
