import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { useHarnesses, parseJson, scriptPlantedFailure, userState, type Harness } from './harness';

describe('deployment hooks (built CLI, real git repository, fake model)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();

  const configure = (harness: Harness, hooks: Record<string, string[]>) => {
    const file = path.join(harness.root, 'hooks.json');
    writeFileSync(file, JSON.stringify(hooks));
    return file;
  };

  it('runs before, after-deploy and after-ship hooks in the worktree with the deployment in their environment; a failing post-hook is reported, not fatal; output is in the report', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const log = path.join(h.root, 'hooks.log');
    const config = configure(h, {
      'hooks.beforeDeploy': ['echo "before $DEPLOY_AGENT_DEPLOYMENT_ID $DEPLOY_AGENT_BRANCH $(basename $PWD)" >> "$HOOK_LOG"'],
      'hooks.afterDeploy': ['echo "after-deploy $DEPLOY_AGENT_STATUS" >> "$HOOK_LOG"; echo smoke test failed; exit 3'],
      'hooks.afterShip': ['echo "after-ship $DEPLOY_AGENT_BRANCH" >> "$HOOK_LOG"'],
    });
    const before = userState(h.repo.dir);

    const result = await h.cli(['--config', config, 'deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--strategy', 'balanced', '--json'], { HOOK_LOG: log });
    const out = parseJson(result);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(out.status, 'succeeded');

    const lines = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.match(lines[0]!, new RegExp(`^before ${String(out.id)} deploy-agent/\\S+ `));
    assert.equal(lines[1], 'after-deploy succeeded');
    assert.equal(lines[2], `after-ship ${String(out.branch)}`);
    assert.match(result.stderr, /post-deployment hook failed/);

    const report = await h.cli(['report', String(out.id)]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /## Hooks/);
    assert.match(report.stdout, /after-deploy `echo "after-deploy.*exit 3/);
    assert.match(report.stdout, /smoke test failed/);
    assert.equal(userState(h.repo.dir).digest, before.digest, 'the user working tree is untouched');
  });

  it('a failing before-deploy hook stops the deployment before any model call', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const config = configure(h, { 'hooks.beforeDeploy': ['echo "backup failed: disk busy" >&2; exit 1'] });
    const result = await h.cli(['--config', config, 'deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--strategy', 'balanced', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 1);
    assert.equal(out.status, 'failed');
    assert.match(JSON.stringify(out), /HOOK_FAILED|backup failed: disk busy/);
    assert.equal(h.ollama.chats.length, 0, 'no model call');
  });
});
