import type { Migration } from './types';

/**
 * [agent-eval] Prompt caching: of a model call's input tokens (`input_tokens`, every one of them),
 * how many were read from the provider's prompt cache (billed at a tenth of the input price) and
 * how many were written to it (billed at 1.25×) — Anthropic's `cache_read_input_tokens` and
 * `cache_creation_input_tokens`. Reports, the pull request body and analytics show cached against
 * uncached input from these. The index on `created_at` serves analytics' window over the calls.
 *
 * Columns with defaults: SQLite adds them without rewriting a row; older calls read as uncached.
 */
export const promptCacheColumns: Migration = {
  version: 13,
  name: 'prompt cache tokens of model calls',
  up(db) {
    db.exec(`
      ALTER TABLE ai_model_calls ADD COLUMN cache_read_tokens INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE ai_model_calls ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX ai_model_calls_created ON ai_model_calls(created_at);
    `);
  },
};
