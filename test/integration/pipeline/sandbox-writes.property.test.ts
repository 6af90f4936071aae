import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { resolveConfig } from '../../../src/core/config/resolve';
import { createRealPorts } from '../../../src/core/pipeline/real-ports';
import type { SandboxInfo } from '../../../src/core/pipeline/ports';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { FakeOllama } from '../../support/fake-ollama';
import type { ScriptedTurn } from '../../support/fake-model-script';
import { tempDir } from '../../support/temp';
import { createFixtureRepo, git } from './repos';
import { userState } from './harness';

/**
 * Whatever tool calls a model makes, the pipeline's agent phase writes only inside the
 * deployment's worktree: the user's working tree, index and stash, and every folder next to
 * the sandbox, stay as they were.
 */
describe('pipeline sandbox: model tool calls never write outside the worktree (property)', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof tempDir>;
  let store: HistoryStore;
  let ollama: FakeOllama;
  let repoDir: string;
  let outside: string;
  let sandbox: SandboxInfo;

  before(async () => {
    tmp = tempDir('deploy-agent-prop-');
    const repo = createFixtureRepo(tmp.path, 'node');
    repoDir = repo.dir;
    outside = path.join(tmp.path, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'victim.txt'), 'do not touch\n');
    const worktree = path.join(tmp.path, 'sandbox');
    git(repoDir, 'worktree', 'add', '-q', '-b', 'deploy-agent/prop-0000', worktree, 'HEAD');
    // A symlink inside the sandbox that leads out of it, as a hostile repository could contain.
    symlinkSync(outside, path.join(worktree, 'link-out'));
    symlinkSync(repoDir, path.join(worktree, 'link-user'));
    sandbox = { path: worktree, branch: 'deploy-agent/prop-0000', baseSha: git(repoDir, 'rev-parse', 'HEAD') };
    store = openHistoryStore(path.join(tmp.path, 'history.db'));
    ollama = new FakeOllama();
    await ollama.listen();
  });

  after(async () => {
    store?.close();
    await ollama?.close();
    tmp?.cleanup();
  });

  const hostilePath = fc.oneof(
    fc.constantFrom(
      '../outside/victim.txt',
      '../node-repo/README.md',
      'link-out/victim.txt',
      'link-out/new.txt',
      'link-user/README.md',
      'link-user/src/calc.js',
      '.git',
      '.git/config',
      'src/../../outside/x.txt',
      './../x',
      '~/x',
      '/etc/passwd',
      'C:\\Windows\\x',
      '\\\\server\\share\\x',
      'src/\0evil',
      '',
    ),
    fc.constant('/tmp/outside/abs.txt'),
    fc.array(fc.constantFrom('a', 'b', '..', '.', 'src', 'link-out', 'link-user', '.git', '~'), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/')),
    fc.string({ maxLength: 20 }),
  );

  const toolCall = fc.oneof(
    fc.record({ name: fc.constant('write_file'), arguments: fc.record({ path: hostilePath, content: fc.string({ maxLength: 40 }) }) }),
    fc.record({ name: fc.constant('edit_file'), arguments: fc.record({ path: hostilePath, search: fc.constantFrom('add', 'do not touch', '# calc', ''), replace: fc.string({ maxLength: 20 }) }) }),
    fc.record({ name: fc.constant('read_file'), arguments: fc.record({ path: hostilePath }) }),
    fc.record({ name: fc.constant('list_files'), arguments: fc.record({ path: hostilePath }) }),
  );

  it('writes a well-formed path inside the worktree (so the property below is not vacuous)', async () => {
    const ports = createRealPorts({ store, env: { OLLAMA_HOST: ollama.url, DEPLOY_AGENT_AI_PROVIDERS: 'ollama' }, config: (dir) => resolveConfig({ workspaceDir: dir, env: { OLLAMA_HOST: ollama.url, DEPLOY_AGENT_AI_PROVIDERS: 'ollama' } }) });
    ollama.script('implement', { toolCalls: [{ name: 'write_file', arguments: { path: 'src/ok.txt', content: 'inside\n' } }] }, { toolCalls: [{ name: 'finish', arguments: { summary: 'ok' } }] });
    const outcome = await ports.runPhase({
      phase: 'implement',
      deploymentId: 'prop-ok',
      repoRoot: repoDir,
      recommendation: { title: 'x', description: 'y' },
      sandbox,
      context: { environment: 'development', dataGaps: [] },
      signal: new AbortController().signal,
    });
    assert.equal(outcome.ok, true);
    assert.deepEqual(outcome.filesWritten, ['src/ok.txt']);
    assert.equal(readFileSync(path.join(sandbox.path, 'src/ok.txt'), 'utf8'), 'inside\n');
  });

  it('holds for random sequences of hostile tool calls', async () => {
    const ports = createRealPorts({ store, env: { OLLAMA_HOST: ollama.url, DEPLOY_AGENT_AI_PROVIDERS: 'ollama' }, config: (dir) => resolveConfig({ workspaceDir: dir, env: { OLLAMA_HOST: ollama.url, DEPLOY_AGENT_AI_PROVIDERS: 'ollama' } }) });
    const userBefore = userState(repoDir).digest;
    const outsideBefore = readdirSync(outside).sort();
    let runs = 0;
    // This run's turns; a run the loop ends early (repeated errors) leaves nothing behind for the next.
    let queue: ScriptedTurn[] = [];
    ollama.whenEmpty = () => queue.shift() ?? { toolCalls: [{ name: 'finish', arguments: { summary: 'done' } }] };
    await fc.assert(
      fc.asyncProperty(fc.array(toolCall, { minLength: 1, maxLength: 6 }), async (calls) => {
        runs++;
        queue = calls.map((call) => ({ toolCalls: [call] }));
        const outcome = await ports.runPhase({
          phase: 'implement',
          deploymentId: `prop-${runs}`,
          repoRoot: repoDir,
          recommendation: { title: 'x', description: 'y' },
          sandbox,
          context: { environment: 'development', dataGaps: [] },
          signal: new AbortController().signal,
        });
        for (const file of outcome.filesWritten) {
          assert.ok(!file.startsWith('..') && !path.isAbsolute(file), `reported a write outside: ${file}`);
        }
        assert.equal(userState(repoDir).digest, userBefore, 'the user working tree changed');
        assert.deepEqual(readdirSync(outside).sort(), outsideBefore, 'a file appeared next to the sandbox');
        assert.equal(readFileSync(path.join(outside, 'victim.txt'), 'utf8'), 'do not touch\n');
      }),
      { numRuns: 25 },
    );
  });
});
