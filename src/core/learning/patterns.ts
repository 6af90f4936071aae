import type Database from 'better-sqlite3';
import { sql } from './statements';
import { wilsonLowerBound } from './wilson';

export interface PatternKey {
  environment: string;
  stack: string;
  strategy: string;
  category: string;
}

export const KEY_PARTS = ['environment', 'stack', 'strategy', 'category'] as const;
export type KeyPart = (typeof KEY_PARTS)[number];

export interface PatternRow extends PatternKey {
  id: number;
  executions: number;
  successes: number;
  confidence: number;
  medianDurationMs: number | null;
  lastSeenAt: number | null;
}

/** The id of the pattern with this key, created (and linked to its similar patterns) when new. */
export function ensurePattern(db: Database.Database, key: PatternKey, now: number): number {
  const existing = sql(db, `SELECT id FROM learning_patterns WHERE environment = @environment AND stack = @stack AND strategy = @strategy AND category = @category`)
    .pluck()
    .get(key) as number | undefined;
  if (existing !== undefined) return existing;
  const id = Number(
    sql(db, `INSERT INTO learning_patterns (environment, stack, strategy, category, updated_at) VALUES (@environment, @stack, @strategy, @category, @now)`).run({ ...key, now })
      .lastInsertRowid,
  );
  linkSimilar(db, id, key);
  return id;
}

/**
 * Similar patterns share three of the four key parts: the same change in another environment,
 * on another stack, with another strategy, or of another category. Links go both ways and
 * record the part that differs; they are made once, when a pattern appears.
 */
function linkSimilar(db: Database.Database, id: number, key: PatternKey): void {
  const params = { id, ...key };
  const similar = `((environment = @environment) + (stack = @stack) + (strategy = @strategy) + (category = @category)) = 3 AND id != @id`;
  const differs = `CASE WHEN environment != @environment THEN 'environment' WHEN stack != @stack THEN 'stack' WHEN strategy != @strategy THEN 'strategy' ELSE 'category' END`;
  sql(db, `INSERT OR IGNORE INTO learning_pattern_links (pattern_id, similar_id, differs_in) SELECT @id, id, ${differs} FROM learning_patterns WHERE ${similar}`).run(params);
  sql(db, `INSERT OR IGNORE INTO learning_pattern_links (pattern_id, similar_id, differs_in) SELECT id, @id, ${differs} FROM learning_patterns WHERE ${similar}`).run(params);
}

/**
 * Recomputes a pattern's figures from the deployments counted in it: executions, successes, the
 * Wilson lower bound, the median duration (nearest rank, read from the index in order). A pattern
 * left with no deployment is removed (its links go with it).
 */
export function refreshPattern(db: Database.Database, id: number, now: number): void {
  const stats = sql(db, `SELECT count(*) AS n, coalesce(sum(success), 0) AS s, max(created_at) AS last, count(duration_ms) AS timed FROM learning_deployments WHERE pattern_id = ?`).get(id) as {
    n: number;
    s: number;
    last: number | null;
    timed: number;
  };
  if (stats.n === 0) {
    sql(db, `DELETE FROM learning_patterns WHERE id = ?`).run(id);
    return;
  }
  const median = stats.timed
    ? (sql(db, `SELECT duration_ms FROM learning_deployments WHERE pattern_id = ? AND duration_ms IS NOT NULL ORDER BY duration_ms LIMIT 1 OFFSET ?`)
        .pluck()
        .get(id, Math.ceil(stats.timed / 2) - 1) as number)
    : null;
  sql(db, `UPDATE learning_patterns SET executions = ?, successes = ?, confidence = ?, median_duration_ms = ?, last_seen_at = ?, updated_at = ? WHERE id = ?`).run(
    stats.n,
    stats.s,
    wilsonLowerBound(stats.s, stats.n),
    median,
    stats.last,
    now,
    id,
  );
}

const PATTERN_COLUMNS = `id, environment, stack, strategy, category, executions, successes, confidence, median_duration_ms AS medianDurationMs, last_seen_at AS lastSeenAt`;

export function listPatterns(db: Database.Database, options: { environment?: string } = {}): PatternRow[] {
  const where = options.environment ? 'WHERE environment = @environment' : '';
  return db
    .prepare(`SELECT ${PATTERN_COLUMNS} FROM learning_patterns ${where} ORDER BY confidence DESC, executions DESC, median_duration_ms ASC, id ASC`)
    .all(options.environment ? { environment: options.environment } : {}) as PatternRow[];
}

export function getPattern(db: Database.Database, id: number): PatternRow | undefined {
  return sql(db, `SELECT ${PATTERN_COLUMNS} FROM learning_patterns WHERE id = ?`).get(id) as PatternRow | undefined;
}

export function similarPatterns(db: Database.Database, id: number): (PatternRow & { differsIn: KeyPart })[] {
  return sql(
    db,
    `SELECT ${PATTERN_COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')}, l.differs_in AS differsIn
       FROM learning_pattern_links l JOIN learning_patterns p ON p.id = l.similar_id
      WHERE l.pattern_id = ? ORDER BY p.confidence DESC, p.id`,
  ).all(id) as (PatternRow & { differsIn: KeyPart })[];
}
