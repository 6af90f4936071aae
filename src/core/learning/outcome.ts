import type Database from 'better-sqlite3';
import { sql } from './statements';

/**
 * The outcome a deployment is learnt with. The local status decides (succeeded → success; failed,
 * rolled_back → failure; cancelled, interrupted, running → no outcome) until `deploy-agent sync`
 * has a final GitHub label for it (table `shipping_outcomes`, migration 006): then that label
 * wins — a pull request whose CI failed or that was reverted is a failure whatever the local
 * tests said. Same rule as the `deployment_outcomes` view of migration 006; read through this one
 * function so that the learning works with and without that table.
 */
export type Outcome = 1 | 0 | null;

export const FINISHED_STATUSES = ['succeeded', 'failed', 'rolled_back'] as const;
/** Statuses that will not change by themselves (a resume can still restart an interrupted one). */
export const SETTLED_STATUSES = ['succeeded', 'failed', 'rolled_back', 'cancelled', 'interrupted'] as const;

export function outcomeOf(status: string, githubLabel?: string | null): Outcome {
  if (githubLabel === 'success') return 1;
  if (githubLabel === 'failure') return 0;
  if (status === 'succeeded') return 1;
  if (status === 'failed' || status === 'rolled_back') return 0;
  return null;
}

export interface ShippingOutcome {
  label: string;
  mergedAt: number | null;
  reason: string | null;
  syncedAt: number;
}

const shippingTableKnown = new WeakMap<Database.Database, boolean>();

/** Whether the PR-outcome table of `deploy-agent sync` exists in this database (checked once per connection). */
export function hasShippingOutcomes(db: Database.Database): boolean {
  let known = shippingTableKnown.get(db);
  if (known === undefined) {
    known = Boolean(db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'shipping_outcomes'`).get());
    // Only a positive answer is cached: the table can appear later (a migration run by another process).
    if (known) shippingTableKnown.set(db, known);
  }
  return known;
}

/** GitHub's word on a shipped deployment, when synced. */
export function readShippingOutcome(db: Database.Database, deploymentId: string): ShippingOutcome | undefined {
  if (!hasShippingOutcomes(db)) return undefined;
  return sql(
    db,
    `SELECT label, merged_at AS mergedAt, reason, synced_at AS syncedAt FROM shipping_outcomes WHERE deployment_id = ?`)
    .get(deploymentId) as ShippingOutcome | undefined;
}

/** The outcome of one deployment as the learning sees it, and where it came from. */
export function effectiveOutcome(db: Database.Database, deploymentId: string): { outcome: Outcome; source: 'github' | 'local' } | undefined {
  const row = sql(db, `SELECT status FROM deployments WHERE id = ?`).get(deploymentId) as { status: string } | undefined;
  if (!row) return undefined;
  const shipping = readShippingOutcome(db, deploymentId);
  const final = shipping && (shipping.label === 'success' || shipping.label === 'failure');
  return { outcome: outcomeOf(row.status, shipping?.label), source: final ? 'github' : 'local' };
}
