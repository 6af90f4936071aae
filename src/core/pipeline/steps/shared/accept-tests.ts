import { DeployAgentError } from '../../../errors';
import type { DeploymentState } from '../../deployment-state';
import type { TestRunOutcome } from '../../ports';
import { plural } from '../../../plural';

/** Refuses tests that failed, did not run, or miss the coverage threshold (before the review, and again after a gate repair). */
export function assertTestsAcceptable(tests: TestRunOutcome, state: DeploymentState): void {
  if (tests.error) {
    throw new DeployAgentError('TESTS_DID_NOT_RUN', `The tests could not be run: ${tests.error}`, 'See the report for the test output; fix the test setup of the repository, then deploy again.');
  }
  if (tests.counts.failed > 0) {
    throw new DeployAgentError(
      'TESTS_FAILED',
      `${plural(tests.counts.failed, 'test')} still ${tests.counts.failed === 1 ? 'fails' : 'fail'} after ${plural(state.repairs, 'repair round')}: ${tests.failures.map((f) => f.name).slice(0, 5).join(', ')}.`,
      'Run again with a strategy that allows more repair rounds (--strategy aggressive), or keep the worktree (--keep-worktree) and fix it by hand.',
      { details: { failures: tests.failures.slice(0, 20) } },
    );
  }
  if (tests.counts.passed === 0) {
    throw new DeployAgentError('NO_TESTS_RAN', 'No test passed: the generated tests were not found or not run.', 'Check the test framework the project profile detected (`deploy-agent analyze`).');
  }
  const threshold = state.levers?.coverageThreshold;
  if (threshold !== undefined && threshold > 0 && tests.coverage === undefined && !tests.coverageNotApplicable) {
    // A gate that cannot measure must not pass silently.
    throw new DeployAgentError(
      'COVERAGE_NOT_MEASURED',
      `A coverage threshold of ${threshold}% is configured, but coverage could not be measured: ${tests.coverageNote ?? 'the test run reported none'}.`,
      'Add the coverage tool the note names to the project (for example c8 for mocha, pytest-cov for pytest), or set deployAgent.pipeline.coverageThreshold to 0.',
    );
  }
  if (threshold !== undefined && tests.coverage !== undefined && tests.coverage < threshold) {
    throw new DeployAgentError('COVERAGE_BELOW_THRESHOLD', `Line coverage ${tests.coverage.toFixed(1)}% is below the required ${threshold}%.`, 'Lower the coverage threshold in the settings, or ask for more tests in the recommendation.');
  }
}
