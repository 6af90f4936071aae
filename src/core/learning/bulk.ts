import type Database from 'better-sqlite3';

/**
 * From this many deployments to learn in one pass (and at least as many as are learnt already),
 * the pass is a backfill: see `startBulk`. Below it, learning row by row is quicker than
 * rebuilding the indexes of everything learnt.
 */
export const BULK_FROM = 5_000;

/** The page cache of a backfill, in KiB (64 MiB, for the length of the pass only). */
const BULK_CACHE_KIB = 64 * 1024;

/**
 * Prepares a connection for learning many deployments in one transaction, and `finish` undoes it:
 * - learning_deployments' secondary indexes (percentiles, windows, repository × environment,
 *   pattern) are dropped and created again at the end: SQLite sorts each once instead of
 *   inserting 100,000 rows into eight B-trees in random order, the largest cost of a backfill
 *   (measured ~6.5 of ~14 s). While deployments are learnt only the primary key is read; `finish`
 *   runs before the pattern figures and failure episodes, which read the indexes, are refreshed;
 * - a larger page cache, so that the transaction's dirty pages stay in memory instead of spilling
 *   to the write-ahead log while it runs.
 * Call it inside the transaction, and `abandon` when the pass fails: the transaction's rollback
 * brings the indexes back.
 */
export function startBulk(db: Database.Database): { finish(): void; abandon(): void } {
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${-BULK_CACHE_KIB}`);
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'learning_deployments' AND sql IS NOT NULL ORDER BY rowid`)
    .all() as { name: string; sql: string }[];
  // Created again in the order they were made: among equally good indexes SQLite's planner takes
  // the first in its list, so another order can change plans (measured: failure episodes read
  // through environment × time instead of repository × environment, 4× slower).
  for (const index of indexes) db.exec(`DROP INDEX "${index.name.replaceAll('"', '""')}"`);
  let done = false;
  const restoreCache = () => {
    done = true;
    db.pragma(`cache_size = ${cacheSize}`);
  };
  return {
    finish() {
      if (done) return;
      try {
        for (const index of indexes) db.exec(index.sql);
      } finally {
        restoreCache();
      }
    },
    /** After a failure: the transaction's rollback brings the indexes back; only the cache is restored here. */
    abandon() {
      if (!done) restoreCache();
    },
  };
}
