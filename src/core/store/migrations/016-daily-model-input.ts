import type { Migration } from './types';

/**
 * [sidebar] The model input (migration 015) in the daily figures too, so that analytics sums it
 * over a window's days (a few hundred rows) rather than its learnt deployments (22 ms of the
 * Analytics view's 87 ms query over 100,000 deployments of one repository, all history). Filled
 * here from learning_deployments, grouped exactly as the learning's daily changes group them.
 */
export const dailyModelInputColumns: Migration = {
  version: 16,
  name: 'model input in the daily learning figures',
  up(db) {
    for (const { table, key } of [
      { table: 'learning_daily', key: ['day', 'environment', 'strategy', 'status', 'outcome', 'shipped'] },
      { table: 'learning_daily_repo', key: ['repo_path', 'day', 'environment', 'strategy', 'status', 'outcome', 'shipped'] },
    ]) {
      db.exec(`
        ALTER TABLE ${table} ADD COLUMN input_tokens_sum INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE ${table} ADD COLUMN cache_read_sum INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE ${table} ADD COLUMN cache_write_sum INTEGER NOT NULL DEFAULT 0;
        UPDATE ${table} AS d
           SET input_tokens_sum = s.input, cache_read_sum = s.cacheRead, cache_write_sum = s.cacheWrite
          FROM (SELECT ${key.filter((k) => k !== 'day' && k !== 'outcome').join(', ')}, created_at / 86400000 AS day, coalesce(success, -1) AS outcome,
                       sum(input_tokens) AS input, sum(cache_read_tokens) AS cacheRead, sum(cache_write_tokens) AS cacheWrite
                  FROM learning_deployments GROUP BY ${key.join(', ')}) AS s
         WHERE ${key.map((k) => `d.${k} = s.${k}`).join(' AND ')};
      `);
    }
  },
};
