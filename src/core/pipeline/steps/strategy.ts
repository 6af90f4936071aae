import type { DeployStep } from '../deployment-state';
import { plural } from '../../plural';

/** Chooses the strategy (its levers: test scope, repair rounds, gates, limits) and logs why. */
export const strategyStep: DeployStep = {
  name: 'strategy',
  async run(state, ctx) {
    const levers = await ctx.ports.decideStrategy({
      deploymentId: state.id,
      repoRoot: state.repoRoot!,
      choice: state.request.strategy,
      context: state.context!,
      recommendation: state.recommendation!,
      mode: state.request.mode,
    });
    ctx.deployments.update(state.id, { strategy: levers.name });
    ctx.log('info', `Strategy ${levers.name}: ${levers.reasons.join('; ') || 'no reasons given'}`);
    return { levers };
  },
  summary: (state) => (state.levers ? `${state.levers.name}: up to ${plural(state.levers.repairRounds, 'repair round')}, tests ${state.levers.testScope}` : undefined),
};
