import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultEvaluationData } from '../../../src/cli/commands/model';
import { mulberry32 } from '../../../src/core/strategy/forest';
import { runBuiltCli } from '../../support/cli';
import { tempDir } from '../../support/temp';

/** A DL-CIBuild-layout CSV of streaky builds (a failure tends to follow a failure). */
function writeProject(file: string, rows: number, seed: number): void {
  const random = mulberry32(seed);
  const lines = ['build_Failed,gh_is_pr,git_diff_src_churn,git_diff_test_churn,gh_sloc,tr_build_id,gh_build_started_at'];
  let failed = false;
  for (let i = 0; i < rows; i++) {
    const churn = Math.floor(random() * 300);
    failed = random() < (failed ? 0.7 : 0.08 + churn / 3000);
    const t = new Date(Date.UTC(2014, 0, 1) + i * 5_400_000);
    // The rails layout: "YYYY-MM-DD H:MM".
    const when = `${t.toISOString().slice(0, 10)} ${t.getUTCHours()}:${String(t.getUTCMinutes()).padStart(2, '0')}`;
    lines.push(`${failed ? 1 : 0},${random() < 0.2 ? 1 : 0},${churn},${Math.floor(random() * 50)},${20000 + i},${1000 + i},${when}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

describe('deploy-agent model evaluate (built CLI)', function () {
  this.timeout(60000);
  let dir: ReturnType<typeof tempDir>;
  let data: string;
  beforeEach(() => {
    dir = tempDir();
    data = path.join(dir.path, 'ci-builds');
    mkdirSync(data);
    writeProject(path.join(data, 'alpha.csv'), 160, 1);
    writeProject(path.join(data, 'beta.csv'), 120, 2);
  });
  afterEach(() => dir.cleanup());

  it('--json: every project with the model and baseline figures, and a summary', async () => {
    const result = await runBuiltCli(['model', 'evaluate', '--data', data, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.equal(out.testFraction, 0.3);
    assert.deepEqual(out.projects.map((p: { project: string }) => p.project), ['alpha', 'beta']);
    const alpha = out.projects[0];
    assert.deepEqual([alpha.rows, alpha.train, alpha.test], [160, 112, 48]);
    for (const key of ['precisionFailed', 'recallFailed', 'f1Failed', 'auc']) {
      assert.equal(typeof alpha[key], 'number', key);
      assert.equal(typeof alpha.baseline[key], 'number', `baseline ${key}`);
    }
    assert.equal(alpha.beatsBaseline, alpha.f1Failed > alpha.baseline.f1Failed);
    assert.equal(out.summary.projects, 2);
    assert.equal(out.summary.beatsBaseline, out.projects.filter((p: { beatsBaseline: boolean }) => p.beatsBaseline).length);
  });

  it('--project and --test-fraction; the human table names the columns and the baseline', async () => {
    const json = JSON.parse((await runBuiltCli(['model', 'evaluate', '--data', data, '--project', 'beta', '--test-fraction', '0.25', '--json'])).stdout);
    assert.deepEqual(json.projects.map((p: { project: string; test: number }) => [p.project, p.test]), [['beta', 30]]);
    const human = await runBuiltCli(['model', 'evaluate', '--data', path.join(data, 'alpha.csv')]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /project\s+rows\s+test\s+F1 model\s+F1 baseline\s+AUC model\s+AUC baseline/);
    assert.match(human.stdout, /^alpha\s+160\s+48\s/m);
    assert.match(human.stdout, /ends like the previous one/);
    assert.match(human.stdout, /beats the baseline in [01] of 1 projects/);
  });

  it('errors say what to do: missing data, unknown project, a bad test fraction', async () => {
    const missing = await runBuiltCli(['model', 'evaluate', '--data', path.join(dir.path, 'nope'), '--json']);
    assert.equal(missing.code, 1);
    assert.equal(JSON.parse(missing.stdout).error.code, 'EVALUATION_DATA_MISSING');
    const unknown = await runBuiltCli(['model', 'evaluate', '--data', data, '--project', 'gamma']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /EVALUATION_PROJECT_UNKNOWN[\s\S]*alpha, beta/);
    const fraction = await runBuiltCli(['model', 'evaluate', '--data', data, '--test-fraction', '1.5']);
    assert.equal(fraction.code, 1);
    assert.match(fraction.stderr, /USAGE[\s\S]*0\.3/);
  });

  it('default data: the ci-builds folder beside the repository, only when present', () => {
    const repo = path.join(dir.path, 'checkout', 'repo');
    const script = path.join(repo, 'dist', 'cli', 'cli.mjs');
    mkdirSync(path.dirname(script), { recursive: true });
    assert.equal(defaultEvaluationData(repo, script), undefined);
    const beside = path.join(dir.path, 'checkout', 'shared', 'data', 'ci-builds', 'dl-cibuild');
    mkdirSync(beside, { recursive: true });
    assert.equal(defaultEvaluationData(path.join(dir.path), script), beside);
  });
});
