import type { StepName } from './events';
import type { DeployMode } from './ports';

/**
 * Which steps a mode runs, in order. `learn` always ends a deployment (also a failed or
 * cancelled one: it records the outcome, writes the report and removes the sandbox), so it is
 * not part of the plan but of the finish.
 */
export function planFor(mode: DeployMode, options: { fromReview?: boolean } = {}): StepName[] {
  const common: StepName[] = ['validate', 'safety', 'context', 'strategy', 'sandbox', 'implement', 'write-tests', 'run-tests', 'repair', 'review'];
  const retest: StepName[] = options.fromReview ? ['retest'] : [];
  switch (mode) {
    case 'dry-run':
    case 'review':
      return common;
    // Shipped after a review: the sandbox is checked again (tests, gates, credentials) before the commit.
    case 'local-commit':
      return [...common, ...retest, 'commit'];
    case 'full-pr':
      return [...common, ...retest, 'commit', 'push', 'pull-request'];
  }
}

/** The goal each mode must reach for the deployment to count as succeeded (exit 0). */
export function goalOf(mode: DeployMode): string {
  switch (mode) {
    case 'dry-run':
      return 'the generated tests pass in the sandbox';
    case 'review':
      return 'the tested change waits for review in its sandbox';
    case 'local-commit':
      return 'the change is committed on its branch with passing tests';
    case 'full-pr':
      return 'the branch is pushed and a pull request is open';
  }
}
