import type { Migration } from './types';

/**
 * [strategy] The outcome model in the product: past CI builds imported as history (cold start),
 * and the trained outcome models with their version, training size and evaluation figures.
 * Strategy decisions themselves go to `decisions` (001-history.ts).
 */
export const strategyTables: Migration = {
  version: 4,
  name: 'strategy and learning',
  up(db) {
    db.exec(`
      CREATE TABLE history_builds (
        id             INTEGER PRIMARY KEY,
        project        TEXT NOT NULL,
        source         TEXT NOT NULL CHECK (source IN ('travistorrent','github')),
        external_id    TEXT NOT NULL,     -- the CI's build / run id; importing again skips it
        started_at     INTEGER NOT NULL,  -- ms since epoch
        failed         INTEGER NOT NULL CHECK (failed IN (0,1)),
        duration_ms    INTEGER,
        branch         TEXT,
        is_pr          INTEGER,
        files_changed  INTEGER,
        lines_changed  INTEGER,
        tests_changed  INTEGER,
        features       TEXT,              -- JSON: numeric columns known before the build ran
        imported_at    INTEGER NOT NULL,
        UNIQUE (project, source, external_id)
      );
      CREATE INDEX history_builds_project_time ON history_builds(project, started_at);

      CREATE TABLE outcome_models (
        version               INTEGER PRIMARY KEY,
        created_at            INTEGER NOT NULL,
        trigger               TEXT NOT NULL,    -- cadence, import, manual
        runner                TEXT NOT NULL,    -- worker or in-process
        training_size         INTEGER NOT NULL, -- rows the forest was trained on
        deployment_rows       INTEGER NOT NULL, -- of those, own deployments
        history_rows          INTEGER NOT NULL, -- of those, imported CI builds
        outcomes_at_training  INTEGER NOT NULL, -- labelled deployments when trained (the retraining cadence counts from here)
        feature_names         TEXT NOT NULL,    -- JSON array, the column order of the model's input
        evaluation            TEXT,             -- JSON: temporal holdout figures on the training data
        train_ms              INTEGER,
        model                 TEXT NOT NULL     -- the serialized forest
      );
    `);
  },
};
