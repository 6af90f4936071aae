import type { Migration } from './types';

/**
 * [strategy] Pattern learning and the analytics' materialised figures (src/core/learning,
 * docs/learning.md). Everything here is derived from the history tables and can be rebuilt
 * from them (`rebuildLearning`); nothing else writes to these tables.
 *
 * learning_deployments — one row per settled deployment as it was learnt: the narrow facts
 *   analytics needs (no JSON, no long text), the pattern it counted towards. Being keyed by the
 *   deployment is what makes recording twice harmless.
 * learning_patterns — (environment, stack, strategy, category) with executions, successes, the
 *   Wilson lower bound and the median duration; learning_pattern_links joins patterns that share
 *   three of the four key parts.
 * learning_daily — per UTC day × environment × strategy × status × outcome × shipped: counts and
 *   sums, kept in step with learning_deployments, so that analytics over 100,000 deployments reads
 *   a few thousand rows instead of scanning them all.
 * learning_restores — failure episodes (first failure after a success, per repository and
 *   environment) and when and how they were restored.
 * learning_recoveries — which recovery was tried for which failure signature, and whether it worked.
 * learning_state — watermarks of the catch-up that learns deployments nobody recorded.
 */
export const learningTables: Migration = {
  version: 7,
  name: 'pattern learning',
  up(db) {
    db.exec(`
      CREATE TABLE learning_patterns (
        id                  INTEGER PRIMARY KEY,
        environment         TEXT NOT NULL,
        stack               TEXT NOT NULL,
        strategy            TEXT NOT NULL,
        category            TEXT NOT NULL,
        executions          INTEGER NOT NULL DEFAULT 0,
        successes           INTEGER NOT NULL DEFAULT 0,
        confidence          REAL NOT NULL DEFAULT 0,  -- Wilson lower bound of the success rate, 95%
        median_duration_ms  INTEGER,
        last_seen_at        INTEGER,
        updated_at          INTEGER NOT NULL,
        UNIQUE (environment, stack, strategy, category)
      );

      CREATE TABLE learning_pattern_links (
        pattern_id   INTEGER NOT NULL REFERENCES learning_patterns(id) ON DELETE CASCADE,
        similar_id   INTEGER NOT NULL REFERENCES learning_patterns(id) ON DELETE CASCADE,
        differs_in   TEXT NOT NULL CHECK (differs_in IN ('environment','stack','strategy','category')),
        PRIMARY KEY (pattern_id, similar_id)
      ) WITHOUT ROWID;

      CREATE TABLE learning_deployments (
        deployment_id  TEXT PRIMARY KEY REFERENCES deployments(id) ON DELETE CASCADE,
        repo_path      TEXT NOT NULL,
        environment    TEXT NOT NULL,
        strategy       TEXT NOT NULL,
        category       TEXT NOT NULL,
        stack          TEXT NOT NULL,
        status         TEXT NOT NULL,     -- deployments.status when learnt
        success        INTEGER,           -- the effective outcome: 1, 0, NULL (cancelled, interrupted)
        shipped        INTEGER NOT NULL,  -- a commit was made for it (local-commit, full-pr)
        created_at     INTEGER NOT NULL,
        finished_at    INTEGER,
        duration_ms    INTEGER,           -- only for deployments with an outcome
        lead_ms        INTEGER,           -- shipped successes: request → commit / pull request (merge when synced)
        repairs        INTEGER NOT NULL DEFAULT 0,
        failing_step   TEXT,              -- failures: the step that failed
        error_code     TEXT,
        error_pattern  TEXT,              -- failures: the known error pattern found in its output
        pattern_id     INTEGER REFERENCES learning_patterns(id) ON DELETE SET NULL,
        recorded_at    INTEGER NOT NULL
      );
      CREATE INDEX learning_deployments_pattern ON learning_deployments(pattern_id, duration_ms);
      CREATE INDEX learning_deployments_repo_env ON learning_deployments(repo_path, environment, created_at);
      -- Percentiles: walk these in value order (exact, no sort), or read a small window by time.
      CREATE INDEX learning_deployments_duration ON learning_deployments(duration_ms, created_at, environment) WHERE duration_ms IS NOT NULL;
      CREATE INDEX learning_deployments_env_duration ON learning_deployments(environment, duration_ms, created_at) WHERE duration_ms IS NOT NULL;
      CREATE INDEX learning_deployments_lead ON learning_deployments(lead_ms, created_at, environment) WHERE lead_ms IS NOT NULL;
      CREATE INDEX learning_deployments_env_lead ON learning_deployments(environment, lead_ms, created_at) WHERE lead_ms IS NOT NULL;
      CREATE INDEX learning_deployments_window ON learning_deployments(created_at, environment, duration_ms, lead_ms);
      CREATE INDEX learning_deployments_env_window ON learning_deployments(environment, created_at, duration_ms, lead_ms);

      CREATE TABLE learning_daily (
        day             INTEGER NOT NULL,  -- UTC day: floor(created_at / 86400000)
        environment     TEXT NOT NULL,
        strategy        TEXT NOT NULL,
        status          TEXT NOT NULL,
        outcome         INTEGER NOT NULL,  -- 1 success, 0 failure, -1 no outcome
        shipped         INTEGER NOT NULL,
        deployments     INTEGER NOT NULL,
        duration_sum    INTEGER NOT NULL,
        duration_count  INTEGER NOT NULL,
        lead_sum        INTEGER NOT NULL,
        lead_count      INTEGER NOT NULL,
        repairs_sum     INTEGER NOT NULL,
        PRIMARY KEY (day, environment, strategy, status, outcome, shipped)
      ) WITHOUT ROWID;
      CREATE INDEX learning_daily_env_day ON learning_daily(environment, day);

      CREATE TABLE learning_restores (
        failure_id     TEXT PRIMARY KEY REFERENCES deployments(id) ON DELETE CASCADE,
        repo_path      TEXT NOT NULL,
        environment    TEXT NOT NULL,
        failed_at      INTEGER NOT NULL,  -- when the first failure of the streak ended
        restored_at    INTEGER,           -- NULL while not restored
        restored_by    TEXT,              -- the deployment that succeeded next, or the rolled-back one
        via            TEXT CHECK (via IN ('success','rollback')),
        restore_ms     INTEGER
      );
      CREATE INDEX learning_restores_repo_env ON learning_restores(repo_path, environment, failed_at);
      CREATE INDEX learning_restores_window ON learning_restores(failed_at, environment, restore_ms);
      CREATE INDEX learning_restores_env_window ON learning_restores(environment, failed_at, restore_ms);
      CREATE INDEX learning_restores_ms ON learning_restores(restore_ms, failed_at, environment) WHERE restore_ms IS NOT NULL;
      CREATE INDEX learning_restores_env_ms ON learning_restores(environment, restore_ms, failed_at) WHERE restore_ms IS NOT NULL;

      CREATE TABLE learning_recoveries (
        id                INTEGER PRIMARY KEY,
        deployment_id     TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        error_pattern_id  TEXT,             -- src/core/recovery/error-patterns.json; NULL: no known pattern
        error_code        TEXT,             -- the deployment's error code when it failed
        failing_step      TEXT,
        action            TEXT NOT NULL,    -- repair, escalated-repair, rollback, redeploy, …
        automatic         INTEGER NOT NULL,
        recovered_ms      INTEGER,
        worked            INTEGER NOT NULL,
        source            TEXT NOT NULL CHECK (source IN ('pipeline','history')),
        detail            TEXT,             -- JSON
        created_at        INTEGER NOT NULL
      );
      CREATE INDEX learning_recoveries_deployment ON learning_recoveries(deployment_id);
      CREATE INDEX learning_recoveries_signature ON learning_recoveries(error_pattern_id, failing_step);

      CREATE TABLE learning_state (
        key    TEXT PRIMARY KEY,
        value  INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
