import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { importHistoryBuilds, importHistoryFile } from '../../../src/core/strategy/history-import';
import { buildTrainingSet } from '../../../src/core/strategy/training-data';
import type { HistoryBuild } from '../../../src/core/strategy/travistorrent';
import { useTempStore } from '../../support/temp-store';

const build = (project: string, id: string, minute: number, failed: boolean): HistoryBuild => ({
  project,
  externalId: id,
  startedAt: Date.UTC(2015, 0, 1, 0, minute),
  failed,
  filesChanged: 2,
  linesChanged: 30,
  numeric: { gh_sloc: 10000, gh_test_cases_per_kloc: 3 },
});

describe('history import into the store', () => {
  const temp = useTempStore();

  it('counts per project; importing again skips every build; the same id in another project or source is another build', () => {
    const builds = [build('a', '1', 0, false), build('a', '2', 1, true), build('b', '1', 2, false)];
    assert.deepEqual(importHistoryBuilds(temp.store.db, builds, 'travistorrent'), [
      { project: 'a', imported: 2, skipped: 0 },
      { project: 'b', imported: 1, skipped: 0 },
    ]);
    assert.deepEqual(importHistoryBuilds(temp.store.db, [...builds, build('a', '3', 3, false)], 'travistorrent'), [
      { project: 'a', imported: 1, skipped: 2 },
      { project: 'b', imported: 0, skipped: 1 },
    ]);
    assert.deepEqual(importHistoryBuilds(temp.store.db, [build('a', '1', 0, true)], 'github'), [{ project: 'a', imported: 1, skipped: 0 }]);
    assert.equal((temp.store.db.prepare('SELECT count(*) AS n FROM history_builds').get() as { n: number }).n, 5);
  });

  it('imported builds become training rows: unknown environment and strategy, test count from the test density', () => {
    importHistoryBuilds(temp.store.db, [build('a', '1', 0, false), build('a', '2', 1, true), build('a', '3', 2, false)], 'travistorrent');
    const set = buildTrainingSet(temp.store.db);
    assert.equal(set.historyRows, 3);
    assert.deepEqual(set.y, [0, 1, 0]);
    const col = (name: string) => set.x.map((row) => row[set.featureNames.indexOf(name)]);
    assert.deepEqual(col('environment'), [-1, -1, -1]);
    assert.deepEqual(col('strategy'), [-1, -1, -1]);
    assert.deepEqual(col('testCount'), [30, 30, 30]);
    assert.deepEqual(col('linesChanged'), [30, 30, 30]);
    // History features in time order: the third build sees the second one's failure, the first sees nothing.
    assert.deepEqual(col('prevFailed'), [0.5, 0, 1]);
  });

  it('training rows are capped, shared among projects, most recent builds of each kept', () => {
    importHistoryBuilds(temp.store.db, Array.from({ length: 30 }, (_, i) => build('a', String(i), i, i % 4 === 0)), 'travistorrent');
    importHistoryBuilds(temp.store.db, Array.from({ length: 30 }, (_, i) => build('b', String(i), 100 + i, i % 5 === 0)), 'travistorrent');
    const set = buildTrainingSet(temp.store.db, { maxRows: 20 });
    assert.equal(set.x.length, 20);
    const priorCount = set.x.map((row) => row[set.featureNames.indexOf('priorCount')]);
    // 10 per project, each the last ten of its 30 builds (priorCount 20..29, or the 20-build window cap).
    assert.ok(priorCount.every((n) => n! >= 20), JSON.stringify(priorCount));
  });

  it('errors: unknown format, missing file, a CSV without an outcome column, a project with no builds', () => {
    assert.throws(() => importHistoryFile(temp.store.db, 'x.csv', { format: 'jenkins' }), { code: 'HISTORY_FORMAT_UNKNOWN' });
    assert.throws(() => importHistoryFile(temp.store.db, path.join(temp.dir, 'missing.csv'), { format: 'travistorrent' }), { code: 'HISTORY_FILE_UNREADABLE' });
    const wrong = path.join(temp.dir, 'wrong.csv');
    writeFileSync(wrong, 'name,value\na,1\n');
    assert.throws(() => importHistoryFile(temp.store.db, wrong, { format: 'travistorrent' }), { code: 'HISTORY_FORMAT' });
    const full = path.join(temp.dir, 'full.csv');
    writeFileSync(full, 'tr_build_id,gh_project_name,tr_status,gh_build_started_at\n1,x/y,passed,2015-01-01T00:00:00Z\n');
    assert.throws(() => importHistoryFile(temp.store.db, full, { format: 'travistorrent', project: 'other/z' }), { code: 'HISTORY_EMPTY' });
  });
});
