import type { DeployStep } from '../deployment-state';

/** Loads the recommendation (schema-validated, fitted into the prompt budget) and names the deployment after it. */
export const validateStep: DeployStep = {
  name: 'validate',
  async run(state, ctx) {
    const { recommendation, warnings, omitted } = await ctx.ports.loadRecommendation(state.request.recommendationFile, ctx.signal);
    ctx.deployments.update(state.id, {
      title: recommendation.title,
      category: recommendation.category ?? null,
      recommendation: JSON.stringify(recommendation),
    });
    for (const warning of warnings) ctx.log('warn', warning);
    return { recommendation, warnings: [...state.warnings, ...warnings], ...(omitted?.length ? { omitted } : {}) };
  },
  summary: (state) => state.recommendation?.title,
};
