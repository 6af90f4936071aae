import type { Migration } from './types';

/**
 * [sidebar] The model input of a learnt deployment, cached and not (its `ok` model calls' input,
 * cache-read and cache-write tokens), kept with the rest of what is learnt from it. Analytics
 * summed these over every model call in the window (ai_model_calls joined to deployments): 180 ms
 * of the 240 ms the Analytics view's query took over 100,000 deployments of one repository, all
 * history. From learning_deployments, through its window indexes, it is one row per deployment.
 *
 * Columns with defaults (SQLite adds them without rewriting a row), filled here for the
 * deployments learnt so far; the learning fills them from now on.
 */
export const learntModelInputColumns: Migration = {
  version: 15,
  name: 'model input of learnt deployments',
  up(db) {
    db.exec(`
      ALTER TABLE learning_deployments ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE learning_deployments ADD COLUMN cache_read_tokens INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE learning_deployments ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
      UPDATE learning_deployments AS l
         SET input_tokens = s.input, cache_read_tokens = s.cacheRead, cache_write_tokens = s.cacheWrite
        FROM (SELECT deployment_id, sum(input_tokens) AS input, sum(cache_read_tokens) AS cacheRead, sum(cache_write_tokens) AS cacheWrite
                FROM ai_model_calls WHERE status = 'ok' GROUP BY deployment_id) AS s
       WHERE s.deployment_id = l.deployment_id;
    `);
  },
};
