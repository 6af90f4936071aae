import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
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
    assert.equal(dev.strategy, 'balanced');
    assert.equal(dev.basis, 'cold-start-rules');
    const staged = JSON.parse((await runBuiltCli(['strategy', '--workspace', repo, '--json', '--db', path.join(dir.path, 'h.db')], { env: { ...env, DEPLOYMENT_ENVIRONMENT: 'production' } })).stdout);
    assert.equal(staged.environment.environment, 'production');
    assert.equal(staged.strategy, 'conservative');
  });
});
