import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createModelRouter } from '../../../src/core/ai';
import { AiStore } from '../../../src/core/ai/store';
import { ToolRunner } from '../../../src/core/ai/tools/tools';
import type { ChatMessage, ModelProvider, ProviderChatRequest } from '../../../src/core/ai/types';
import { resolveConfig } from '../../../src/core/config/resolve';
import { DeployAgentError } from '../../../src/core/errors';
import { toEventError } from '../../../src/core/flow/event-error';
import { StepRunner } from '../../../src/core/flow/step-runner';
import { createPullRequest } from '../../../src/core/git/pull-request';
import { review } from '../../../src/core/git/ship';
import { Orchestrator } from '../../../src/core/pipeline/orchestrator';
import { writeReport } from '../../../src/core/report/write-report';
import { snapshotRepoState } from '../../../src/core/sandbox/repo-state';
import { secretRegistry } from '../../../src/core/security/registry';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { EventsRepository, StepsRepository, TestRunsRepository } from '../../../src/core/store/steps';
import { redactProcessOutput } from '../../../src/cli/redacted-output';
import { FakeGithub } from '../../support/fake-github';
import { tempDir } from '../../support/temp';
import { scriptedPorts } from '../pipeline/scripted-ports';

/**
 * One regression test per boundary where text leaves for a model or is stored or printed: each
 * plants a secret the way a deployment meets it and checks what crosses the boundary.
 * Values are unique to this file, added to the process's registry as a deployment's gathering would.
 */
const SECRET = { name: 'BOUNDARY_SECRET', value: 'b0undary-S3cret-value-4471' };
const FILE_SECRET = { name: 'DB_PASSWORD', value: 'fil3-Db-Passw0rd-9902' };

describe('secret redaction at every boundary', () => {
  let tmp: ReturnType<typeof tempDir>;
  before(() => {
    secretRegistry.add([SECRET, FILE_SECRET]);
  });
  beforeEach(() => {
    tmp = tempDir('deploy-agent-boundary-');
  });
  afterEach(() => tmp.cleanup());

  describe('agent tools (what the model reads)', () => {
    let tools: ToolRunner;
    beforeEach(() => {
      mkdirSync(path.join(tmp.path, 'src'));
      writeFileSync(path.join(tmp.path, '.env'), `PORT=3000\nDB_PASSWORD=${FILE_SECRET.value}\n`);
      writeFileSync(path.join(tmp.path, '.env.example'), 'PORT=3000\nDB_PASSWORD=changeme\n');
      writeFileSync(path.join(tmp.path, 'src', 'config.js'), `module.exports = { password: '${FILE_SECRET.value}', other: '${SECRET.value}' };\n`);
      tools = new ToolRunner(tmp.path);
    });
    const call = (name: string, args: Record<string, string>) => tools.run({ id: 'c', name, arguments: args });

    it('read_file shows a secret file with its keys and every value masked; a template file whole', () => {
      const env = call('read_file', { path: '.env' });
      assert.equal(env.isError, false);
      assert.match(env.content, /^PORT=\[redacted:PORT\]$/m);
      assert.match(env.content, /^DB_PASSWORD=\[redacted:DB_PASSWORD\]$/m);
      assert.ok(!env.content.includes(FILE_SECRET.value));
      assert.equal(call('read_file', { path: '.env.example' }).content, 'PORT=3000\nDB_PASSWORD=changeme\n');
    });

    it('read_file of an ordinary file replaces known values with their names', () => {
      assert.equal(call('read_file', { path: 'src/config.js' }).content, "module.exports = { password: '[redacted:DB_PASSWORD]', other: '[redacted:BOUNDARY_SECRET]' };\n");
    });

    it('search cannot find or confirm a secret value, in the secret file or elsewhere; a key is found with its value masked', () => {
      assert.equal(call('search', { query: FILE_SECRET.value }).content, 'No matches for "[redacted:DB_PASSWORD]".');
      assert.equal(call('search', { query: FILE_SECRET.value.slice(0, 9) }).content, `No matches for "${FILE_SECRET.value.slice(0, 9)}".`);
      assert.equal(call('search', { query: 'DB_PASSWORD' }).content, '.env:2: DB_PASSWORD=[redacted:DB_PASSWORD]\n.env.example:2: DB_PASSWORD=changeme');
    });

    it('an existing secret file cannot be overwritten or edited (its values were hidden); a new one can be created', () => {
      const write = call('write_file', { path: '.env', content: 'PORT=3000\nDB_PASSWORD=[redacted:DB_PASSWORD]\nNEW=1\n' });
      assert.equal(write.isError, true);
      assert.match(write.content, /\.env holds secrets whose values are hidden/);
      const edit = call('edit_file', { path: '.env', search: 'PORT=3000', replace: 'PORT=4000' });
      assert.equal(edit.isError, true);
      assert.equal(readFileSync(path.join(tmp.path, '.env'), 'utf8'), `PORT=3000\nDB_PASSWORD=${FILE_SECRET.value}\n`);
      assert.equal(call('write_file', { path: 'deploy/.env.test', content: 'PORT=1\n' }).isError, false);
    });
  });

  it('model requests: whatever the prompt builder or the loop put in, the provider receives it redacted', async () => {
    const received: ProviderChatRequest[] = [];
    const provider: ModelProvider = {
      name: 'ollama',
      preflight: async (model) => ({ provider: 'ollama', model, contextLength: 8192, supportsTools: true }),
      listModels: async () => ['m'],
      chat: async (request) => {
        received.push(request);
        return { text: 'ok', toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 }, stopReason: 'stop' };
      },
    };
    const router = createModelRouter({ config: resolveConfig({ editor: { 'ai.providers': ['ollama'] } }), env: {}, providers: { ollama: provider } });
    const messages: ChatMessage[] = [
      { role: 'user', content: `Failing test output:\nexpected '${FILE_SECRET.value}' to equal 'x'` },
      { role: 'tool', toolCallId: 't', name: 'read_file', content: `token=${SECRET.value}` },
    ];
    await router.chat({ phase: 'fix', candidate: { provider: 'ollama', model: 'm' }, system: `deploy-agent phase: fix\nsecret ${SECRET.value}`, messages });
    const sent = JSON.stringify(received);
    assert.ok(!sent.includes(SECRET.value) && !sent.includes(FILE_SECRET.value), sent);
    assert.match(sent, /expected '\[redacted:DB_PASSWORD\]'/);
    assert.equal(messages[0]!.content.includes(FILE_SECRET.value), true, "the caller's messages are not changed in place");
  });

  it('the history database: events, step artifacts and errors, test runs, deployment rows, transcripts, decisions and the response cache hold no secret', () => {
    const file = path.join(tmp.path, 'history.db');
    const store = openHistoryStore(file);
    try {
      const deployments = new DeploymentsRepository(store.db);
      deployments.insert({ id: 'd1', repoPath: '/r', title: `Rotate ${SECRET.value}`, createdAt: 1, recommendation: JSON.stringify({ description: `use ${SECRET.value}` }) });
      deployments.update('d1', { errorMessage: `hook failed: ${SECRET.value}` });
      new EventsRepository(store.db).insert('d1', 2, 'hook.run', { output: `GITHUB_TOKEN=${SECRET.value}\nDB_PASSWORD=${FILE_SECRET.value}` });
      const steps = new StepsRepository(store.db);
      const step = steps.start('d1', 'run-tests', 3);
      steps.finish(step, { status: 'failed', at: 4, artifacts: { tests: { output: `AssertionError: '${FILE_SECRET.value}' !== 'x'` } }, errorCode: 'TESTS_FAILED', errorMessage: `last lines: ${SECRET.value}` });
      new TestRunsRepository(store.db).insert({ deploymentId: 'd1', stepId: step, framework: 'node', command: 'node --test', passed: 0, failed: 1, skipped: 0, durationMs: 5, coverage: null, output: `printed ${FILE_SECRET.value}`, createdAt: 5 });
      const ai = new AiStore(store.db);
      ai.saveTranscript({ deploymentId: 'd1', transcript: { phase: 'fix', system: `sys ${SECRET.value}`, entries: [{ at: 0, message: { role: 'tool', toolCallId: 't', name: 'read_file', content: FILE_SECRET.value } }] }, status: 'failed' }, 6);
      ai.recordDecision({ deploymentId: 'd1', kind: 'provider', chosen: 'anthropic:m', inputs: { detail: SECRET.value }, reason: `ollama failed: ${SECRET.value}` }, 7);
      assert.equal(ai.cachePut('k1', 'ollama', 'm', { text: `the password is ${FILE_SECRET.value}`, toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 }, stopReason: 'stop' }, 8, 60_000), false, 'a response with a secret is not cached');
      assert.equal(ai.cachePut('k2', 'ollama', 'm', { text: 'plain', toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 }, stopReason: 'stop' }, 8, 60_000), true);
      assert.match(JSON.stringify(new EventsRepository(store.db).list('d1')), /GITHUB_TOKEN=\[redacted:BOUNDARY_SECRET\]\\nDB_PASSWORD=\[redacted:DB_PASSWORD\]/);
      assert.equal(new TestRunsRepository(store.db).list('d1')[0]!.output, 'printed [redacted:DB_PASSWORD]');
    } finally {
      store.close();
    }
    for (const suffix of ['', '-wal', '-shm']) {
      if (!existsSync(file + suffix)) continue;
      const bytes = readFileSync(file + suffix);
      assert.ok(!bytes.includes(SECRET.value) && !bytes.includes(FILE_SECRET.value), `a secret in history.db${suffix}`);
    }
  });

  it('the step runner: listeners (the CLI, the extension) get events redacted, and a failure becomes a redacted event error', () => {
    const store = openHistoryStore(path.join(tmp.path, 'h.db'));
    try {
      const runner = new StepRunner<'x'>({ db: store.db });
      runner.open({ id: 'd2', repoPath: '/r', title: 't', createdAt: 1 }, {});
      const heard: unknown[] = [];
      runner.events.on((event) => heard.push(event));
      runner.emit({ type: 'log', deploymentId: 'd2', ts: 2, level: 'warn', message: `A post-deployment hook failed: ${SECRET.value}`, step: 'x' });
      assert.deepEqual(heard, [{ type: 'log', deploymentId: 'd2', ts: 2, level: 'warn', message: 'A post-deployment hook failed: [redacted:BOUNDARY_SECRET]', step: 'x' }]);
      const error = toEventError(new DeployAgentError('HOOK_FAILED', `failed: ${SECRET.value}`, `see ${FILE_SECRET.value}`), new AbortController().signal);
      assert.deepEqual(error, { code: 'HOOK_FAILED', message: 'failed: [redacted:BOUNDARY_SECRET]', hint: 'see [redacted:DB_PASSWORD]' });
    } finally {
      store.close();
    }
  });

  it('the report files, even from rows written around the store (an older database)', () => {
    const file = path.join(tmp.path, 'h.db');
    const store = openHistoryStore(file);
    try {
      store.db.prepare(`INSERT INTO deployments (id, repo_path, title, status, created_at, error_code, error_message) VALUES ('d3', '/r', 't', 'failed', 1, 'HOOK_FAILED', ?)`).run(`output: ${SECRET.value}`);
      store.db.prepare(`INSERT INTO events (deployment_id, ts, type, payload) VALUES ('d3', 2, 'hook.run', ?)`).run(JSON.stringify({ stage: 'after-deploy', command: 'x', exitCode: 1, signal: null, timedOut: false, durationMs: 1, output: FILE_SECRET.value }));
      const written = writeReport(store.db, file, 'd3')!;
      for (const report of [written.json, written.markdown]) {
        const text = readFileSync(report, 'utf8');
        assert.ok(!text.includes(SECRET.value) && !text.includes(FILE_SECRET.value), text);
        assert.match(text, /\[redacted:BOUNDARY_SECRET\]/);
      }
    } finally {
      store.close();
    }
  });

  it('the outcome a deployment returns (what VS Code shows): warnings and the error carry no secret; the deployment gathers its secrets once before its first step', async () => {
    const store = openHistoryStore(path.join(tmp.path, 'h.db'));
    try {
      const gathered: string[] = [];
      const ports = scriptedPorts({
        protectSecrets: async (workspaceDir) => void gathered.push(workspaceDir),
        loadRecommendation: async () => ({ recommendation: { title: 'Add x', description: 'x', id: 'r' }, warnings: [`the recommendation quotes ${SECRET.value}`] }),
        gatherContext: async () => {
          throw new DeployAgentError('ANALYSIS_FAILED', `could not read ${FILE_SECRET.value}`, 'try again');
        },
      });
      const outcome = await new Orchestrator({ db: store.db, ports }).deploy(
        { recommendationFile: path.join(tmp.path, 'rec.json'), workspaceDir: tmp.path, mode: 'dry-run', strategy: 'auto', keepWorktree: false, wait: false },
        new AbortController().signal,
      );
      assert.deepEqual(gathered, [tmp.path]);
      assert.equal(outcome.status, 'setup-failed', 'it stopped before any model or test ran');
      assert.deepEqual(outcome.warnings, ['the recommendation quotes [redacted:BOUNDARY_SECRET]']);
      assert.equal(outcome.error?.message, 'could not read [redacted:DB_PASSWORD]');
    } finally {
      store.close();
    }
  });

  it("the CLI's stdout and stderr: strings and buffers are redacted before they are written", () => {
    const chunks: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (chunks.push(chunk.toString('utf8')), done()) }) as unknown as NodeJS.WriteStream;
    redactProcessOutput([sink]);
    sink.write(`error [HOOK_FAILED]: ${SECRET.value}\n`);
    sink.write(Buffer.from(`  → ${FILE_SECRET.value}\n`));
    assert.equal(chunks.join(''), 'error [HOOK_FAILED]: [redacted:BOUNDARY_SECRET]\n  → [redacted:DB_PASSWORD]\n');
  });

  it('the pull request sent to GitHub: title and body redacted', async () => {
    const github = new FakeGithub({ token: 'ghs_boundary_token', autoCreateRepos: true });
    const url = await github.listen();
    try {
      const repo = path.join(tmp.path, 'repo');
      execFileSync('git', ['init', '-q', '-b', 'main', repo]);
      await createPullRequest(
        repo,
        { branch: 'deploy-agent/x', title: `Rotate ${SECRET.value}`, body: `| test | output |\n| x | ${FILE_SECRET.value} |`, draft: false, deploymentId: 'd4' },
        { GITHUB_TOKEN: 'ghs_boundary_token', GITHUB_API_URL: url, GITHUB_REPOSITORY: 'acme/calc' },
      );
      const created = github.requests.filter((r) => r.method === 'POST');
      assert.equal(created.length, 1);
      assert.ok(!created[0]!.rawBody.includes(SECRET.value) && !created[0]!.rawBody.includes(FILE_SECRET.value), created[0]!.rawBody);
      assert.match(created[0]!.rawBody, /Rotate \[redacted:BOUNDARY_SECRET\]/);
    } finally {
      await github.close();
    }
  });

  it('the review refuses a change that carries a known secret value into a committed file (a test copied it there)', async () => {
    const repo = path.join(tmp.path, 'repo');
    mkdirSync(repo);
    const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', ...args], { cwd, encoding: 'utf8' }).trim();
    git(tmp.path, 'init', '-q', '-b', 'main', repo);
    writeFileSync(path.join(repo, 'a.txt'), 'a\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'init');
    const before = await snapshotRepoState(repo);
    const sandbox = path.join(tmp.path, 'sandbox');
    git(repo, 'worktree', 'add', '-q', '-b', 'deploy-agent/t', sandbox);
    writeFileSync(path.join(sandbox, 'fixture.txt'), `copied ${FILE_SECRET.value}\n`);
    const found = await review(repo, { path: sandbox, branch: 'deploy-agent/t', baseSha: git(repo, 'rev-parse', 'HEAD') }, before);
    assert.deepEqual(found.secrets, [{ path: 'fixture.txt', line: 1, kind: 'known-secret-value' }]);
    assert.ok(readdirSync(sandbox).includes('fixture.txt'));
  });
});
