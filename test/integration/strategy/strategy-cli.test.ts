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

  it('on main: production, safety override → conservative, with the evidence', async () => {
    const result = await runBuiltCli(['strategy', '--workspace', repoOn('main'), '--json', '--db', path.join(dir.path, 'h.db')], { env });
    assert.equal(result.code, 0, result.stderr);
    const d = JSON.parse(result.stdout);
    assert.equal(d.environment.environment, 'production');
    assert.ok(d.environment.evidence.some((e: { value: string }) => e.value === 'branch main'));
    assert.equal(d.strategy, 'conservative');
    assert.equal(d.basis, 'override');
    assert.equal(d.levers.draftPr, true);
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
