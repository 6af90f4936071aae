import type Database from 'better-sqlite3';
import { sql } from './statements';

/**
 * How a release (a deployment of kind `release`, src/core/release) counts in the learning, where
 * it differs from a code deployment:
 * - **shipped**: the new release reached the target — it was switched to on a host (it succeeded,
 *   was rolled back, or failed after a switch). A release that failed before its switch (a build
 *   that failed) changed nothing that runs, so it is no change failure and no deployment in the
 *   DORA sense; it is still a failure (rates, rollback scenarios, failure episodes).
 * - a **rollback** of a target (`release rollback`, mode `rollback`) ships no change: its category
 *   is `rollback`, so it is in no strategy pattern, not shipped, and its success closes the
 *   target's failure episode as a restore.
 * - **lead time**: from the commit (its committer time, recorded with the release's request) to the
 *   end of the release — DORA's commit-to-production — not the release's own duration.
 * - the **failing step** of a batch (`health-check@2`) is the step (`health-check`), as the
 *   recoveries of the release record it, so that both meet in one rollback scenario.
 */
export interface ReleaseFactParts {
  category: string;
  shipped: 0 | 1;
  /** The release's commit time (ms), when its request recorded it. */
  commitAt: number | null;
}

export function releaseFactParts(db: Database.Database, row: { id: string; mode: string | null; status: string; category: string | null }): ReleaseFactParts {
  if (row.mode === 'rollback') return { category: 'rollback', shipped: 0, commitAt: null };
  const reached =
    row.status === 'succeeded' ||
    row.status === 'rolled_back' ||
    Boolean(sql(db, `SELECT 1 FROM deployment_steps WHERE deployment_id = ? AND (name = 'switch' OR name LIKE 'switch@%') AND status = 'succeeded' LIMIT 1`).get(row.id));
  const commitAt = sql(db, `SELECT json_extract(payload, '$.commitAt') FROM events WHERE deployment_id = ? AND type = 'request' AND json_valid(payload) ORDER BY id LIMIT 1`).pluck().get(row.id) as number | null | undefined;
  return { category: row.category || 'release', shipped: reached ? 1 : 0, commitAt: typeof commitAt === 'number' ? commitAt : null };
}

/** `health-check@2` → `health-check`. */
export function releaseStepBase(step: string | null): string | null {
  return step === null ? null : step.replace(/@\d+$/, '');
}
