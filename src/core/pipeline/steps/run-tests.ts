import type { DeployStep } from '../deployment-state';
import { testCountsSummary } from './shared/test-summary';
import { testRound } from './shared/test-round';
import { plural } from '../../plural';

/** Runs the tests in the sandbox (the first round). */
export const runTestsStep: DeployStep = {
  name: 'run-tests',
  async run(state, ctx) {
    const tests = await testRound(state, ctx, 0);
    return { tests, testRounds: 1 };
  },
  summary: (state) => testCountsSummary(state),
  // Failing tests are no success to tick off, even though the step did its job: the repair step answers them.
  attention: (state) => (state.tests && (state.tests.counts.failed > 0 || state.tests.error) ? (state.tests.error ? 'the tests could not run' : `${plural(state.tests.counts.failed, 'test')} failed`) : undefined),
};
