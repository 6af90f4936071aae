import type { Migration } from './types';

/**
 * [agent] The response cache, every model call with its tokens and cost, model × phase
 * outcomes (the rolling window the router learns from) and phase transcripts. Escalation and
 * fallback decisions go to the shared `decisions` table. Deployment ids are plain text here
 * (no foreign key): a phase can run outside a recorded deployment (`deploy-agent ai check`, tests).
 */
export const aiTables: Migration = {
  version: 3,
  name: 'model calls',
  up(db) {
    db.exec(`
      CREATE TABLE ai_response_cache (
        key          TEXT PRIMARY KEY,   -- sha256 of provider, model, system, messages, tools
        provider     TEXT NOT NULL,
        model        TEXT NOT NULL,
        response     TEXT NOT NULL,      -- JSON ProviderChatResponse
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL
      );
      CREATE INDEX ai_response_cache_expires ON ai_response_cache(expires_at);

      CREATE TABLE ai_model_calls (
        id             INTEGER PRIMARY KEY,
        deployment_id  TEXT,
        phase          TEXT,
        provider       TEXT NOT NULL,
        model          TEXT NOT NULL,
        input_tokens   INTEGER NOT NULL DEFAULT 0,
        output_tokens  INTEGER NOT NULL DEFAULT 0,
        cost_usd       REAL NOT NULL DEFAULT 0,
        duration_ms    INTEGER NOT NULL DEFAULT 0,
        cached         INTEGER NOT NULL DEFAULT 0,
        attempts       INTEGER NOT NULL DEFAULT 1,
        status         TEXT NOT NULL CHECK (status IN ('ok','error')),
        error_code     TEXT,
        created_at     INTEGER NOT NULL
      );
      CREATE INDEX ai_model_calls_deployment ON ai_model_calls(deployment_id);

      CREATE TABLE ai_phase_outcomes (
        id             INTEGER PRIMARY KEY,
        repo_key       TEXT NOT NULL,
        deployment_id  TEXT,
        phase          TEXT NOT NULL,
        provider       TEXT NOT NULL,
        model          TEXT NOT NULL,
        success        INTEGER NOT NULL,
        reason         TEXT,
        created_at     INTEGER NOT NULL
      );
      CREATE INDEX ai_phase_outcomes_repo ON ai_phase_outcomes(repo_key, phase, created_at);

      CREATE TABLE ai_transcripts (
        id             INTEGER PRIMARY KEY,
        deployment_id  TEXT,
        phase          TEXT NOT NULL,
        provider       TEXT,
        model          TEXT,
        status         TEXT NOT NULL,
        reason         TEXT,
        transcript     TEXT NOT NULL,    -- JSON Transcript
        created_at     INTEGER NOT NULL
      );
      CREATE INDEX ai_transcripts_deployment ON ai_transcripts(deployment_id);
    `);
  },
};
