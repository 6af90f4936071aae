import type Database from 'better-sqlite3';
import { DeployAgentError } from '../errors';
import { matchErrorPattern } from '../recovery/error-patterns';
import type { DeploymentFact } from './facts';
import { sql } from './statements';

/** What the pipeline reports after trying a recovery (a repair round, an escalation, a rollback …). */
export interface RecoveryInput {
  deploymentId: string;
  /** The error pattern the failure matched (src/core/recovery/error-patterns.json); undefined: none known. */
  patternId?: string | null;
  /** What was tried: `repair`, `escalated-repair`, `rollback`, … */
  action: string;
  /** Done by Deploy Agent on its own (true), or by a person (false). */
  automatic: boolean;
  /** From the failure being seen to it being fixed; undefined when it did not work or was not measured. */
  recoveredMs?: number | null;
  worked: boolean;
  /** The step that failed; default `run-tests` (where repairs start). */
  step?: string;
  errorCode?: string | null;
  detail?: unknown;
  at?: number;
}

/**
 * Records one recovery attempt as the pipeline saw it. Rows from the pipeline are authoritative:
 * once a deployment has any, the learning no longer derives its repairs from the test runs.
 */
export function recordRecovery(store: { db: Database.Database }, input: RecoveryInput): number {
  const exists = sql(store.db, `SELECT 1 FROM deployments WHERE id = ?`).get(input.deploymentId);
  if (!exists) {
    throw new DeployAgentError('DEPLOYMENT_NOT_FOUND', `There is no deployment ${input.deploymentId} to record a recovery for.`, 'Record recoveries for deployments of this history database only.');
  }
  return store.db.transaction(() => {
    // The repair rows derived from history would now count twice.
    sql(store.db, `DELETE FROM learning_recoveries WHERE deployment_id = ? AND source = 'history' AND action IN ('repair','escalated-repair')`).run(input.deploymentId);
    return Number(
      sql(
        store.db,
        `INSERT INTO learning_recoveries (deployment_id, error_pattern_id, error_code, failing_step, action, automatic, recovered_ms, worked, source, detail, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pipeline', ?, ?)`,
      ).run(
        input.deploymentId,
        input.patternId ?? null,
        input.errorCode ?? null,
        input.step ?? 'run-tests',
        input.action,
        input.automatic ? 1 : 0,
        input.recoveredMs ?? null,
        input.worked ? 1 : 0,
        input.detail === undefined ? null : JSON.stringify(input.detail),
        input.at ?? Date.now(),
      ).lastInsertRowid,
    );
  })();
}

interface TestRunLite {
  passed: number;
  failed: number;
  output: string | null;
  createdAt: number;
}

/**
 * Recoveries read from what a deployment recorded, when the pipeline did not report them:
 * - repair: the first test run failed and more runs followed (each repair round re-runs the
 *   tests); it worked when the last run passed; time to recover = first run → first passing run;
 *   the error pattern is the one the first run's output matches;
 * - rollback: `deploy-agent rollback` (by a person) or a resume that could not continue (automatic).
 * Redeploys (the next success after a failure) are derived with the failure episodes (restores.ts).
 */
export function deriveRecoveries(db: Database.Database, deploymentId: string, fact: DeploymentFact | undefined, now: number): void {
  sql(db, `DELETE FROM learning_recoveries WHERE deployment_id = ? AND source = 'history' AND action != 'redeploy'`).run(deploymentId);
  if (!fact) return;
  const insert = sql(
    db,
    `INSERT INTO learning_recoveries (deployment_id, error_pattern_id, error_code, failing_step, action, automatic, recovered_ms, worked, source, detail, created_at)
     VALUES (@deploymentId, @pattern, @errorCode, @step, @action, @automatic, @recoveredMs, @worked, 'history', @detail, @now)`,
  );

  const fromPipeline = sql(db, `SELECT 1 FROM learning_recoveries WHERE deployment_id = ? AND source = 'pipeline' LIMIT 1`).get(deploymentId);
  if (!fromPipeline) {
    const runs = sql(db, `SELECT passed, failed, output, created_at AS createdAt FROM test_runs WHERE deployment_id = ? ORDER BY id`).all(deploymentId) as TestRunLite[];
    const failing = (r: TestRunLite) => r.failed > 0 || r.passed === 0;
    if (runs.length >= 2 && failing(runs[0]!)) {
      const fixed = runs.find((r) => !failing(r));
      const escalated = sql(db, `SELECT 1 FROM events WHERE deployment_id = ? AND type = 'step.progress' AND payload LIKE '%escalating the repair%' LIMIT 1`).get(deploymentId);
      insert.run({
        deploymentId,
        pattern: matchErrorPattern(runs[0]!.output ?? '')?.id ?? null,
        errorCode: null,
        step: 'run-tests',
        action: escalated ? 'escalated-repair' : 'repair',
        automatic: 1,
        recoveredMs: fixed ? Math.max(0, fixed.createdAt - runs[0]!.createdAt) : null,
        worked: fixed && !failing(runs[runs.length - 1]!) ? 1 : 0,
        detail: JSON.stringify({ rounds: runs.length - 1 }),
        now,
      });
    }
  }

  if (fact.status === 'rolled_back') {
    const resumed = fact.errorCode === 'RESUME_ROLLED_BACK';
    const at = sql(db, `SELECT created_at FROM decisions WHERE deployment_id = ? AND kind = 'rollback' ORDER BY id DESC LIMIT 1`).pluck().get(deploymentId) as number | undefined;
    if (resumed || at !== undefined) {
      insert.run({
        deploymentId,
        pattern: fact.errorPattern,
        errorCode: fact.errorCode,
        step: fact.failingStep,
        action: resumed ? 'rollback-on-resume' : 'rollback',
        automatic: resumed ? 1 : 0,
        recoveredMs: at !== undefined && fact.finishedAt !== null ? Math.max(0, at - fact.finishedAt) : null,
        worked: 1,
        detail: null,
        now,
      });
    }
  }
}
