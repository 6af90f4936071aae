import type Database from 'better-sqlite3';
import type { EventError } from '../deployment/events';
import type { StepName } from '../deployment/events';

/** The steps where a deployment's work is done (a model or the tests ran); a failure before them is a setup failure. */
export const WORK_STEPS: readonly StepName[] = ['implement', 'write-tests', 'run-tests', 'repair', 'review', 'retest', 'commit', 'push', 'pull-request'];
/** Refusals of the safety step: the repository is busy (--no-wait), the circuit breaker is open. */
export const REFUSAL_CODES: readonly string[] = ['REPOSITORY_BUSY', 'CIRCUIT_OPEN'];

/**
 * How a failed deployment ends when it failed before any model or test ran: `refused` when the
 * safety step refused it (repository busy, circuit breaker open), `setup-failed` otherwise (no
 * provider, an invalid recommendation, not a git repository …). Undefined when a work step started:
 * then it is a real failure. Neither status counts as a finished deployment anywhere (migration 11).
 */
export function setupFailureStatus(db: Database.Database, deploymentId: string, error: EventError | null): 'refused' | 'setup-failed' | undefined {
  const worked = db
    .prepare(`SELECT 1 FROM deployment_steps WHERE deployment_id = ? AND name IN (${WORK_STEPS.map(() => '?').join(', ')}) LIMIT 1`)
    .get(deploymentId, ...WORK_STEPS);
  if (worked) return undefined;
  return error && REFUSAL_CODES.includes(error.code) ? 'refused' : 'setup-failed';
}
