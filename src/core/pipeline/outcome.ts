import type { EventError, StepName, TestCounts } from '../deployment/events';
import type { FinalStatus } from '../flow/step';
import { secretRegistry } from '../security/registry';
import type { DeploymentRow } from '../store/deployments';
import type { DeploymentState } from './deployment-state';
import { goalOf } from './plan';
import type { DeployMode } from './ports';

/** What a deployment ended with; the CLI's `--json` prints exactly these fields (and a few more). */
export interface DeploymentOutcome {
  id: string;
  status: FinalStatus;
  /** The mode's goal was reached (the CLI exits 0 only then). */
  goalReached: boolean;
  mode: DeployMode;
  goal: string;
  branch: string | null;
  commit: string | null;
  prUrl: string | null;
  tests: TestCounts;
  repairs: number;
  durationMs: number;
  /** The worktree, when kept for inspection. */
  worktree: string | null;
  report: { json?: string; markdown?: string } | null;
  resumedFrom: StepName | null;
  warnings: string[];
  error: EventError | null;
}

export function deploymentOutcome(
  state: DeploymentState,
  row: DeploymentRow,
  end: { status: FinalStatus; error: EventError | null; worktree: string | null; report: DeploymentOutcome['report']; resumedFrom: StepName | null },
): DeploymentOutcome {
  // The outcome is printed (CLI, VS Code): warnings and the error may quote hook or test output.
  return secretRegistry.redactor().value({
    id: state.id,
    status: end.status,
    // review mode's goal is the pause itself.
    goalReached: end.status === 'succeeded' || (end.status === 'awaiting-review' && state.request.mode === 'review' && end.error === null),
    mode: state.request.mode,
    goal: goalOf(state.request.mode),
    branch: row.branch,
    commit: row.commitSha,
    prUrl: row.prUrl,
    tests: state.tests?.counts ?? { passed: 0, failed: 0, skipped: 0 },
    repairs: state.repairs,
    durationMs: row.durationMs ?? 0,
    worktree: end.worktree,
    report: end.report,
    resumedFrom: end.resumedFrom,
    warnings: state.warnings,
    error: end.error,
  });
}
