import assert from 'node:assert/strict';
import { useHarnesses, parseJson, scriptPlantedFailure, userState } from './harness';
import { git } from './repos';

describe('deploy-agent rollback (built CLI, real git repository)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();

  it('reverts a committed deployment on a new branch, records it, and refuses a second time', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const deployed = parseJson(await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--strategy', 'balanced', '--json']));
    assert.equal(deployed.status, 'succeeded');
    const commit = String(deployed.commit);
    const before = userState(h.repo.dir);

    const result = await h.cli(['rollback', String(deployed.id), '--json']);
    assert.equal(result.code, 0, result.stderr);
    const out = parseJson(result);
    assert.match(String(out.branch), /^deploy-agent\/revert-add-multiplication-/);
    assert.equal(out.revertedCommit, commit);
    // The revert's tree is the tree before the deployment's commit, and its parent is that commit.
    assert.equal(git(h.repo.dir, 'rev-parse', `${String(out.revertCommit)}^{tree}`), git(h.repo.dir, 'rev-parse', `${commit}^^{tree}`));
    assert.equal(git(h.repo.dir, 'rev-parse', `${String(out.revertCommit)}^`), commit);
    assert.equal(userState(h.repo.dir).digest, before.digest, 'the user working tree is untouched');

    const listed = parseJson(await h.cli(['list', '--json']));
    assert.match(JSON.stringify(listed), /rolled_back/);
    const again = await h.cli(['rollback', String(deployed.id), '--json']);
    assert.equal(again.code, 1);
    assert.equal((parseJson(again).error as { code: string }).code, 'ALREADY_ROLLED_BACK');
  });

  it('refuses a deployment that never committed, and an unknown id', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const dry = parseJson(await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json']));
    const refused = await h.cli(['rollback', String(dry.id), '--json']);
    assert.equal(refused.code, 1);
    assert.equal((parseJson(refused).error as { code: string }).code, 'NOT_SHIPPED');
    const unknown = await h.cli(['rollback', 'nope', '--json']);
    assert.equal((parseJson(unknown).error as { code: string }).code, 'DEPLOYMENT_NOT_FOUND');
  });
});
