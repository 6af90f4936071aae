import { catchUpFirst, type CatchUpOptions, type LearningStore } from './record';

/** The usual promotion order; other names come after these, alphabetically. */
const PROMOTION = ['development', 'dev', 'local', 'test', 'ci', 'qa', 'staging', 'preview', 'production', 'prod'];

/**
 * The environment pairs worth comparing with `environmentAdaptations` (the sidebar's Patterns
 * tree): every two environments that both have finished deployments, the earlier one in the
 * promotion order as the source (development → staging → production), pairs into the last
 * environment first. `unknown` (history without an environment) is left out.
 */
export function environmentPairs(store: LearningStore, options: CatchUpOptions = {}): { source: string; target: string; deployments: number }[] {
  catchUpFirst(store, options);
  const rows = store.db
    .prepare(`SELECT environment, count(*) AS n FROM learning_deployments WHERE success IS NOT NULL AND environment != 'unknown' GROUP BY environment`)
    .all() as { environment: string; n: number }[];
  const rank = (env: string) => {
    const i = PROMOTION.indexOf(env.toLowerCase());
    return i === -1 ? PROMOTION.length : i;
  };
  const ordered = rows.sort((a, b) => rank(a.environment) - rank(b.environment) || a.environment.localeCompare(b.environment));
  const pairs: { source: string; target: string; deployments: number }[] = [];
  for (let t = ordered.length - 1; t > 0; t--) {
    for (let s = t - 1; s >= 0; s--) pairs.push({ source: ordered[s]!.environment, target: ordered[t]!.environment, deployments: ordered[s]!.n + ordered[t]!.n });
  }
  return pairs;
}
