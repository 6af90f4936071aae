import type { Migration } from './types';

/**
 * [sidebar] Analytics for one repository, and model usage per day (the sidebar's Analytics view
 * and `deploy-agent analytics --repo`; src/core/learning/scope.ts and series.ts).
 *
 * learning_deployments.tokens / cost_micros — the model tokens (input + output) and cost of a
 *   deployment's model calls (ai_model_calls), the cost in millionths of a dollar: whole numbers,
 *   so that daily sums, kept by adding and taking out facts, never drift.
 * learning_daily.tokens_sum / cost_micros_sum — their daily sums, kept in step like the others.
 * learning_daily_repo — learning_daily per repository (same key with repo_path first, same
 *   figures), so that one repository's analytics read a few rows whatever the history's size.
 * Indexes for one repository's window and its exact percentiles (walked in value order).
 *
 * What was learnt before is filled in here (usage from ai_model_calls, the per-repository rows
 * from learning_deployments), equal to what learning it now would give.
 */
export const analyticsScopeTables: Migration = {
  version: 8,
  name: 'analytics by repository, model usage',
  up(db) {
    db.exec(`
      ALTER TABLE learning_deployments ADD COLUMN tokens INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE learning_deployments ADD COLUMN cost_micros INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE learning_daily ADD COLUMN tokens_sum INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE learning_daily ADD COLUMN cost_micros_sum INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE learning_daily_repo (
        repo_path        TEXT NOT NULL,
        day              INTEGER NOT NULL,
        environment      TEXT NOT NULL,
        strategy         TEXT NOT NULL,
        status           TEXT NOT NULL,
        outcome          INTEGER NOT NULL,
        shipped          INTEGER NOT NULL,
        deployments      INTEGER NOT NULL,
        duration_sum     INTEGER NOT NULL,
        duration_count   INTEGER NOT NULL,
        lead_sum         INTEGER NOT NULL,
        lead_count       INTEGER NOT NULL,
        repairs_sum      INTEGER NOT NULL,
        tokens_sum       INTEGER NOT NULL,
        cost_micros_sum  INTEGER NOT NULL,
        PRIMARY KEY (repo_path, day, environment, strategy, status, outcome, shipped)
      ) WITHOUT ROWID;

      CREATE INDEX learning_deployments_repo_window ON learning_deployments(repo_path, created_at, success, duration_ms, repairs);
      CREATE INDEX learning_deployments_repo_duration ON learning_deployments(repo_path, duration_ms, created_at) WHERE duration_ms IS NOT NULL;
      CREATE INDEX learning_deployments_repo_lead ON learning_deployments(repo_path, lead_ms, created_at) WHERE lead_ms IS NOT NULL;
      CREATE INDEX learning_deployments_repairs ON learning_deployments(created_at, success, repairs);
      CREATE INDEX learning_restores_repo_ms ON learning_restores(repo_path, restore_ms, failed_at) WHERE restore_ms IS NOT NULL;

      UPDATE learning_deployments SET
        tokens = coalesce((SELECT sum(input_tokens + output_tokens) FROM ai_model_calls c WHERE c.deployment_id = learning_deployments.deployment_id), 0),
        cost_micros = coalesce((SELECT round(sum(cost_usd) * 1000000) FROM ai_model_calls c WHERE c.deployment_id = learning_deployments.deployment_id), 0)
      WHERE deployment_id IN (SELECT deployment_id FROM ai_model_calls);

      CREATE TEMP TABLE learnt_usage AS
        SELECT created_at / 86400000 AS day, environment, strategy, status, coalesce(success, -1) AS outcome, shipped, sum(tokens) AS tokens, sum(cost_micros) AS cost
          FROM learning_deployments WHERE tokens > 0 OR cost_micros > 0 GROUP BY 1, 2, 3, 4, 5, 6;
      UPDATE learning_daily SET tokens_sum = u.tokens, cost_micros_sum = u.cost FROM learnt_usage u
       WHERE u.day = learning_daily.day AND u.environment = learning_daily.environment AND u.strategy = learning_daily.strategy
         AND u.status = learning_daily.status AND u.outcome = learning_daily.outcome AND u.shipped = learning_daily.shipped;
      DROP TABLE learnt_usage;

      INSERT INTO learning_daily_repo
        SELECT repo_path, created_at / 86400000, environment, strategy, status, coalesce(success, -1), shipped, count(*), sum(coalesce(duration_ms, 0)), count(duration_ms),
               sum(coalesce(lead_ms, 0)), count(lead_ms), sum(repairs), sum(tokens), sum(cost_micros)
          FROM learning_deployments GROUP BY 1, 2, 3, 4, 5, 6, 7;
    `);
  },
};
