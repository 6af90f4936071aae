import assert from 'node:assert/strict';
import path from 'node:path';
import { useHarnesses, parseJson } from './harness';

describe('deploy-agent deploy: the workspace errors name the real cause (built CLI)', function () {
  this.timeout(120_000);
  const harnesses = useHarnesses();

  it('a bare repository, a folder that does not exist, a file, and the .git folder are each named for what they are', async () => {
    const h = await harnesses.create('node');
    const cases: [string, string, RegExp][] = [
      [h.repo.origin, 'BARE_REPOSITORY', /is a bare git repository: it has no working tree to deploy into/],
      [path.join(h.root, 'no-such-folder'), 'WORKSPACE_NOT_FOUND', /The workspace folder .*no-such-folder does not exist/],
      [path.join(h.repo.dir, 'package.json'), 'WORKSPACE_NOT_A_FOLDER', /package\.json is a file; the workspace must be the repository's folder/],
      [path.join(h.repo.dir, '.git'), 'INSIDE_GIT_FOLDER', /is inside a repository's \.git folder, not its working tree/],
    ];
    for (const [workspace, code, message] of cases) {
      const result = await h.cli(['deploy', h.recommendation, '--workspace', workspace, '--json']);
      assert.equal(result.code, 1, result.stderr);
      const error = parseJson(result).error as { code: string; message: string; hint: string };
      assert.equal(error.code, code, `${workspace}: ${error.message}`);
      assert.match(error.message, message);
      assert.ok(error.hint.length > 10);
      assert.doesNotMatch(result.stderr, /not inside a git repository|configuration file/);
    }
    assert.equal(h.ollama.chats.length, 0);
  });
});
