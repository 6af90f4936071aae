import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { EventsRepository } from '../../../src/core/store/steps';
import { useHarnesses, parseJson, scriptPlantedFailure, userState, type Harness } from './harness';

function hookRuns(h: Harness, id: string): { stage: string; command: string; output: string; exitCode: number | null }[] {
  const store = openHistoryStore(h.db);
  try {
    return new EventsRepository(store.db).list(id, 'hook.run').map((e) => e.payload as ReturnType<typeof hookRuns>[number]);
  } finally {
    store.close();
  }
}

describe('deployment hooks (built CLI, real git repository, fake model)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();

  const configure = (harness: Harness, hooks: Record<string, string[]>) => {
    const file = path.join(harness.root, 'hooks.json');
    writeFileSync(file, JSON.stringify(hooks));
    return file;
  };

  it('runs before, after-deploy and after-ship hooks in the worktree with the deployment in their environment, confined; a failing post-hook is reported, not fatal; output is in the report', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const outside = path.join(h.root, 'hooks.log');
    const config = configure(h, {
      'hooks.beforeDeploy': ['echo "before $DEPLOY_AGENT_DEPLOYMENT_ID $DEPLOY_AGENT_BRANCH $(basename $PWD)"'],
      'hooks.afterDeploy': [`echo "after-deploy $DEPLOY_AGENT_STATUS"; echo smoke test failed; exit 3`],
      // Hooks run confined like the tests: the sandbox is writable, nothing else of the user's is.
      'hooks.afterShip': [
        `echo "after-ship $DEPLOY_AGENT_BRANCH"; echo escaped > ${JSON.stringify(outside)}; echo escaped >> ${JSON.stringify(path.join(h.repo.dir, 'README.md'))} || echo "could not write to the repository"`,
      ],
    });
    const before = userState(h.repo.dir);

    const result = await h.cli(['--config', config, 'deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--strategy', 'balanced', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(out.status, 'succeeded');

    const runs = hookRuns(h, String(out.id));
    assert.deepEqual(runs.map((r) => r.stage), ['before-deploy', 'after-deploy', 'after-ship']);
    assert.match(runs[0]!.output, new RegExp(`^before ${String(out.id)} deploy-agent/\\S+ ${String(out.id)}\\n`));
    assert.equal(runs[1]!.output.split('\n')[0], 'after-deploy succeeded');
    assert.equal(runs[1]!.exitCode, 3);
    assert.match(runs[2]!.output, new RegExp(`^after-ship ${String(out.branch)}\\n`));
    assert.match(runs[2]!.output, /README.md: Read-only file system/);
    assert.match(runs[2]!.output, /could not write to the repository/);
    assert.equal(existsSync(outside), false, 'what a hook writes to /tmp stays in its private /tmp');
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
    assert.equal(out.status, 'setup-failed', 'nothing of the deployment ran: a setup failure (issue 11, item 17)');
    assert.match(JSON.stringify(out), /HOOK_FAILED|backup failed: disk busy/);
    assert.equal(h.ollama.chats.length, 0, 'no model call');
  });
});
