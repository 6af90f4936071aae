import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseJson, scriptPlantedFailure, useHarnesses } from './harness';
import { git } from './repos';

const errorCode = (out: Record<string, unknown>) => (out.error as { code?: string } | null)?.code;

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `resume` continues a deployment past its safety step, where the lock was taken by the process
 * that died. The resumed process must take the repository's lock again: otherwise a second
 * deployment could start on the same repository while the resumed one works on it.
 */
describe('deploy-agent resume takes the repository lock again (built CLI)', function () {
  this.timeout(300_000);
  const harnesses = useHarnesses();

  it('while a resumed deployment runs, a second deployment is refused with REPOSITORY_BUSY naming it; after it ends the lock is free', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const killed = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--json'], { DEPLOY_AGENT_TEST_KILL_AT_STEP: 'implement' });
    assert.equal(killed.code, null, `the first process should have been killed at implement; exit ${killed.code}\n${killed.stderr}`);
    const list = parseJson(await h.cli(['list', '--json'])) as { deployments: { id: string; status: string }[] };
    const id = list.deployments[0]!.id;
    assert.equal(list.deployments[0]!.status, 'interrupted');

    // The resumed process waits for the model in "implement", well past its safety step.
    h.ollama.fail({ kind: 'delay', ms: 15_000 }, 'implement');
    const chatsBefore = h.ollama.chats.length;
    const resumed = h.cli(['resume', id, '--json']);
    await until('the resumed deployment to ask the model', () => h.ollama.chats.length > chatsBefore);

    const second = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--no-wait', '--json']);
    const secondOut = parseJson(second);
    assert.equal(second.code, 1, second.stderr);
    assert.equal(errorCode(secondOut), 'REPOSITORY_BUSY');
    assert.match(String((secondOut.error as { message: string }).message), new RegExp(`Another deployment \\(${id},`));

    const done = await resumed;
    const out = parseJson(done);
    assert.equal(done.code, 0, done.stderr);
    assert.equal(out.status, 'succeeded');
    assert.equal(out.resumedFrom, 'implement');
    assert.equal(existsSync(path.join(git(h.repo.dir, 'rev-parse', '--absolute-git-dir'), 'deploy-agent.lock')), false, 'the resumed deployment released the lock');
  });
});
