import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseBuildTime, readTravisTorrentCsv } from '../../../src/core/strategy/travistorrent';
import { DeployAgentError } from '../../../src/core/errors';
import { tempDir } from '../../support/temp';

describe('TravisTorrent CSV reader', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());
  const write = (name: string, lines: string[]) => {
    const file = path.join(dir.path, name);
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };

  it('parseBuildTime: ISO, rails-style "YYYY-MM-DD H:MM", " UTC" suffix and zone offsets; NaN when unreadable', () => {
    assert.equal(parseBuildTime('2012-06-01T04:07:59'), Date.UTC(2012, 5, 1, 4, 7, 59));
    assert.equal(parseBuildTime('2011-08-29 0:13'), Date.UTC(2011, 7, 29, 0, 13));
    assert.equal(parseBuildTime('2011-08-29 10:13'), Date.UTC(2011, 7, 29, 10, 13));
    assert.equal(parseBuildTime('2013-02-03 21:05:09 UTC'), Date.UTC(2013, 1, 3, 21, 5, 9));
    assert.equal(parseBuildTime('2013-02-03T21:05:09+02:00'), Date.UTC(2013, 1, 3, 19, 5, 9));
    assert.equal(parseBuildTime('2013-02-03T21:05:09Z'), Date.UTC(2013, 1, 3, 21, 5, 9));
    assert.ok(Number.isNaN(parseBuildTime('yesterday')));
  });

  it('DL-CIBuild layout (build_Failed): label, numeric features without id/time/label, order by PARSED time (rails dates)', () => {
    const file = write('rails.csv', [
      'build_Failed,gh_is_pr,git_diff_src_churn,git_diff_test_churn,gh_diff_files_added,gh_diff_files_deleted,gh_diff_files_modified,gh_diff_tests_added,gh_diff_tests_deleted,tr_build_id,gh_build_started_at',
      // As strings "2011-08-29 10:05" < "2011-08-29 9:40"; as times 9:40 comes first.
      '1,0,4,0,0,0,1,0,0,106176,2011-08-29 10:05',
      '0,1,18,30,1,0,7,2,1,106060,2011-08-29 9:40',
      '0,0,2,0,0,0,1,0,0,106300,2011-08-30 0:13',
    ]);
    const builds = readTravisTorrentCsv(file);
    assert.deepEqual(builds.map((b) => b.externalId), ['106060', '106176', '106300']);
    assert.deepEqual(builds.map((b) => b.failed), [false, true, false]);
    assert.equal(builds[0]!.project, 'rails');
    assert.equal(builds[0]!.startedAt, Date.UTC(2011, 7, 29, 9, 40));
    assert.equal(builds[0]!.isPr, true);
    assert.equal(builds[0]!.filesChanged, 8);
    assert.equal(builds[0]!.linesChanged, 48);
    assert.equal(builds[0]!.testsChanged, 3);
    assert.equal(builds[0]!.numeric.git_diff_src_churn, 18);
    for (const hidden of ['build_Failed', 'tr_build_id', 'gh_build_started_at']) assert.equal(hidden in builds[0]!.numeric, false, hidden);
  });

  it('full TravisTorrent layout: one row per JOB becomes one build; build_successful; several projects; --project keeps one', () => {
    const header = 'tr_build_id,tr_job_id,gh_project_name,git_branch,gh_is_pr,build_successful,tr_status,tr_duration,git_diff_src_churn,gh_build_started_at';
    const file = write('travistorrent.csv', [
      header,
      '10,101,acme/app,master,false,true,passed,120,5,2014-01-02 10:00:00 UTC',
      '10,102,acme/app,master,false,true,passed,120,5,2014-01-02 10:00:00 UTC',
      '11,111,acme/app,feature,true,false,failed,300,50,2014-01-02 12:00:00 UTC',
      '11,112,acme/app,feature,true,false,failed,300,50,2014-01-02 12:00:00 UTC',
      '11,113,acme/app,feature,true,false,failed,300,50,2014-01-02 12:00:00 UTC',
      '20,201,other/lib,main,false,true,passed,60,1,2014-01-01 08:00:00 UTC',
    ]);
    const builds = readTravisTorrentCsv(file);
    assert.deepEqual(builds.map((b) => `${b.project}#${b.externalId}`), ['acme/app#10', 'acme/app#11', 'other/lib#20']);
    const failing = builds[1]!;
    assert.equal(failing.failed, true);
    assert.equal(failing.branch, 'feature');
    assert.equal(failing.isPr, true);
    assert.equal(failing.durationMs, 300_000);
    for (const hidden of ['tr_status', 'tr_duration', 'tr_job_id', 'build_successful']) assert.equal(hidden in failing.numeric, false, hidden);
    assert.deepEqual(readTravisTorrentCsv(file, { project: 'other/lib' }).map((b) => b.externalId), ['20']);
  });

  it('tr_status only: passed / failed / errored are outcomes, canceled and started builds are skipped', () => {
    const file = write('status.csv', [
      'tr_build_id,gh_project_name,tr_status,gh_build_started_at',
      '1,p,passed,2015-03-01T10:00:00',
      '2,p,errored,2015-03-01T11:00:00',
      '3,p,canceled,2015-03-01T12:00:00',
      '4,p,failed,2015-03-01T13:00:00',
      '5,p,started,2015-03-01T14:00:00',
    ]);
    const builds = readTravisTorrentCsv(file);
    assert.deepEqual(builds.map((b) => [b.externalId, b.failed]), [['1', false], ['2', true], ['4', true]]);
  });

  it('rows without a readable time or outcome are skipped; quoted cells with commas are read', () => {
    const file = write('odd.csv', [
      'build_Failed,gh_description,tr_build_id,gh_build_started_at',
      '1,"fix, then ""test""",1,2015-03-01T10:00:00',
      ',no outcome,2,2015-03-01T11:00:00',
      '0,no time,3,',
    ]);
    const builds = readTravisTorrentCsv(file);
    assert.deepEqual(builds.map((b) => b.externalId), ['1']);
  });

  it('a file without an outcome or time column is refused with what to do', () => {
    const noOutcome = write('a.csv', ['tr_build_id,gh_build_started_at', '1,2015-03-01T10:00:00']);
    assert.throws(() => readTravisTorrentCsv(noOutcome), (e: unknown) => e instanceof DeployAgentError && e.code === 'HISTORY_FORMAT' && /build_Failed/.test(e.message));
    const noTime = write('b.csv', ['build_Failed,tr_build_id', '1,1']);
    assert.throws(() => readTravisTorrentCsv(noTime), (e: unknown) => e instanceof DeployAgentError && e.code === 'HISTORY_FORMAT');
    assert.throws(() => readTravisTorrentCsv(path.join(dir.path, 'missing.csv')), (e: unknown) => e instanceof DeployAgentError && e.code === 'HISTORY_FILE_UNREADABLE');
  });
});
