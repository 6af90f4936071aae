import type Database from 'better-sqlite3';
import type { DeploymentFact } from './facts';
import { sql } from './statements';

export const DAY_MS = 86_400_000;

/** The UTC day a deployment belongs to in learning_daily. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

interface DailyKey {
  day: number;
  environment: string;
  strategy: string;
  status: string;
  outcome: number;
  shipped: number;
}

interface DailyChange extends DailyKey {
  n: number;
  durationSum: number;
  durationCount: number;
  leadSum: number;
  leadCount: number;
  repairs: number;
  tokens: number;
  costMicros: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** The two daily tables: everyone's (learning_daily) and per repository (learning_daily_repo, migration 008). */
const TABLES = [
  { table: 'learning_daily', key: ['day', 'environment', 'strategy', 'status', 'outcome', 'shipped'] },
  { table: 'learning_daily_repo', key: ['repo_path', 'day', 'environment', 'strategy', 'status', 'outcome', 'shipped'] },
] as const;

/**
 * Changes to learning_daily and learning_daily_repo, gathered in memory while deployments are
 * learnt and written once per row in `write`: a backfill of 100,000 deployments touches ~14,000
 * daily rows, so this saves ~86,000 upserts. Each learnt deployment adds its fact (sign +1) and
 * takes out the fact it was learnt with before (sign -1); written in the same transaction, the
 * daily figures always equal what a scan of learning_deployments would give.
 */
export class DailyChanges {
  private readonly changes = [new Map<string, DailyChange>(), new Map<string, DailyChange & { repoPath: string }>()] as const;

  add(fact: DeploymentFact, sign: 1 | -1): void {
    const key: DailyKey = {
      day: dayOf(fact.createdAt),
      environment: fact.environment,
      strategy: fact.strategy,
      status: fact.status,
      outcome: fact.success ?? -1,
      shipped: fact.shipped,
    };
    const id = `${key.day}\u0000${key.environment}\u0000${key.strategy}\u0000${key.status}\u0000${key.outcome}\u0000${key.shipped}`;
    const everyone = this.changes[0];
    const perRepo = this.changes[1];
    let change = everyone.get(id);
    if (!change) everyone.set(id, (change = { ...key, ...zero() }));
    accumulate(change, fact, sign);
    const repoId = `${fact.repoPath}\u0000${id}`;
    let repoChange = perRepo.get(repoId);
    if (!repoChange) perRepo.set(repoId, (repoChange = { repoPath: fact.repoPath, ...key, ...zero() }));
    accumulate(repoChange, fact, sign);
  }

  /** Applies every change (a row left with no deployment is removed) and forgets them. */
  write(db: Database.Database): void {
    TABLES.forEach(({ table, key }, i) => {
      const columns = key.join(', ');
      const values = key.map((k) => (k === 'repo_path' ? '@repoPath' : `@${k}`)).join(', ');
      const upsert = sql(
        db,
        `INSERT INTO ${table} (${columns}, deployments, duration_sum, duration_count, lead_sum, lead_count, repairs_sum, tokens_sum, cost_micros_sum, input_tokens_sum, cache_read_sum, cache_write_sum)
         VALUES (${values}, @n, @durationSum, @durationCount, @leadSum, @leadCount, @repairs, @tokens, @costMicros, @inputTokens, @cacheReadTokens, @cacheWriteTokens)
         ON CONFLICT (${columns}) DO UPDATE SET
           deployments = deployments + excluded.deployments,
           duration_sum = duration_sum + excluded.duration_sum,
           duration_count = duration_count + excluded.duration_count,
           lead_sum = lead_sum + excluded.lead_sum,
           lead_count = lead_count + excluded.lead_count,
           repairs_sum = repairs_sum + excluded.repairs_sum,
           tokens_sum = tokens_sum + excluded.tokens_sum,
           cost_micros_sum = cost_micros_sum + excluded.cost_micros_sum,
           input_tokens_sum = input_tokens_sum + excluded.input_tokens_sum,
           cache_read_sum = cache_read_sum + excluded.cache_read_sum,
           cache_write_sum = cache_write_sum + excluded.cache_write_sum`,
      );
      const removeEmpty = sql(db, `DELETE FROM ${table} WHERE ${key.map((k, j) => `${k} = ${values.split(', ')[j]}`).join(' AND ')} AND deployments <= 0`);
      for (const change of this.changes[i]!.values()) {
        const { n, durationSum, durationCount, leadSum, leadCount, repairs, tokens, costMicros, inputTokens, cacheReadTokens, cacheWriteTokens, ...rowKey } = change;
        // The same fact taken out and put back (a deployment learnt again unchanged in this row).
        if (!n && !durationSum && !durationCount && !leadSum && !leadCount && !repairs && !tokens && !costMicros && !inputTokens && !cacheReadTokens && !cacheWriteTokens) continue;
        upsert.run(change);
        if (n <= 0) removeEmpty.run(rowKey);
      }
      this.changes[i]!.clear();
    });
  }
}

function zero(): Omit<DailyChange, keyof DailyKey> {
  return { n: 0, durationSum: 0, durationCount: 0, leadSum: 0, leadCount: 0, repairs: 0, tokens: 0, costMicros: 0, inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

function accumulate(change: DailyChange, fact: DeploymentFact, sign: 1 | -1): void {
  change.n += sign;
  change.durationSum += sign * (fact.durationMs ?? 0);
  change.durationCount += fact.durationMs === null ? 0 : sign;
  change.leadSum += sign * (fact.leadMs ?? 0);
  change.leadCount += fact.leadMs === null ? 0 : sign;
  change.repairs += sign * fact.repairs;
  change.tokens += sign * fact.tokens;
  change.costMicros += sign * fact.costMicros;
  change.inputTokens += sign * fact.inputTokens;
  change.cacheReadTokens += sign * fact.cacheReadTokens;
  change.cacheWriteTokens += sign * fact.cacheWriteTokens;
}
