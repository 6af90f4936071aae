import type { Migration } from './types';

/**
 * What happened after shipping, as GitHub tells it (`deploy-agent sync`, owned by
 * src/core/strategy/outcome-sync.ts). Other areas read these; the names are a contract:
 *
 * shipping_outcomes — one row per shipped deployment (one with a pr_url), replaced on every sync:
 *   deployment_id  TEXT PK → deployments.id
 *   pr_url         TEXT     the deployment's pull request
 *   repo           TEXT     owner/name on GitHub
 *   pr_number      INTEGER
 *   state          TEXT     'open' | 'closed' (GitHub's PR state)
 *   merged         INTEGER  0/1
 *   merged_at      INTEGER  ms since epoch, NULL when not merged
 *   head_sha       TEXT     the PR head whose check runs were read
 *   checks         TEXT     'success' | 'failure' | 'pending' | 'none' (the check runs of the head, combined:
 *                           any failure/timed_out/cancelled/action_required → failure; any unfinished → pending)
 *   reverted       INTEGER  0/1: a later `Revert "…"` commit on the base branch, or a rollback recorded locally
 *   revert_sha     TEXT     the revert commit when it was found on GitHub
 *   label          TEXT     'success' | 'failure' | 'pending' — the real outcome: failure when CI failed, the PR was
 *                           reverted or closed unmerged; success when merged with no failing check; else pending
 *   reason         TEXT     one sentence: why this label
 *   synced_at      INTEGER  ms since epoch of the last successful sync of this row
 *
 * deployment_outcomes (VIEW) — every deployment with the outcome to learn from:
 *   deployment_id, local_status (deployments.status), github_label (shipping_outcomes.label or NULL),
 *   label ('success' | 'failure' | NULL), source ('github' | 'local'). GitHub's label wins once it is
 *   final (not pending); else the local status decides (succeeded → success; failed / rolled_back →
 *   failure; running, cancelled, … → NULL). Same rule as effectiveOutcomeLabel() in TypeScript.
 */
export const shippingTables: Migration = {
  version: 6,
  name: 'shipping outcomes',
  up(db) {
    db.exec(`
      CREATE TABLE shipping_outcomes (
        deployment_id  TEXT PRIMARY KEY REFERENCES deployments(id) ON DELETE CASCADE,
        pr_url         TEXT NOT NULL,
        repo           TEXT NOT NULL,
        pr_number      INTEGER NOT NULL,
        state          TEXT NOT NULL CHECK (state IN ('open','closed')),
        merged         INTEGER NOT NULL DEFAULT 0,
        merged_at      INTEGER,
        head_sha       TEXT,
        checks         TEXT NOT NULL CHECK (checks IN ('success','failure','pending','none')),
        reverted       INTEGER NOT NULL DEFAULT 0,
        revert_sha     TEXT,
        label          TEXT NOT NULL CHECK (label IN ('success','failure','pending')),
        reason         TEXT NOT NULL,
        synced_at      INTEGER NOT NULL
      );
      CREATE INDEX shipping_outcomes_label ON shipping_outcomes(label);

      CREATE VIEW deployment_outcomes AS
        SELECT d.id AS deployment_id,
               d.status AS local_status,
               o.label AS github_label,
               CASE
                 WHEN o.label IN ('success','failure') THEN o.label
                 WHEN d.status = 'succeeded' THEN 'success'
                 WHEN d.status IN ('failed','rolled_back') THEN 'failure'
                 ELSE NULL
               END AS label,
               CASE WHEN o.label IN ('success','failure') THEN 'github' ELSE 'local' END AS source
          FROM deployments d
          LEFT JOIN shipping_outcomes o ON o.deployment_id = d.id;
    `);
  },
};
