import type { Migration } from './types';

const OLD = `CHECK (status IN ('pending','running','succeeded','failed','cancelled','rolled_back','interrupted'))`;
const NEW = `CHECK (status IN ('pending','running','succeeded','failed','cancelled','rolled_back','interrupted','awaiting-review'))`;

/**
 * A deployment can wait for a person: status `awaiting-review` (the review pause, [panel]).
 *
 * Only the CHECK constraint of `deployments.status` (migration 001) changes, and it only gets
 * wider, so every stored row stays valid and nothing on disk is rewritten. SQLite cannot alter a
 * constraint; instead of copying the table (which would fire the ON DELETE CASCADE of every table
 * that references it, and take minutes over a large history) the table's definition in
 * sqlite_schema is edited, as SQLite documents for changes that do not affect the stored content
 * (https://www.sqlite.org/lang_altertable.html#otheralter), and the schema cookie is bumped so that
 * every open connection reloads it. better-sqlite3 runs in defensive mode, which forbids that
 * edit; it is lifted for this statement only. A definition that is not the expected one stops the
 * migration instead of guessing.
 */
export const reviewStatus: Migration = {
  version: 9,
  name: 'deployment status awaiting-review',
  up(db) {
    const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'deployments'`).pluck().get() as string | undefined;
    if (!sql || sql.split(OLD).length !== 2) {
      throw new Error(`migration 9: the deployments table does not have the status constraint of migration 1 (${sql ? 'it was changed' : 'no table'}); refusing to edit it`);
    }
    const cookie = Number(db.pragma('schema_version', { simple: true }));
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      db.prepare(`UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'deployments'`).run(sql.replace(OLD, NEW));
      db.pragma(`schema_version = ${cookie + 1}`);
      db.pragma('writable_schema = OFF');
    } finally {
      db.unsafeMode(false);
    }
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`migration 9: integrity check after the edit: ${String(check)}`);
  },
};
