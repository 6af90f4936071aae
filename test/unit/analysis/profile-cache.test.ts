import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { analyzeWorkspace } from '../../../src/core/analysis';
import { parseIndexListing } from '../../../src/core/analysis/file-list';
import { PROFILE_CACHE_VERSION, profileFactsOf } from '../../../src/core/analysis/profile-cache';
import { openHistoryStore } from '../../../src/core/store/database';
import { migrations } from '../../../src/core/store/migrations';
import { tempDir } from '../../support/temp';

const ANALYSIS = path.resolve(__dirname, '../../../src/core/analysis');

/** The code a stored profile is derived by: the profile assembly, the data inventory and every detector. */
function profileCode(): { file: string; text: string }[] {
  const files = ['profile.ts', 'data-inventory.ts', ...readdirSync(path.join(ANALYSIS, 'detect')).sort().map((f) => `detect/${f}`)];
  return files.map((file) => ({ file, text: readFileSync(path.join(ANALYSIS, file), 'utf8') }));
}

// After changing the code above: bump PROFILE_CACHE_VERSION and put the new version and hash here.
const RECORDED = { version: 6, hash: '3cc2189bd4b23869b1cafee80e4893438a2a95de' };

describe('analysis: stored profile', () => {
  it('is only reused by the code that made it (PROFILE_CACHE_VERSION follows the profile code)', () => {
    const hash = createHash('sha1');
    for (const { file, text } of profileCode()) hash.update(`${file}\0${text.replace(/\r\n/g, '\n')}\0`);
    const now = { version: PROFILE_CACHE_VERSION, hash: hash.digest('hex') };
    assert.deepEqual(now, now.hash === RECORDED.hash ? RECORDED : { ...RECORDED, hash: now.hash, version: RECORDED.version + 1 }, 'The profile code changed: bump PROFILE_CACHE_VERSION in src/core/analysis/profile-cache.ts and record the new version and hash in this test.');
  });

  it('fingerprints every fact the profile code reads', () => {
    // python.ts reads Python imports and exports; context.ts the imports of JS/TS files with port literals (profileFactsOf keeps both).
    const allowed = (file: string) => new Set(['envVars', 'ports', 'models', ...(file === 'detect/python.ts' ? ['imports', 'exports'] : file === 'detect/context.ts' ? ['imports'] : [])]);
    const used: string[] = [];
    for (const { file, text } of profileCode()) {
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const m of code.matchAll(/\bfacts\b(?:\?\.|!\.|\.)?(\w*)/g)) {
        if (!m[1]) assert.fail(`${file} uses a file's facts as a whole ("${m[0]}"): list what it reads in profileFactsOf`);
        if (!allowed(file).has(m[1])) used.push(`${file}: ${m[1]}`);
      }
    }
    assert.deepEqual(used, [], 'facts the profile code reads but profileFactsOf does not fingerprint');
    assert.equal(profileFactsOf({ language: 'python', facts: { imports: ['fastapi'], exports: ['app'], doc: 'x', lines: 3 } }), '{"imports":["fastapi"],"exports":["app"]}');
    assert.equal(profileFactsOf({ language: 'typescript', facts: { imports: ['express'], exports: ['x'], lines: 3 } }), '');
    assert.equal(profileFactsOf({ language: 'typescript', facts: { envVars: ['PORT'], ports: [3000], lines: 3 } }), '{"envVars":["PORT"],"ports":[3000]}');
  });

  it('drops a cache table of an older shape: its files are read again', async () => {
    const dir = tempDir('analysis-upgrade-');
    try {
      const work = path.join(dir.path, 'w');
      mkdirSync(work);
      writeFileSync(path.join(work, 'a.ts'), 'export const a = process.env.A;\n');
      const root = realpathSync(work);
      const st = statSync(path.join(root, 'a.ts'));
      // A history of schema 2 as an older Deploy Agent left it (the history tables of schema 1, the cache table of the older shape).
      openHistoryStore(path.join(dir.path, 'old.db'), { migrations: migrations.slice(0, 1) }).close();
      const db = new Database(path.join(dir.path, 'old.db'));
      db.exec('CREATE TABLE analysis_files (root TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ms REAL NOT NULL, kind TEXT NOT NULL, language TEXT, skip_reason TEXT, facts TEXT, PRIMARY KEY (root, path)) WITHOUT ROWID');
      db.prepare('INSERT INTO analysis_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(root, 'a.ts', st.size, st.mtimeMs, 'source', 'typescript', null, '{"envVars":["STALE"]}');
      db.pragma('user_version = 2');
      db.close();
      const store = openHistoryStore(path.join(dir.path, 'old.db'));
      const first = await analyzeWorkspace(root, { store });
      assert.equal(first.structure.readCount, 1);
      assert.deepEqual(first.envVars, ['A']);
      assert.equal((await analyzeWorkspace(root, { store })).structure.readCount, 0);
      store.close();
    } finally {
      dir.cleanup();
    }
  });
});

describe('analysis: git index listing', () => {
  const stat = (mtime: string, size: number, flags: string) => `  ctime: 1:2\n  mtime: ${mtime}\n  dev: 3\tino: 4\n  uid: 0\tgid: 0\n  size: ${size}\tflags: ${flags}\n`;
  const oid = 'a'.repeat(40);

  it('keeps the index stat of regular files only, and lists untracked and conflicted paths once', () => {
    const out = [
      '? odd name\twith tab\0',
      '? H 100644 x 0\tlooks tracked\0',
      `H 100644 ${oid} 0\tsrc/a.ts\0${stat('1700000000:123456789', 42, '0')}`,
      `H 100755 ${oid} 0\tbin/run\0${stat('1700000001:5', 7, '100000')}`,
      `H 120000 ${oid} 0\tlink\0${stat('1700000000:0', 9, '0')}`,
      `H 160000 ${oid} 0\tsub\0${stat('0:0', 0, '0')}`,
      `h 100644 ${oid} 0\tassumed\0${stat('1700000000:0', 1, '8000')}`,
      `S 100644 ${oid} 0\tsparse\0${stat('1700000000:0', 1, '40004000')}`,
      `M 100644 ${oid} 1\tconflict\0${stat('0:0', 0, '1000')}`,
      `M 100644 ${oid} 2\tconflict\0${stat('0:0', 0, '2000')}`,
      `H 100644 ${oid} 0\tpath with\nnewline\0${stat('1700000000:0', 3, '0')}`,
    ].join('');
    const { paths, indexStat } = parseIndexListing(out);
    assert.deepEqual(paths, ['odd name\twith tab', 'H 100644 x 0\tlooks tracked', 'src/a.ts', 'bin/run', 'link', 'sub', 'assumed', 'sparse', 'conflict', 'path with\nnewline']);
    assert.deepEqual([...indexStat.keys()], ['src/a.ts', 'bin/run', 'path with\nnewline']);
    assert.deepEqual(indexStat.get('src/a.ts'), { size: 42, mtimeMs: 1700000000 * 1000 + 123456789 / 1e6 });
  });
});
