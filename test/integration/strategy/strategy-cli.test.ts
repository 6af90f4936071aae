import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { decideForDeployment } from '../../../src/core/strategy';
import { runBuiltCli } from '../../support/cli';
import { tempDir } from '../../support/temp';

describe('deploy-agent strategy (built CLI)', function () {
  this.timeout(30000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  const repoOn = (branch: string) => {
    const repo = path.join(dir.path, 'repo');
    execFileSync('git', ['init', '-q', '-b', branch, repo]);
    return repo;
  };
  // A clean environment: no CI variables, so the branch decides.
  const env = { CI: '', GITHUB_ACTIONS: '', DEPLOYMENT_ENVIRONMENT: '' };

  it('a developer machine on main: development, the branch shown as evidence not applied; in CI the branch counts', async () => {
    const result = await runBuiltCli(['strategy', '--workspace', repoOn('main'), '--json', '--db', path.join(dir.path, 'h.db')], { env });
    assert.equal(result.code, 0, result.stderr);
    const d = JSON.parse(result.stdout);
    assert.equal(d.environment.environment, 'development');
    const branch = d.environment.evidence.find((e: { source: string }) => e.source === 'branch');
    assert.deepEqual([branch.value, branch.suggests, branch.applied], ['branch main', 'production', false]);
    assert.ok(d.environment.evidence.some((e: { source: string }) => e.source === 'machine'));
    assert.ok(d.environment.confidence >= 0.75);
    const text = await runBuiltCli(['strategy', '--workspace', repoOn('main'), '--db', path.join(dir.path, 'h.db')], { env });
    assert.match(text.stdout, /evidence: branch main → production \(not applied: branch patterns apply in CI only/);

    const inCi = JSON.parse((await runBuiltCli(['strategy', '--workspace', repoOn('main'), '--json', '--db', path.join(dir.path, 'h.db')], { env: { ...env, GITHUB_ACTIONS: 'true' } })).stdout);
    const counted = inCi.environment.evidence.find((e: { source: string }) => e.source === 'branch');
    assert.notEqual(counted.applied, false);
    assert.ok(!inCi.environment.evidence.some((e: { source: string }) => e.source === 'machine'));
  });

  it('on a feature branch: cold-start rules → balanced; DEPLOYMENT_ENVIRONMENT wins over the branch', async () => {
    const repo = repoOn('feature/login');
    const dev = JSON.parse((await runBuiltCli(['strategy', '--workspace', repo, '--json', '--db', path.join(dir.path, 'h.db')], { env })).stdout);
    assert.equal(dev.environment.environment, 'development');
    // The machine's load is an input of the decision (a busy machine is overridden to conservative):
    // the CLI must say what it read, and decide what core decides for that reading.
    const store = openHistoryStore(path.join(dir.path, 'h.db'));
    try {
      const decide = (metrics: typeof dev.metrics) => decideForDeployment(store, { repoPath: repo, requested: 'auto', environment: dev.environment, metrics, successBar: dev.successBar });
      assert.equal(typeof dev.metrics?.cpuLoadPercent, 'number', 'the JSON carries the machine reading the decision used');
      const same = decide(dev.metrics);
      assert.deepEqual([dev.strategy, dev.basis], [same.strategy, same.basis]);
      // On a quiet machine, with no history: the cold-start rules pick balanced for development.
      const quiet = decide({ cpuLoadPercent: 12, memoryUsedPercent: 40, memoryAvailableBytes: 8 * 2 ** 30, diskFreeBytes: 50 * 2 ** 30, loadAverage1: 0.3 });
      assert.deepEqual([quiet.strategy, quiet.basis], ['balanced', 'cold-start-rules'], quiet.reasons.join('\n'));
    } finally {
      store.close();
    }
    const staged = JSON.parse((await runBuiltCli(['strategy', '--workspace', repo, '--json', '--db', path.join(dir.path, 'h.db')], { env: { ...env, DEPLOYMENT_ENVIRONMENT: 'production' } })).stdout);
    assert.equal(staged.environment.environment, 'production');
    assert.equal(staged.strategy, 'conservative');
  });
});
