import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { migrate, openHistoryStore } from '../../../src/core/store/database';
import { migrations, latestSchemaVersion } from '../../../src/core/store/migrations';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { DeployAgentError } from '../../../src/core/errors';
import { tempDir } from '../../support/temp';

describe('history store', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('creates a new database with WAL, foreign keys and the latest schema', () => {
    const store = openHistoryStore(path.join(dir.path, 'nested', 'history.db'));
    try {
      assert.equal(store.schemaVersion, latestSchemaVersion);
      assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
      const tables = (store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      for (const t of ['deployments', 'deployment_steps', 'decisions', 'test_runs', 'events']) assert.ok(tables.includes(t), `missing table ${t}`);
      assert.match(store.sqliteVersion, /^3\.\d+\.\d+$/);
      assert.equal(store.movedAside, undefined);
    } finally {
      store.close();
    }
  });

  it('upgrades an old schema and keeps its rows', () => {
    const file = path.join(dir.path, 'history.db');
    const old = openHistoryStore(file, { migrations: migrations.slice(0, 1) });
    assert.equal(old.schemaVersion, 1);
    new DeploymentsRepository(old.db).insert({ id: 'd1', repoPath: '/repo', title: 'Add a Dockerfile', createdAt: 1, status: 'succeeded' });
    old.close();

    const upgraded = openHistoryStore(file);
    try {
      assert.equal(upgraded.schemaVersion, latestSchemaVersion);
      const row = new DeploymentsRepository(upgraded.db).get('d1');
      assert.equal(row?.title, 'Add a Dockerfile');
      assert.equal(row?.status, 'succeeded');
    } finally {
      upgraded.close();
    }
  });

  it('migration 9 lets a deployment wait for review without rewriting a row; other statuses are still refused, by every connection', () => {
    const file = path.join(dir.path, 'history.db');
    const old = openHistoryStore(file, { migrations: migrations.slice(0, 8) });
    const deployments = new DeploymentsRepository(old.db);
    for (let i = 0; i < 50; i++) old.db.prepare(`INSERT INTO deployments (id, repo_path, title, status, created_at) VALUES (?, '/repo', 't', 'succeeded', ?)`).run(`d${i}`, i);
    old.db.prepare(`INSERT INTO events (deployment_id, ts, type, payload) VALUES ('d1', 1, 'x', '{}')`).run();
    assert.throws(() => deployments.update('d1', { status: 'awaiting-review' }), /CHECK constraint failed/);
    const pagesBefore = Number(old.db.pragma('page_count', { simple: true }));
    // Another connection open during the migration sees the new rule too.
    const other = new Database(file);
    old.close();

    // Migration 9 itself copies nothing (a later one may add an index, which takes a page).
    const at9 = openHistoryStore(file, { migrations: migrations.slice(0, 9) });
    const pagesAt9 = Number(at9.db.pragma('page_count', { simple: true }));
    at9.close();
    const upgraded = openHistoryStore(file);
    try {
      assert.equal(upgraded.schemaVersion, latestSchemaVersion);
      assert.equal(pagesAt9, pagesBefore, 'nothing on disk was copied');
      const repo = new DeploymentsRepository(upgraded.db);
      repo.update('d1', { status: 'awaiting-review' });
      assert.equal(repo.get('d1')?.status, 'awaiting-review');
      assert.equal((upgraded.db.prepare(`SELECT count(*) FROM events WHERE deployment_id = 'd1'`).pluck().get() as number), 1, 'no cascade ran');
      assert.equal((upgraded.db.prepare(`SELECT count(*) FROM deployments`).pluck().get() as number), 50);
      assert.throws(() => repo.update('d2', { status: 'paused' as never }), /CHECK constraint failed/);
      other.prepare(`UPDATE deployments SET status = 'awaiting-review' WHERE id = 'd3'`).run();
      assert.throws(() => other.prepare(`UPDATE deployments SET status = 'paused' WHERE id = 'd3'`).run(), /CHECK constraint failed/);
      assert.equal(upgraded.db.pragma('integrity_check', { simple: true }), 'ok');
      assert.throws(() => upgraded.db.prepare(`UPDATE sqlite_schema SET sql = sql WHERE name = 'deployments'`).run(), /may not be modified/, 'defensive mode is back on');
    } finally {
      other.close();
      upgraded.close();
    }
  });

  it('two processes migrating the same new file at once: the second finds the versions applied and skips them', () => {
    const file = path.join(dir.path, 'race.db');
    const first = openHistoryStore(file);
    try {
      // The second opener read user_version 0 before the first committed; it must not run CREATE TABLE again.
      assert.doesNotThrow(() => migrate(first.db, migrations, 0));
      assert.equal(first.db.pragma('user_version', { simple: true }), latestSchemaVersion);
    } finally {
      first.close();
    }
  });

  it('rolls back a failing migration as a whole and leaves the version where it was', () => {
    const file = path.join(dir.path, 'history.db');
    openHistoryStore(file, { migrations: migrations.slice(0, 1) }).close();
    const broken = [
      ...migrations.slice(0, 1),
      { version: 2, name: 'half done', up: (db: Database.Database) => { db.exec('CREATE TABLE half (x)'); db.exec('THIS IS NOT SQL'); } },
    ];
    assert.throws(() => openHistoryStore(file, { migrations: broken }));
    const db = new Database(file);
    try {
      assert.equal(db.pragma('user_version', { simple: true }), 1);
      assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'").get() as { n: number }).n, 0);
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer Deploy Agent without writing to it', () => {
    const file = path.join(dir.path, 'history.db');
    const db = new Database(file);
    db.pragma(`user_version = ${latestSchemaVersion + 7}`);
    db.exec('CREATE TABLE future (x)');
    db.close();
    const before = readFileSync(file);
    assert.throws(
      () => openHistoryStore(file),
      (error: unknown) => error instanceof DeployAgentError && error.code === 'DB_NEWER_SCHEMA' && /Update Deploy Agent/.test(error.hint),
    );
    assert.deepEqual(readFileSync(file), before, 'the file must be byte-identical');
    assert.ok(!existsSync(`${file}-wal`), 'no WAL file may be created');
  });

  it('moves a corrupt database aside with a timestamp and creates a new one', () => {
    const file = path.join(dir.path, 'history.db');
    writeFileSync(file, 'this is not a SQLite database, just text that happens to sit here '.repeat(100));
    const garbage = readFileSync(file);
    const store = openHistoryStore(file, { now: () => new Date('2026-11-22T10:00:00.000Z') });
    try {
      assert.equal(store.movedAside, `${file}.corrupt-2026-11-22T10-00-00-000Z`);
      assert.deepEqual(readFileSync(store.movedAside!), garbage, 'the old file is kept as it was');
      assert.equal(store.schemaVersion, latestSchemaVersion);
      assert.deepEqual(readdirSync(dir.path).filter((f) => f.includes('corrupt')).length, 1);
    } finally {
      store.close();
    }
  });

  it('moves aside a database whose pages are damaged', () => {
    const file = path.join(dir.path, 'history.db');
    const store = openHistoryStore(file);
    const repo = new DeploymentsRepository(store.db);
    repo.insertMany(Array.from({ length: 2000 }, (_, i) => ({ id: `d${i}`, repoPath: '/r', title: 'x'.repeat(200), createdAt: i })));
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    const bytes = readFileSync(file);
    // Overwrite pages in the middle of the file (not the header) with noise.
    for (let i = 8192; i < bytes.length - 4096; i += 7) bytes[i] = (i * 31) & 0xff;
    writeFileSync(file, bytes);
    const reopened = openHistoryStore(file);
    try {
      assert.ok(reopened.movedAside, 'damaged file must be moved aside');
      assert.equal(new DeploymentsRepository(reopened.db).list().length, 0);
    } finally {
      reopened.close();
    }
  });

  it('waits for another process that holds the lock, then names it', async function () {
    const file = path.join(dir.path, 'history.db');
    openHistoryStore(file, { migrations: migrations.slice(0, 1) }).close();
    const holder = await holdWriteLock(file);
    try {
      const started = Date.now();
      assert.throws(
        () => openHistoryStore(file, { busyTimeoutMs: 400 }),
        (error: unknown) =>
          error instanceof DeployAgentError && error.code === 'DB_LOCKED' && error.message.includes(`pid ${holder.pid}`),
      );
      assert.ok(Date.now() - started >= 350, 'it waited for the busy timeout before giving up');
    } finally {
      holder.kill();
    }
  });
});

/** A child process that opens `file` and keeps a write transaction open until killed. */
function holdWriteLock(file: string): Promise<ChildProcess> {
  const script = `const D=require(${JSON.stringify(require.resolve('better-sqlite3'))});const d=new D(${JSON.stringify(file)});d.exec('BEGIN IMMEDIATE');d.exec('CREATE TABLE held(x)');process.stdout.write('locked\\n');setInterval(()=>{},1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
}

