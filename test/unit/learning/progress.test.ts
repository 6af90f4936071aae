import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { catchUpLearning, rebuildLearning, type LearningProgress } from '../../../src/core/learning';
import { BULK_FROM } from '../../../src/core/learning/bulk';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository, type DeploymentStatus, type NewDeployment } from '../../../src/core/store/deployments';
import { tempDir } from '../../support/temp';
import { addDeployment, DAY, HOUR, MIN, NOW, rollBack } from './history';

/** Everything the learning stores, in a fixed order: two learnings of the same history must give the same rows. */
function learnt(db: Database.Database): Record<string, unknown[]> {
  const table = (name: string, order: string) => db.prepare(`SELECT * FROM ${name} ORDER BY ${order}`).all();
  return {
    deployments: table('learning_deployments', 'deployment_id'),
    daily: table('learning_daily', 'day, environment, strategy, status, outcome, shipped'),
    patterns: table('learning_patterns', 'environment, stack, strategy, category'),
    links: db
      .prepare(
        `SELECT p.environment || p.stack || p.strategy || p.category AS pattern, s.environment || s.stack || s.strategy || s.category AS similar, l.differs_in
           FROM learning_pattern_links l JOIN learning_patterns p ON p.id = l.pattern_id JOIN learning_patterns s ON s.id = l.similar_id ORDER BY 1, 2`,
      )
      .all(),
    restores: table('learning_restores', 'failure_id'),
    recoveries: db.prepare(`SELECT deployment_id, error_pattern_id, error_code, failing_step, action, automatic, recovered_ms, worked, source, detail FROM learning_recoveries ORDER BY 1, 5, 8`).all(),
    state: table('learning_state', 'key'),
  };
}

/** Per table in the order SQLite lists them (its planner takes the first of equally good indexes). */
const indexesOf = (db: Database.Database) => db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'learning%' ORDER BY tbl_name, rowid`).all();

describe('learning: progress of a catch-up, and the backfill', function () {
  this.timeout(60000);
  let dir: ReturnType<typeof tempDir>;
  const open: HistoryStore[] = [];
  const store = (name: string) => {
    const s = openHistoryStore(path.join(dir.path, name));
    open.push(s);
    return s;
  };
  /** The same history in a second file. */
  const copy = (from: HistoryStore, name: string) => {
    from.db.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(from.path, path.join(dir.path, name));
    return store(name);
  };
  beforeEach(() => (dir = tempDir('deploy-agent-learning-progress-')));
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
    dir.cleanup();
  });

  /** 300 deployments of two repositories in three environments, failures (some repaired, some rolled back) among them. */
  function variedHistory(db: Database.Database): number {
    let rollbacks = 0;
    for (let i = 0; i < 300; i++) {
      const status: DeploymentStatus = i % 7 === 3 ? 'failed' : i % 11 === 5 ? 'cancelled' : 'succeeded';
      const id = addDeployment(db, {
        id: `h${String(i).padStart(4, '0')}`,
        createdAt: NOW - 60 * DAY + i * 4 * HOUR,
        status,
        repoPath: i % 2 ? '/repo/a' : '/repo/b',
        environment: ['production', 'staging', 'development'][i % 3]!,
        strategy: ['balanced', 'conservative', 'aggressive'][i % 3 === 0 ? i % 2 : 2]!,
        category: i % 4 ? 'feature' : 'bugfix',
        durationMs: (5 + (i % 13)) * MIN,
        ...(i % 5 === 0 ? { stack: ['TypeScript', 'express'] as [string, string] } : {}),
        ...(i % 9 === 0 ? { testRuns: [[3, 1, 'AssertionError: expected 1 to equal 2'], [4, 0]] as [number, number, string?][] } : {}),
        ...(status === 'failed' ? { failedStep: 'run-tests', errorCode: 'TESTS_FAILED', errorMessage: '1 test still fails' } : {}),
      });
      if (i % 23 === 4 && status === 'succeeded') {
        rollBack(db, id, NOW - 60 * DAY + i * 4 * HOUR + 2 * HOUR);
        rollbacks++;
      }
    }
    return rollbacks;
  }

  it('reports the deployments read with counts that only grow, up to the total, then the summaries; the learning is the same without it', () => {
    const a = store('a.db');
    const rollbacks = variedHistory(a.db);
    const b = copy(a, 'b.db');

    const events: LearningProgress[] = [];
    const withProgress = catchUpLearning(a, { now: NOW, onProgress: (p) => events.push({ ...p }) });
    const without = catchUpLearning(b, { now: NOW });

    assert.equal(withProgress.recorded, without.recorded);
    assert.deepEqual(learnt(a.db), learnt(b.db));
    assert.ok(learnt(a.db).restores!.length > 0 && learnt(a.db).recoveries!.length > 0, 'the history has failure episodes and recoveries to compare');

    const reading = events.filter((e) => e.stage === 'deployments');
    const total = 300 + rollbacks;
    assert.ok(reading.every((e) => e.total === total), `total ${total}: ${JSON.stringify(reading[0])}`);
    assert.equal(reading[0]!.done, 0, 'told before the first deployment is read');
    for (let i = 1; i < reading.length; i++) assert.ok(reading[i]!.done > reading[i - 1]!.done, `${reading[i]!.done} after ${reading[i - 1]!.done}`);
    assert.equal(reading[reading.length - 1]!.done, total);
    assert.ok(reading.length >= 50 && reading.length <= 102, `about every 1%: ${reading.length} events`);
    assert.deepEqual(events[events.length - 1], { stage: 'summaries', done: total, total });

    // Nothing new: no pass, no progress.
    const again: LearningProgress[] = [];
    assert.equal(catchUpLearning(a, { now: NOW, onProgress: (p) => again.push(p) }).recorded, 0);
    assert.deepEqual(again, []);
  });

  it('a rebuild reports its progress the same way', () => {
    const a = store('a.db');
    variedHistory(a.db);
    catchUpLearning(a, { now: NOW });
    const before = learnt(a.db);
    const events: LearningProgress[] = [];
    rebuildLearning(a, { now: NOW, onProgress: (p) => events.push({ ...p }) });
    assert.deepEqual(learnt(a.db), before);
    const reading = events.filter((e) => e.stage === 'deployments');
    for (let i = 1; i < reading.length; i++) assert.ok(reading[i]!.done > reading[i - 1]!.done);
    assert.equal(reading[reading.length - 1]!.done, 300);
    assert.equal(events[events.length - 1]!.stage, 'summaries');
  });

  /** Plain rows (no steps), as an import leaves them: enough of them to make a backfill. */
  function* plainRows(from: number, count: number): Generator<NewDeployment> {
    for (let i = from; i < from + count; i++) {
      const status: DeploymentStatus = i % 9 === 2 ? 'failed' : i % 31 === 7 ? 'interrupted' : 'succeeded';
      const createdAt = NOW - 200 * DAY + i * 50 * MIN;
      yield {
        id: `p${String(i).padStart(5, '0')}`,
        repoPath: `/repo/${i % 5}`,
        title: `Deployment ${i}`,
        category: ['feature', 'bugfix'][i % 2]!,
        status,
        mode: 'full-pr',
        strategy: ['balanced', 'conservative'][i % 3 === 0 ? 1 : 0]!,
        environment: ['production', 'staging'][i % 2]!,
        commitSha: status === 'succeeded' ? 'c0ffee'.padEnd(40, '0') : null,
        createdAt,
        startedAt: createdAt,
        finishedAt: createdAt + (3 + (i % 17)) * MIN,
        durationMs: (3 + (i % 17)) * MIN,
      };
    }
  }

  it(`a backfill (${BULK_FROM} deployments or more at once) learns what learning them in smaller passes learns, and leaves every index and the page cache as they were`, () => {
    const a = store('a.db');
    const b = store('b.db');
    const cacheSize = a.db.pragma('cache_size', { simple: true });
    const indexes = indexesOf(a.db);

    // a: everything at once, a backfill.
    new DeploymentsRepository(a.db).insertMany(plainRows(0, BULK_FROM + 500));
    assert.equal(catchUpLearning(a, { now: NOW }).recorded, BULK_FROM + 500);
    // b: the same history learnt in two passes, each below the backfill size.
    new DeploymentsRepository(b.db).insertMany(plainRows(0, BULK_FROM - 1));
    catchUpLearning(b, { now: NOW });
    new DeploymentsRepository(b.db).insertMany(plainRows(BULK_FROM - 1, 501));
    assert.equal(catchUpLearning(b, { now: NOW }).recorded, 501);

    assert.deepEqual(learnt(a.db), learnt(b.db));
    assert.deepEqual(indexesOf(a.db), indexes, 'the indexes dropped for the backfill are back, as and in the order the migration made them');
    assert.equal(a.db.pragma('cache_size', { simple: true }), cacheSize);
    const plan = a.db.prepare(`EXPLAIN QUERY PLAN SELECT duration_ms FROM learning_deployments WHERE duration_ms IS NOT NULL ORDER BY duration_ms LIMIT 1 OFFSET 10`).all() as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join(' '), /learning_deployments_duration/, 'analytics reads the percentile index again');
  });
});
