import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { decideForDeployment } from '../../../src/core/strategy';
import { CLI_PATH, runBuiltCli } from '../../support/cli';
import { FakeGithub } from '../../support/fake-github';
import { tempDir } from '../../support/temp';

/** The DL-CIBuild layout (../shared/data/ci-builds): one row per build, label build_Failed. */
function dlCiBuildCsv(rows: number): string {
  const header = 'build_Failed,gh_is_pr,git_prev_commit_resolution_status,gh_team_size,git_diff_src_churn,git_diff_test_churn,gh_diff_files_added,gh_diff_files_deleted,gh_diff_files_modified,gh_diff_tests_added,gh_diff_tests_deleted,gh_sloc,gh_test_cases_per_kloc,tr_build_id,gh_build_started_at';
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const failed = i % 4 === 1 || i % 7 === 0 ? 1 : 0;
    // rails.csv style times ("YYYY-MM-DD H:MM") for some rows: parsed, not string-sorted.
    const time = i % 2 ? `2014-03-0${1 + Math.floor(i / 10)} ${i % 10}:05` : `2014-03-0${1 + Math.floor(i / 10)}T0${i % 10}:00:00`;
    lines.push(`${failed},${i % 3 === 0 ? 1 : 0},0,5,${10 + i},${i % 5},1,0,${i % 4},0,0,20000,2.5,${1000 + i},${time}`);
  }
  return lines.join('\n') + '\n';
}

/** The full TravisTorrent layout: one row per JOB, several projects, tr_status. */
const FULL_CSV = [
  'tr_build_id,tr_job_id,gh_project_name,git_branch,gh_is_pr,tr_status,tr_duration,gh_build_started_at,git_diff_src_churn,gh_diff_files_modified',
  '11,111,acme/web,master,false,passed,120,2015-05-01T10:00:00Z,5,1',
  '11,112,acme/web,master,false,passed,120,2015-05-01T10:00:00Z,5,1',
  '12,121,acme/web,feature,true,failed,300,2015-05-01T11:00:00Z,50,4',
  '13,131,acme/web,master,false,canceled,10,2015-05-01T12:00:00Z,1,1',
  '21,211,acme/api,master,false,errored,90,2015-05-02T09:00:00Z,7,2',
  '22,221,acme/api,master,false,passed,95,2015-05-02T10:00:00Z,3,1',
].join('\n');

describe('deploy-agent history import (built CLI)', function () {
  this.timeout(60000);
  let dir: ReturnType<typeof tempDir>;
  let db: string;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runBuiltCli([...args, '--db', db], { env, timeoutMs: 50000 });

  before(() => {
    if (!existsSync(CLI_PATH)) throw new Error('dist/cli/cli.mjs is missing: run `npm run build` first');
  });
  beforeEach(() => {
    dir = tempDir();
    db = path.join(dir.path, 'history.db');
  });
  afterEach(() => dir.cleanup());

  it('DL-CIBuild layout: imports, trains the model in the worker; importing again skips everything; strategy then shows the model', async () => {
    const file = path.join(dir.path, 'cloudish.csv');
    writeFileSync(file, dlCiBuildCsv(40));
    const first = await cli(['history', 'import', file, '--format', 'travistorrent', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const out = JSON.parse(first.stdout);
    assert.deepEqual(out.projects, [{ project: 'cloudish', imported: 40, skipped: 0 }]);
    assert.equal(out.model.retrained, true);
    assert.equal(out.model.version, 1);
    assert.equal(out.model.runner, 'worker', 'the built CLI trains in dist/cli/retrain-worker.mjs');
    assert.equal(out.model.trainingSize, 40);
    assert.equal(out.model.evaluation.method, 'temporal-holdout');

    const again = await cli(['history', 'import', file, '--format', 'travistorrent', '--json']);
    const twice = JSON.parse(again.stdout);
    assert.deepEqual(twice.projects, [{ project: 'cloudish', imported: 0, skipped: 40 }]);
    assert.equal(twice.model, null, 'nothing new: no retraining');

    const text = await cli(['history', 'import', file, '--format', 'travistorrent', '--project', 'renamed']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /renamed: 40 imported, 0 already there/);
    assert.match(text.stdout, /Outcome model v2 trained on 80 rows \(worker/);

    const repo = path.join(dir.path, 'repo');
    execFileSync('git', ['init', '-q', '-b', 'feature/x', repo]);
    const shown = await cli(['strategy', '--workspace', repo, '--json'], { CI: '', GITHUB_ACTIONS: '', DEPLOYMENT_ENVIRONMENT: '' });
    assert.equal(shown.code, 0, shown.stderr);
    const decision = JSON.parse(shown.stdout);
    assert.equal(decision.samples, 80);
    assert.equal(decision.model.version, 2);
    assert.equal(decision.successBar, 0.7);
    // The model's view is part of the decision whether or not a safety override wins (the CLI reads the real machine).
    assert.equal(decision.modelVersion, 2);
    assert.deepEqual(Object.keys(decision.probabilities).sort(), ['aggressive', 'balanced', 'conservative']);
    for (const p of Object.values(decision.probabilities) as number[]) assert.ok(p >= 0 && p <= 1);
    // The CLI read the real machine, whose load this test cannot choose: it must decide exactly
    // what core decides for the reading it reports (strategy, basis, the model's probabilities),
    // on a quiet machine and a busy one alike. The model's own decision is checked below with the
    // load pinned, so no branch here depends on how busy the machine is.
    assert.equal(typeof decision.metrics?.cpuLoadPercent, 'number', 'the JSON carries the machine reading the decision used');
    const sameReading = (() => {
      const store = openHistoryStore(db);
      try {
        return decideForDeployment(store, { repoPath: repo, requested: 'auto', environment: decision.environment, metrics: decision.metrics, successBar: decision.successBar });
      } finally {
        store.close();
      }
    })();
    assert.deepEqual(
      { strategy: decision.strategy, basis: decision.basis, modelVersion: decision.modelVersion, probabilities: decision.probabilities },
      { strategy: sameReading.strategy, basis: sameReading.basis, modelVersion: sameReading.modelVersion, probabilities: sameReading.probabilities },
    );
    const human = await cli(['strategy', '--workspace', repo], { CI: '', GITHUB_ACTIONS: '', DEPLOYMENT_ENVIRONMENT: '', DEPLOY_AGENT_SUCCESS_BAR: '0.5' });
    assert.match(human.stdout, /Outcome model: v2, trained on 80 rows \(temporal holdout of 16 rows: F1 failed/);
    assert.match(human.stdout, /P\(success\): aggressive \d\.\d\d, balanced \d\.\d\d, conservative \d\.\d\d \(bar 0\.5\)/);

    // The same history with the machine's load pinned to a quiet reading (the load is an input of
    // the decision): the model decides, whatever the machine running this test is doing.
    const store = openHistoryStore(db);
    try {
      const environment = { environment: 'development' as const, confidence: 1, evidence: [], inContainer: false, inCi: false };
      const quiet = { cpuLoadPercent: 12, memoryUsedPercent: 40, memoryAvailableBytes: 8 * 2 ** 30, diskFreeBytes: 50 * 2 ** 30, loadAverage1: 0.3 };
      for (const successBar of [0.7, 0.5, 0]) {
        const pinned = decideForDeployment(store, { repoPath: repo, requested: 'auto', environment, metrics: quiet, successBar });
        assert.equal(pinned.basis, 'model', pinned.reasons.join('\n'));
        assert.equal(pinned.modelVersion, 2);
        assert.deepEqual(Object.keys(pinned.probabilities).sort(), ['aggressive', 'balanced', 'conservative']);
        // The cheapest strategy whose P(success) clears the bar; conservative when none does.
        const p = pinned.probabilities as Record<'aggressive' | 'balanced' | 'conservative', number>;
        const cheapest = (['aggressive', 'balanced', 'conservative'] as const).find((name) => p[name] >= successBar) ?? 'conservative';
        assert.equal(pinned.strategy, cheapest, `bar ${successBar}: ${JSON.stringify(p)}`);
      }
      // …and a busy reading overrules it, saying so.
      const busy = decideForDeployment(store, { repoPath: repo, requested: 'auto', environment, metrics: { ...quiet, cpuLoadPercent: 97 }, successBar: 0.7 });
      assert.equal(busy.basis, 'override');
      assert.equal(busy.strategy, 'conservative');
      assert.equal(busy.modelVersion, 2);
    } finally {
      store.close();
    }
  });

  it('full TravisTorrent layout: one build per build id (not per job), canceled skipped, counts per project; --project filters', async () => {
    const file = path.join(dir.path, 'travistorrent.csv');
    writeFileSync(file, FULL_CSV);
    const only = JSON.parse((await cli(['history', 'import', file, '--format', 'travistorrent', '--project', 'acme/api', '--no-train', '--json'])).stdout);
    assert.deepEqual(only.projects, [{ project: 'acme/api', imported: 2, skipped: 0 }]);
    assert.equal(only.model, null);
    const all = await cli(['history', 'import', file, '--format', 'travistorrent', '--json']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(JSON.parse(all.stdout).projects, [
      { project: 'acme/api', imported: 0, skipped: 2 },
      { project: 'acme/web', imported: 2, skipped: 0 },
    ]);
  });

  it('clear errors: unknown format, missing file, wrong layout, no format, nothing to import', async () => {
    const wrong = path.join(dir.path, 'wrong.csv');
    writeFileSync(wrong, 'a,b\n1,2\n');
    const cases: [string[], RegExp][] = [
      [['history', 'import', wrong, '--format', 'jenkins'], /HISTORY_FORMAT_UNKNOWN.*\n.*--format travistorrent/],
      [['history', 'import', path.join(dir.path, 'nope.csv'), '--format', 'travistorrent'], /HISTORY_FILE_UNREADABLE/],
      [['history', 'import', wrong, '--format', 'travistorrent'], /HISTORY_FORMAT\].*no outcome column/],
      [['history', 'import', wrong], /USAGE.*format.*\n.*--format travistorrent/],
      [['history', 'import'], /USAGE.*Nothing to import/],
      [['history', 'import', '--github', 'not-a-repo'], /USAGE.*OWNER\/REPO/],
    ];
    for (const [args, pattern] of cases) {
      const result = await cli(args);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.match(result.stderr, pattern, args.join(' '));
    }
    const json = await cli(['history', 'import', wrong, '--format', 'jenkins', '--json']);
    assert.equal(JSON.parse(json.stdout).error.code, 'HISTORY_FORMAT_UNKNOWN');
  });

  it('--github OWNER/REPO reads GitHub Actions runs (fake GitHub), idempotently', async () => {
    const github = new FakeGithub();
    try {
      const env = { GITHUB_TOKEN: github.token, GITHUB_API_URL: await github.listen() };
      for (let i = 0; i < 12; i++) {
        const at = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
        const commit = github.addCommit('octo/app', 'main', { message: `c${i}`, date: at, files: [{ filename: `src/f${i}.ts`, additions: i + 1, deletions: 0 }] });
        github.addWorkflowRun('octo/app', { headSha: commit.sha, conclusion: i % 3 === 0 ? 'failure' : 'success', createdAt: at, runStartedAt: at });
      }
      const first = await cli(['history', 'import', '--github', 'octo/app', '--json'], env);
      assert.equal(first.code, 0, first.stderr);
      const out = JSON.parse(first.stdout);
      assert.equal(out.source, 'github');
      assert.deepEqual(out.projects, [{ project: 'octo/app', imported: 12, skipped: 0 }]);
      assert.equal(out.model.trainingSize, 12);
      const again = JSON.parse((await cli(['history', 'import', '--github', 'octo/app', '--json'], env)).stdout);
      assert.deepEqual(again.projects, [{ project: 'octo/app', imported: 0, skipped: 12 }]);
    } finally {
      await github.close();
    }
  });
});
