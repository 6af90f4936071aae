import type { Migration } from './types';

/**
 * [release] A deployment is a code deployment (a recommendation turned into a tested change) or a
 * release (the application put onto a target: src/core/release). Both are rows of `deployments`,
 * so list, report, analytics, recommendations and rollback scenarios see both.
 *
 * deployments.kind   — 'code' (every deployment recorded before this migration) or 'release'.
 * deployments.target — the release target's name (`targets` in .deploy-agent/config.json); null for code.
 *
 * Both columns have defaults, so SQLite adds them without rewriting a row.
 */
export const releaseKindColumns: Migration = {
  version: 10,
  name: 'deployment kind and release target',
  up(db) {
    db.exec(`
      ALTER TABLE deployments ADD COLUMN kind TEXT NOT NULL DEFAULT 'code' CHECK (kind IN ('code', 'release'));
      ALTER TABLE deployments ADD COLUMN target TEXT;
    `);
  },
};
