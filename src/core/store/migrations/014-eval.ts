import type { Migration } from './types';

/**
 * [agent-eval] Runs of the eval suite (`deploy-agent eval`) and their per-task figures, so that
 * runs of different models or versions compare side by side (`deploy-agent eval compare A B`).
 * The deployments an eval run makes live in a scratch database of their own (they are not the
 * user's history: no learning, no analytics); only these figures are kept here.
 *
 * eval_runs.source  — 'live' (a model answered) or 'replay' (recorded transcripts did, no model).
 * eval_results      — one row per task and repeat: solved (the hidden acceptance tests passed), the
 *                     pipeline's own verdict, and what the deployment took.
 */
export const evalTables: Migration = {
  version: 14,
  name: 'eval suite runs and results',
  up(db) {
    db.exec(`
      CREATE TABLE eval_runs (
        id             TEXT PRIMARY KEY,
        started_at     INTEGER NOT NULL,
        finished_at    INTEGER,
        source         TEXT NOT NULL CHECK (source IN ('live', 'replay')),
        provider       TEXT NOT NULL,
        model          TEXT NOT NULL,
        tasks          TEXT NOT NULL,      -- the --tasks pattern
        repeat         INTEGER NOT NULL,
        strategy       TEXT NOT NULL,
        version        TEXT NOT NULL,      -- Deploy Agent's version
        recorded_to    TEXT,
        replayed_from  TEXT
      );

      CREATE TABLE eval_results (
        id                  INTEGER PRIMARY KEY,
        run_id              TEXT NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
        task_id             TEXT NOT NULL,
        repeat              INTEGER NOT NULL,
        language            TEXT NOT NULL,
        kind                TEXT NOT NULL,
        solved              INTEGER NOT NULL,
        verdict             TEXT NOT NULL,
        false_success       INTEGER NOT NULL,
        hidden_passed       INTEGER NOT NULL DEFAULT 0,
        hidden_failed       INTEGER NOT NULL DEFAULT 0,
        hidden_error        TEXT,
        turns               INTEGER NOT NULL DEFAULT 0,
        tool_calls          INTEGER NOT NULL DEFAULT 0,
        repairs             INTEGER NOT NULL DEFAULT 0,
        input_tokens        INTEGER NOT NULL DEFAULT 0,
        cache_read_tokens   INTEGER NOT NULL DEFAULT 0,
        cache_write_tokens  INTEGER NOT NULL DEFAULT 0,
        output_tokens       INTEGER NOT NULL DEFAULT 0,
        cost_usd            REAL NOT NULL DEFAULT 0,
        wall_ms             INTEGER NOT NULL DEFAULT 0,
        model_loads         INTEGER NOT NULL DEFAULT 0,
        error               TEXT,
        UNIQUE (run_id, task_id, repeat)
      );
    `);
  },
};
