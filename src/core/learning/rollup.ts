import type Database from 'better-sqlite3';
import type { DeploymentFact } from './facts';
import { sql } from './statements';

export const DAY_MS = 86_400_000;

/** The UTC day a deployment belongs to in learning_daily. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/**
 * Adds (sign +1) or removes (sign -1) one fact's contribution to learning_daily. Called with the
 * old fact and the new one whenever a deployment is learnt again, inside the same transaction, so
 * the daily figures always equal what a scan of learning_deployments would give.
 */
export function applyToDaily(db: Database.Database, fact: DeploymentFact, sign: 1 | -1): void {
  const key = {
    day: dayOf(fact.createdAt),
    environment: fact.environment,
    strategy: fact.strategy,
    status: fact.status,
    outcome: fact.success ?? -1,
    shipped: fact.shipped,
  };
  sql(
    db,
    `INSERT INTO learning_daily (day, environment, strategy, status, outcome, shipped, deployments, duration_sum, duration_count, lead_sum, lead_count, repairs_sum)
     VALUES (@day, @environment, @strategy, @status, @outcome, @shipped, @n, @durationSum, @durationCount, @leadSum, @leadCount, @repairs)
     ON CONFLICT (day, environment, strategy, status, outcome, shipped) DO UPDATE SET
       deployments = deployments + excluded.deployments,
       duration_sum = duration_sum + excluded.duration_sum,
       duration_count = duration_count + excluded.duration_count,
       lead_sum = lead_sum + excluded.lead_sum,
       lead_count = lead_count + excluded.lead_count,
       repairs_sum = repairs_sum + excluded.repairs_sum`,
  ).run({
    ...key,
    n: sign,
    durationSum: sign * (fact.durationMs ?? 0),
    durationCount: fact.durationMs === null ? 0 : sign,
    leadSum: sign * (fact.leadMs ?? 0),
    leadCount: fact.leadMs === null ? 0 : sign,
    repairs: sign * fact.repairs,
  });
  if (sign < 0) {
    sql(
      db,
      `DELETE FROM learning_daily WHERE day = @day AND environment = @environment AND strategy = @strategy AND status = @status AND outcome = @outcome AND shipped = @shipped AND deployments <= 0`,
    ).run(key);
  }
}
