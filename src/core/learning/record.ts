import type Database from 'better-sqlite3';
import { patternKeyOf, readFact, sameFact, type DeploymentFact } from './facts';
import { hasShippingOutcomes } from './outcome';
import { ensurePattern, refreshPattern } from './patterns';
import { deriveRecoveries } from './recoveries';
import { isReleaseCategory, refreshRestores, type Neighbourhood } from './restores';
import { BULK_FROM, startBulk } from './bulk';
import { DailyChanges } from './rollup';
import { sql } from './statements';

/** Anything with the history database: a HistoryStore, or `{ db }`. */
export interface LearningStore {
  db: Database.Database;
}

export interface RecordResult {
  deploymentId: string;
  /** The deployment is in the learning now (false: unknown, or not settled yet). */
  recorded: boolean;
  /** Something the learning knew about it changed (false when it was recorded exactly so before). */
  changed: boolean;
  /** The pattern it counts towards (null: no strategy was chosen, or no outcome — cancelled, interrupted). */
  patternId: number | null;
  reason?: string;
}

/**
 * How far a learning pass is: `done` of `total` deployments read (stage `deployments`; `done`
 * only grows, and ends at `total`), then one `summaries` event while the pattern figures and
 * failure episodes of what changed are refreshed. Reported about every 1% of the pass.
 */
export interface LearningProgress {
  stage: 'deployments' | 'summaries';
  done: number;
  total: number;
}

export type OnLearningProgress = (progress: LearningProgress) => void;

/** Counts a pass's deployments and tells `onProgress` about every 1% of them. */
class ProgressCounter {
  private done = 0;
  private reported = -1;
  private step = 1;
  private total = 0;

  constructor(private readonly onProgress: OnLearningProgress | undefined) {}

  start(total: number): void {
    this.total = total;
    this.step = Math.max(1, Math.ceil(total / 100));
    this.report();
  }

  tick(): void {
    this.done++;
    if (this.done - this.reported >= this.step || this.done === this.total) this.report();
  }

  summaries(): void {
    if (this.onProgress && this.total > 0) this.onProgress({ stage: 'summaries', done: this.done, total: this.total });
  }

  private report(): void {
    if (!this.onProgress || this.total === 0 || this.done === this.reported) return;
    this.reported = this.done;
    this.onProgress({ stage: 'deployments', done: this.done, total: this.total });
  }
}

interface StoredFact extends DeploymentFact {
  patternId: number | null;
}

const STORED_COLUMNS = `deployment_id AS deploymentId, repo_path AS repoPath, environment, strategy, category, stack, status, success, shipped, created_at AS createdAt,
  finished_at AS finishedAt, duration_ms AS durationMs, lead_ms AS leadMs, repairs, failing_step AS failingStep, error_code AS errorCode, error_pattern AS errorPattern, tokens, cost_micros AS costMicros,
  input_tokens AS inputTokens, cache_read_tokens AS cacheReadTokens, cache_write_tokens AS cacheWriteTokens, pattern_id AS patternId`;

/**
 * Learns deployments one by one and then, in `flush`, refreshes what depends on several of them
 * (pattern figures and links, failure episodes). Batching that part is what lets a rebuild of
 * 100,000 deployments take seconds instead of recomputing every pattern 100,000 times.
 */
class Learner {
  private readonly dirtyPatterns = new Set<number>();
  private readonly daily = new DailyChanges();
  private readonly areas = new Map<string, Neighbourhood>();
  /** The stack of repositories whose deployments recorded no profile, read once per pass. */
  private readonly repoStacks = new Map<string, string>();

  constructor(
    private readonly db: Database.Database,
    private readonly now: number,
  ) {}

  record(deploymentId: string): RecordResult {
    const db = this.db;
    const fact = readFact(db, deploymentId, this.repoStacks);
    const old = sql(db, `SELECT ${STORED_COLUMNS} FROM learning_deployments WHERE deployment_id = ?`).get(deploymentId) as StoredFact | undefined;
    if (!fact && !old) {
      const exists = sql(db, `SELECT status FROM deployments WHERE id = ?`).pluck().get(deploymentId) as string | undefined;
      const why = !exists
        ? 'there is no such deployment'
        : exists === 'refused' || exists === 'setup-failed'
          ? `it stopped before any model or test ran (${exists}): setup failures are kept apart from what is learnt`
          : `it has not finished (status ${exists})`;
      return { deploymentId, recorded: false, changed: false, patternId: null, reason: why };
    }
    if (fact && old && sameFact(fact, old)) {
      return { deploymentId, recorded: true, changed: false, patternId: old.patternId };
    }
    if (old) {
      this.daily.add(old, -1);
      if (old.patternId !== null) this.dirtyPatterns.add(old.patternId);
      this.touch(old);
    }
    let patternId: number | null = null;
    if (fact) {
      const key = patternKeyOf(fact);
      patternId = key ? ensurePattern(db, key, this.now) : null;
      sql(
        db,
        `INSERT OR REPLACE INTO learning_deployments (deployment_id, repo_path, environment, strategy, category, stack, status, success, shipped, created_at, finished_at, duration_ms, lead_ms,
                                                      repairs, failing_step, error_code, error_pattern, tokens, cost_micros, input_tokens, cache_read_tokens, cache_write_tokens, pattern_id, recorded_at)
         VALUES (@deploymentId, @repoPath, @environment, @strategy, @category, @stack, @status, @success, @shipped, @createdAt, @finishedAt, @durationMs, @leadMs,
                 @repairs, @failingStep, @errorCode, @errorPattern, @tokens, @costMicros, @inputTokens, @cacheReadTokens, @cacheWriteTokens, @patternId, @now)`,
      ).run({ ...fact, patternId, now: this.now });
      this.daily.add(fact, 1);
      if (patternId !== null) this.dirtyPatterns.add(patternId);
      this.touch(fact);
    } else {
      sql(db, `DELETE FROM learning_deployments WHERE deployment_id = ?`).run(deploymentId);
    }
    deriveRecoveries(db, deploymentId, fact, this.now);
    return { deploymentId, recorded: Boolean(fact), changed: true, patternId, ...(fact ? {} : { reason: 'it is running again; it will be learnt when it ends' }) };
  }

  flush(): void {
    this.daily.write(this.db);
    for (const id of this.dirtyPatterns) refreshPattern(this.db, id, this.now);
    this.dirtyPatterns.clear();
    for (const area of this.areas.values()) refreshRestores(this.db, area, this.now);
    this.areas.clear();
  }

  private touch(fact: DeploymentFact): void {
    const releases = isReleaseCategory(fact.category) ? 1 : 0;
    const key = `${fact.repoPath}\u0000${fact.environment}\u0000${releases}`;
    const area = this.areas.get(key);
    if (!area) {
      this.areas.set(key, { repoPath: fact.repoPath, environment: fact.environment, releases, from: fact.createdAt, to: fact.createdAt, ids: new Set([fact.deploymentId]) });
      return;
    }
    area.from = Math.min(area.from, fact.createdAt);
    area.to = Math.max(area.to, fact.createdAt);
    area.ids.add(fact.deploymentId);
  }
}

/**
 * Learns one deployment that ended: its pattern (executions, successes, confidence, median
 * duration), the daily analytics figures, failure episodes and the recoveries its history shows.
 * Idempotent: recording the same deployment again changes nothing; recording it after its
 * outcome changed (rolled back, or a GitHub label from `deploy-agent sync`) moves it, never
 * counting it twice. The pipeline calls this in its learn step.
 */
export function recordOutcome(store: LearningStore, deploymentId: string, options: { now?: number } = {}): RecordResult {
  const learner = new Learner(store.db, options.now ?? Date.now());
  return store.db.transaction(() => {
    const result = learner.record(deploymentId);
    learner.flush();
    return result;
  }).immediate();
}

export interface RebuildResult {
  deployments: number;
  patterns: number;
  durationMs: number;
}

/**
 * Forgets everything learnt and learns the whole history again, oldest first, in one transaction.
 * Recoveries reported by the pipeline are kept (they are not in the history tables).
 */
export function rebuildLearning(store: LearningStore, options: { now?: number; onProgress?: OnLearningProgress } = {}): RebuildResult {
  const started = performance.now();
  const db = store.db;
  const now = options.now ?? Date.now();
  const learner = new Learner(db, now);
  const progress = new ProgressCounter(options.onProgress);
  let deployments = 0;
  db.transaction(() => {
    // Everything is learnt again: a backfill whatever the size (the indexes go before the rows are deleted).
    const bulk = startBulk(db);
    try {
      db.exec(`
        DELETE FROM learning_deployments;
        DELETE FROM learning_daily;
        DELETE FROM learning_daily_repo;
        DELETE FROM learning_restores;
        DELETE FROM learning_pattern_links;
        DELETE FROM learning_patterns;
        DELETE FROM learning_recoveries WHERE source = 'history';
        DELETE FROM learning_state;
      `);
      const ids = db.prepare(`SELECT id FROM deployments ORDER BY created_at, id`).pluck().all() as string[];
      progress.start(ids.length);
      for (const id of ids) {
        if (learner.record(id).recorded) deployments++;
        progress.tick();
      }
      // Sets the watermarks, so that the next catch-up starts from here.
      catchUp(db, learner, now, readChanges(db));
      bulk.finish();
    } catch (error) {
      bulk.abandon();
      throw error;
    }
    progress.summaries();
    learner.flush();
  }).immediate();
  const patterns = db.prepare(`SELECT count(*) FROM learning_patterns`).pluck().get() as number;
  return { deployments, patterns, durationMs: Math.round(performance.now() - started) };
}

/** A running deployment younger than this holds the catch-up watermark back (it will end soon). */
const RUNNING_HOLD_MS = 2 * 86_400_000;

/**
 * Learns what changed in the history without passing through `recordOutcome`: deployments
 * added since the last catch-up (an import, an older Deploy Agent), deployments rolled back
 * (`deploy-agent rollback`) and outcomes synced from GitHub. Reads only what is newer than its
 * watermarks, so when nothing changed it costs a few index look-ups. Every learning command
 * calls it first.
 */
export function catchUpLearning(store: LearningStore, options: { now?: number; onProgress?: OnLearningProgress } = {}): { recorded: number } {
  const db = store.db;
  const now = options.now ?? Date.now();
  // Reads first: when nothing changed, no write transaction (and no wait for another writer).
  if (!somethingNew(db)) return { recorded: 0 };
  const learner = new Learner(db, now);
  const progress = new ProgressCounter(options.onProgress);
  return db.transaction(() => {
    const changes = readChanges(db);
    const total = changes.deployments.length + changes.rollbacks.length + changes.synced.length;
    // A first learning over a long history (or a history much longer than what was learnt): a backfill.
    const bulk = total >= BULK_FROM && total >= (sql(db, `SELECT count(*) FROM learning_deployments`).pluck().get() as number) ? startBulk(db) : undefined;
    let recorded: number;
    try {
      progress.start(total);
      recorded = catchUp(db, learner, now, changes, progress);
      bulk?.finish();
    } catch (error) {
      bulk?.abandon();
      throw error;
    }
    progress.summaries();
    learner.flush();
    return { recorded };
  }).immediate();
}

/** Options of the four learning answers (recommendations, adaptations, rollback scenarios, analytics) for their catch-up. */
export interface CatchUpOptions {
  now?: number;
  /** Learn what changed first (default true; the bench turns it off to time the query alone). */
  catchUp?: boolean;
  /** Told how far the catch-up is (a first one over a long history takes seconds). */
  onProgress?: OnLearningProgress;
}

/** The catch-up every learning answer runs first; the number of deployments it learnt. */
export function catchUpFirst(store: LearningStore, options: CatchUpOptions): number {
  if (options.catchUp === false) return 0;
  return catchUpLearning(store, options).recorded;
}

function watermark(db: Database.Database, key: string): number {
  return (sql(db, `SELECT value FROM learning_state WHERE key = ?`).pluck().get(key) as number | undefined) ?? 0;
}

function somethingNew(db: Database.Database): boolean {
  const maxRowid = (sql(db, `SELECT max(rowid) FROM deployments`).pluck().get() as number | null) ?? 0;
  if (maxRowid !== watermark(db, 'deployments_rowid')) return true;
  if (sql(db, `SELECT 1 FROM decisions WHERE id > ? AND kind = 'rollback' LIMIT 1`).get(watermark(db, 'rollback_decision_id'))) return true;
  return hasShippingOutcomes(db) && Boolean(sql(db, `SELECT 1 FROM shipping_outcomes WHERE synced_at > ? LIMIT 1`).get(watermark(db, 'shipping_synced_at')));
}

/** What a catch-up goes through, read before anything is learnt (so that its size is known). */
interface Changes {
  /** Deployments added since the deployments watermark (by rowid), with what was learnt of them. */
  deployments: { rowid: number; id: string; status: string; createdAt: number; learnt: string | null }[];
  /** The deployments watermark they were read from (0 after a VACUUM renumbered rowids downwards). */
  deploymentsMark: number;
  rollbacks: { id: number; deploymentId: string | null }[];
  rollbackMark: number;
  synced: { deploymentId: string; syncedAt: number }[];
}

function readChanges(db: Database.Database): Changes {
  // New deployments, by rowid. A VACUUM can renumber rowids downwards: then start over (recording is idempotent).
  let deploymentsMark = watermark(db, 'deployments_rowid');
  const maxRowid = (sql(db, `SELECT max(rowid) FROM deployments`).pluck().get() as number | null) ?? 0;
  if (maxRowid < deploymentsMark) deploymentsMark = 0;
  const deployments =
    maxRowid > deploymentsMark
      ? (sql(
          db,
          `SELECT d.rowid AS rowid, d.id AS id, d.status AS status, d.created_at AS createdAt, l.status AS learnt
             FROM deployments d LEFT JOIN learning_deployments l ON l.deployment_id = d.id
            WHERE d.rowid > ? ORDER BY d.rowid`,
        ).all(deploymentsMark) as Changes['deployments'])
      : [];
  // Rollbacks of deployments learnt earlier.
  const rollbackMark = watermark(db, 'rollback_decision_id');
  const rollbacks = sql(db, `SELECT id, deployment_id AS deploymentId FROM decisions WHERE id > ? AND kind = 'rollback' ORDER BY id`).all(rollbackMark) as Changes['rollbacks'];
  // Outcomes GitHub gave later (deploy-agent sync).
  const synced = hasShippingOutcomes(db)
    ? (sql(db, `SELECT deployment_id AS deploymentId, synced_at AS syncedAt FROM shipping_outcomes WHERE synced_at > ? ORDER BY synced_at`).all(
        watermark(db, 'shipping_synced_at'),
      ) as Changes['synced'])
    : [];
  return { deployments, deploymentsMark, rollbacks, rollbackMark, synced };
}

function catchUp(db: Database.Database, learner: Learner, now: number, changes: Changes, progress = new ProgressCounter(undefined)): number {
  const set = (key: string, value: number) => sql(db, `INSERT INTO learning_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(key, value);
  let recorded = 0;

  if (changes.deployments.length) {
    let mark = changes.deploymentsMark;
    let held = false;
    for (const row of changes.deployments) {
      const inFlight = row.status === 'running' || row.status === 'pending';
      if (!inFlight && row.learnt !== row.status && learner.record(row.id).changed) recorded++;
      if (inFlight && now - row.createdAt < RUNNING_HOLD_MS) held = true;
      if (!held) mark = row.rowid;
      progress.tick();
    }
    set('deployments_rowid', mark);
  }

  for (const r of changes.rollbacks) {
    if (r.deploymentId && learner.record(r.deploymentId).changed) recorded++;
    progress.tick();
  }
  // Past every decision read, not just the last rollback: the next look starts from here.
  const lastDecision = (sql(db, `SELECT max(id) FROM decisions`).pluck().get() as number | null) ?? 0;
  if (lastDecision !== changes.rollbackMark) set('rollback_decision_id', lastDecision);

  for (const s of changes.synced) {
    if (learner.record(s.deploymentId).changed) recorded++;
    progress.tick();
  }
  if (changes.synced.length) set('shipping_synced_at', changes.synced[changes.synced.length - 1]!.syncedAt);
  return recorded;
}
