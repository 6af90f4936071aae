import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import { EPISODE_ROWS_SQL, FIRST_SUCCESS_AFTER_SQL, LAST_SUCCESS_BEFORE_SQL } from '../../../src/core/learning/restores';
import { useTempStore } from '../../support/temp-store';

const READS = { LAST_SUCCESS_BEFORE_SQL, FIRST_SUCCESS_AFTER_SQL, EPISODE_ROWS_SQL };

function plan(db: Database.Database, query: string): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${query}`).all({ repoPath: '/r', environment: 'production', releases: 0, at: 0, from: 0, to: 1 }) as { detail: string }[];
  return rows.map((r) => r.detail).join(' | ');
}

/** learning_deployments' indexes dropped and created again in the reverse order (as a careless backfill would). */
function recreateReversed(db: Database.Database): void {
  const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'learning_deployments' AND sql IS NOT NULL ORDER BY rowid`).all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
  for (const index of indexes.reverse()) db.exec(index.sql);
}

describe('failure-episode reads', () => {
  const temp = useTempStore();

  it('read one repository × environment through its index whatever order the indexes were created in', () => {
    const db = temp.store.db;
    for (const [name, query] of Object.entries(READS)) assert.match(plan(db, query), /learning_deployments_repo_env/, `${name} as migrated`);
    recreateReversed(db);
    for (const [name, query] of Object.entries(READS)) assert.match(plan(db, query), /learning_deployments_repo_env/, `${name} after the indexes were recreated in reverse`);
  });

  it('…which the planner alone does not guarantee (the pin is what the test above checks)', () => {
    const db = temp.store.db;
    recreateReversed(db);
    const unpinned = EPISODE_ROWS_SQL.replace(' INDEXED BY learning_deployments_repo_env', '');
    assert.notEqual(unpinned, EPISODE_ROWS_SQL);
    assert.doesNotMatch(plan(db, unpinned), /learning_deployments_repo_env/);
  });
});
