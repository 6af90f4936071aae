import type { Migration } from './types';

/** The first tables: a deployment, its steps, the decisions taken for it, its test runs and its event log. */
export const historyTables: Migration = {
  version: 1,
  name: 'history tables',
  up(db) {
    db.exec(`
      CREATE TABLE deployments (
        id               TEXT PRIMARY KEY,
        repo_path        TEXT NOT NULL,
        title            TEXT NOT NULL,
        category         TEXT,
        recommendation   TEXT,            -- the recommendation JSON as given
        status           TEXT NOT NULL CHECK (status IN ('pending','running','succeeded','failed','cancelled','rolled_back','interrupted')),
        mode             TEXT,
        strategy         TEXT,
        environment      TEXT,
        branch           TEXT,
        commit_sha       TEXT,
        pr_url           TEXT,
        created_at       INTEGER NOT NULL, -- ms since epoch
        started_at       INTEGER,
        finished_at      INTEGER,
        duration_ms      INTEGER,
        error_code       TEXT,
        error_message    TEXT
      );
      CREATE INDEX deployments_repo_created ON deployments(repo_path, created_at);
      CREATE INDEX deployments_env_status ON deployments(environment, status);

      CREATE TABLE deployment_steps (
        id             INTEGER PRIMARY KEY,
        deployment_id  TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        name           TEXT NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('running','succeeded','failed','skipped','cancelled')),
        started_at     INTEGER NOT NULL,
        finished_at    INTEGER,
        artifacts      TEXT,              -- JSON
        error_code     TEXT,
        error_message  TEXT
      );
      CREATE INDEX deployment_steps_deployment ON deployment_steps(deployment_id);

      CREATE TABLE decisions (
        id             INTEGER PRIMARY KEY,
        deployment_id  TEXT REFERENCES deployments(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL,     -- strategy, provider, escalation, ...
        chosen         TEXT NOT NULL,
        inputs         TEXT,              -- JSON
        probabilities  TEXT,              -- JSON
        reason         TEXT NOT NULL,
        created_at     INTEGER NOT NULL
      );
      CREATE INDEX decisions_deployment ON decisions(deployment_id);

      CREATE TABLE test_runs (
        id             INTEGER PRIMARY KEY,
        deployment_id  TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        step_id        INTEGER REFERENCES deployment_steps(id) ON DELETE SET NULL,
        framework      TEXT,
        command        TEXT,
        passed         INTEGER NOT NULL DEFAULT 0,
        failed         INTEGER NOT NULL DEFAULT 0,
        skipped        INTEGER NOT NULL DEFAULT 0,
        duration_ms    INTEGER,
        coverage       REAL,
        output         TEXT,
        created_at     INTEGER NOT NULL
      );
      CREATE INDEX test_runs_deployment ON test_runs(deployment_id);

      CREATE TABLE events (
        id             INTEGER PRIMARY KEY,
        deployment_id  TEXT REFERENCES deployments(id) ON DELETE CASCADE,
        ts             INTEGER NOT NULL,
        type           TEXT NOT NULL,
        payload        TEXT              -- JSON
      );
      CREATE INDEX events_deployment ON events(deployment_id, ts);
    `);
  },
};
