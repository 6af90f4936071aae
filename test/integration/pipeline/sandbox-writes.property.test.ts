import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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
 * the sandbox, stay as they were. "Next to" is checked twice: the sandbox's parent folder (this
 * test's own, so listed exactly: every path, mode and content), and the system temp folder
 * above it, which other processes share — there it is listed before and after every run for the
 * names the generated paths lead to: none may appear, and one that is there stays as it was.
 */

/** Every path under `dir` with its type, mode and content digest; `skip` are relative paths left out. */
function listing(dir: string, skip: (rel: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      if (skip(relPath)) continue;
      const full = path.join(dir, relPath);
      const st = lstatSync(full);
      if (st.isDirectory()) {
        out.push(`${relPath}/ ${st.mode.toString(8)}`);
        walk(relPath);
      } else {
        const content = st.isSymbolicLink() ? `-> ${readlinkSync(full)}` : createHash('sha1').update(readFileSync(full)).digest('hex');
        out.push(`${relPath} ${st.mode.toString(8)} ${content}`);
      }
    }
  };
  walk('');
  return out;
}
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
    const ports = createRealPorts({ store, env: { OLLAMA_HOST: ollama.url, DEPLOY_AGENT_AI_PROVIDERS: 'ollama' }, config: (dir) => resolveConfig({ workspaceDir: dir, env: { OLLAMA_HOST: ollama.url, DEPLOY_AGENT_AI_PROVIDERS: 'ollama' }, editor: { 'ai.cacheTtlSeconds': 0 } }) });
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
    // The response cache is off: with it, a run's first prompt (the same every run) would get an
    // earlier run's answer back, and the generated calls would never reach the tools.
    const ports = createRealPorts({ store, env: { OLLAMA_HOST: ollama.url, DEPLOY_AGENT_AI_PROVIDERS: 'ollama' }, config: (dir) => resolveConfig({ workspaceDir: dir, env: { OLLAMA_HOST: ollama.url, DEPLOY_AGENT_AI_PROVIDERS: 'ollama' }, editor: { 'ai.cacheTtlSeconds': 0 } }) });
    const userBefore = userState(repoDir).digest;
    const outsideBefore = readdirSync(outside).sort();
    // The sandbox's parent, all of it but the sandbox itself and the history database the phase writes to.
    const parentOf = () => listing(tmp.path, (rel) => rel === 'sandbox' || rel.startsWith('history.db'));
    const parentBefore = parentOf();
    assert.ok(parentBefore.some((l) => l.startsWith('outside/victim.txt ')) && parentBefore.some((l) => l.startsWith('node-repo/src/calc.js ')), 'the listing sees the neighbours');
    const tempRoot = os.tmpdir();
    // The files the fixed example aims at are this test's own names: a copy left by an earlier,
    // broken run would hide a rewrite with the same content.
    for (const name of ['deploy-agent-prop-escape.txt', 'deploy-agent-prop-abs.txt']) rmSync(path.join(tempRoot, name), { force: true });
    const tempBefore = new Set(readdirSync(tempRoot));
    /**
     * Names directly in the temp folder that a generated path leads to (read relative to the
     * sandbox, or absolute), each with its state when it was first aimed at: a name that did not
     * exist must not appear, and one that existed (another process's folder, or a leftover) must
     * stay as it was — its type, mode, and its entries or content.
     */
    const tempNamesTargeted = new Map<string, string>();
    const tempState = (name: string): string => {
      const full = path.join(tempRoot, name);
      let st;
      try {
        st = lstatSync(full);
      } catch {
        return 'absent';
      }
      if (st.isDirectory()) return `dir ${st.mode.toString(8)}: ${readdirSync(full).sort().join(', ')}`;
      if (st.isSymbolicLink()) return `link -> ${readlinkSync(full)}`;
      return `file ${st.mode.toString(8)} ${createHash('sha1').update(readFileSync(full)).digest('hex')}`;
    };
    const target = (given: unknown) => {
      if (typeof given !== 'string' || given.includes('\0')) return;
      const resolved = path.resolve(sandbox.path, given.replace(/\\/g, '/'));
      const rel = path.relative(tempRoot, resolved);
      if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return;
      const name = rel.split(path.sep)[0]!;
      if (name !== path.basename(tmp.path) && !tempNamesTargeted.has(name)) tempNamesTargeted.set(name, tempState(name));
    };
    let runs = 0;
    let served = 0;
    let total = 0;
    // This run's turns; a run the loop ends early (repeated errors) leaves nothing behind for the next.
    let queue: ScriptedTurn[] = [];
    ollama.whenEmpty = () => queue.shift() ?? { toolCalls: [{ name: 'finish', arguments: { summary: 'done' } }] };
    await fc.assert(
      fc.asyncProperty(fc.array(toolCall, { minLength: 1, maxLength: 6 }), async (calls) => {
        runs++;
        queue = calls.map((call) => ({ toolCalls: [call] }));
        const chatsBefore = ollama.chats.length;
        for (const call of calls) target((call.arguments as { path?: unknown }).path);
        const outcome = await ports.runPhase({
          phase: 'implement',
          deploymentId: `prop-${runs}`,
          repoRoot: repoDir,
          recommendation: { title: 'x', description: 'y' },
          sandbox,
          context: { environment: 'development', dataGaps: [] },
          signal: new AbortController().signal,
        });
        // The model was asked (no cached answer of an earlier run stood in), and its first call was served.
        assert.ok(ollama.chats.length > chatsBefore && queue.length < calls.length, `run ${runs}: the generated calls were not served to the agent`);
        served += calls.length - queue.length;
        total += calls.length;
        for (const file of outcome.filesWritten) {
          assert.ok(!file.startsWith('..') && !path.isAbsolute(file), `reported a write outside: ${file}`);
        }
        assert.equal(userState(repoDir).digest, userBefore, 'the user working tree changed');
        assert.deepEqual(readdirSync(outside).sort(), outsideBefore, 'a file appeared next to the sandbox');
        assert.equal(readFileSync(path.join(outside, 'victim.txt'), 'utf8'), 'do not touch\n');
        assert.deepEqual(parentOf(), parentBefore, 'something next to the sandbox changed');
        const appeared = readdirSync(tempRoot).filter((name) => !tempBefore.has(name) && tempNamesTargeted.has(name));
        assert.deepEqual(appeared, [], 'a generated path created an entry in the temp folder');
        for (const [name, before] of tempNamesTargeted) assert.equal(tempState(name), before, `the temp folder's ${name} changed`);
      }),
      {
        numRuns: 25,
        // Always tried, besides the random ones: writes aimed at the temp folder itself and at the neighbour.
        examples: [
          [
            [
              { name: 'write_file', arguments: { path: '../../deploy-agent-prop-escape.txt', content: 'x' } },
              { name: 'write_file', arguments: { path: path.join(os.tmpdir(), 'deploy-agent-prop-abs.txt'), content: 'x' } },
              { name: 'write_file', arguments: { path: '../outside/new.txt', content: 'x' } },
              { name: 'edit_file', arguments: { path: 'link-out/victim.txt', search: 'do not touch', replace: 'touched' } },
            ],
          ],
        ],
      },
    );
    assert.ok(served >= total / 2, `only ${served} of ${total} generated calls reached the tools`);
    assert.ok(tempNamesTargeted.has('deploy-agent-prop-escape.txt') && tempNamesTargeted.has('deploy-agent-prop-abs.txt'), 'paths aimed at the temp folder were tried');
  });
});
