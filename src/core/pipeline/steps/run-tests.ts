import type { DeployStep } from '../deployment-state';
import { testCountsSummary } from './shared/test-summary';
import { testRound } from './shared/test-round';

/** Runs the tests in the sandbox (the first round). */
export const runTestsStep: DeployStep = {
  name: 'run-tests',
  async run(state, ctx) {
    const tests = await testRound(state, ctx, 0);
    return { tests, testRounds: 1 };
  },
  summary: (state) => testCountsSummary(state),
};
