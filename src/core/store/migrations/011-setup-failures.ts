import type { Migration } from './types';

const OLD = `CHECK (status IN ('pending','running','succeeded','failed','cancelled','rolled_back','interrupted','awaiting-review'))`;
const NEW = `CHECK (status IN ('pending','running','succeeded','failed','cancelled','rolled_back','interrupted','awaiting-review','refused','setup-failed'))`;

// As src/core/pipeline/setup-failure.ts decides it when this migration was written (a migration never changes).
const WORK_STEPS = ['implement', 'write-tests', 'run-tests', 'repair', 'review', 'retest', 'commit', 'push', 'pull-request'];
const REFUSAL_CODES = ['REPOSITORY_BUSY', 'CIRCUIT_OPEN'];

/**
 * [hardening] Setup failures are kept apart from deployments that failed: a deployment that
 * stopped before any model or test ran (no provider reachable, an invalid recommendation, not a git
 * repository, …) ends `setup-failed`, and one the safety step refused (repository busy with
 * --no-wait, circuit breaker open) ends `refused`. Neither is a finished deployment: the circuit
 * breaker, the outcome model's training rows, the learning (strategy mix, DORA keys, rollback
 * scenarios) and the success and failure rates — which all read `succeeded`, `failed` and
 * `rolled_back` — never see them; analytics counts them apart.
 *
 * As migration 9: the CHECK constraint of `deployments.status` only gets wider, edited in
 * sqlite_schema (no table copy). Deployments recorded before are classified the same way — failed,
 * with step records but none of a work step — and, when there were any, the learning's watermark
 * is reset so that its next catch-up takes them out of what it learnt.
 */
export const setupFailureStatuses: Migration = {
  version: 11,
  name: 'deployment statuses refused and setup-failed',
  up(db) {
    const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'deployments'`).pluck().get() as string | undefined;
    if (!sql || sql.split(OLD).length !== 2) {
      throw new Error(`migration 11: the deployments table does not have the status constraint of migration 9 (${sql ? 'it was changed' : 'no table'}); refusing to edit it`);
    }
    const cookie = Number(db.pragma('schema_version', { simple: true }));
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      db.prepare(`UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'deployments'`).run(sql.replace(OLD, NEW));
      db.pragma(`schema_version = ${cookie + 1}`);
      db.pragma('writable_schema = OFF');
    } finally {
      db.unsafeMode(false);
    }
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`migration 11: integrity check after the edit: ${String(check)}`);

    const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
    const changed = db
      .prepare(
        `UPDATE deployments SET status = CASE WHEN error_code IN (${list(REFUSAL_CODES)}) THEN 'refused' ELSE 'setup-failed' END
          WHERE status = 'failed'
            AND EXISTS (SELECT 1 FROM deployment_steps s WHERE s.deployment_id = deployments.id)
            AND NOT EXISTS (SELECT 1 FROM deployment_steps s WHERE s.deployment_id = deployments.id AND s.name IN (${list(WORK_STEPS)}))`,
      )
      .run().changes;
    if (changed > 0) db.exec(`DELETE FROM learning_state WHERE key = 'deployments_rowid'`);
    db.exec(`CREATE INDEX deployments_setup_failures ON deployments(created_at, repo_path) WHERE status IN ('refused', 'setup-failed')`);
  },
};
