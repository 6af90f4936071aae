import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DeploymentBudget, runAgentPhase, type AgentEvent, type PhaseContext, type PhaseResult } from '../../../src/core/ai';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { tempDir } from '../../support/temp';
import { startFakes, testRouter, type Fakes } from './helpers';
import type { ModelRouterOptions } from '../../../src/core/ai/router';

const context: PhaseContext = {
  recommendation: {
    title: 'Add a greeting helper',
    description: 'Export greet(name) from src/greet.ts returning "Hello, <name>!".',
    acceptanceCriteria: ['greet("Ada") returns "Hello, Ada!"'],
  },
  integrationPoints: [{ path: 'src/index.ts', reason: 'exports the public API' }],
  repoMap: { files: [{ path: 'src/index.ts' }, { path: 'package.json' }] },
};

const bigBudget = () => new DeploymentBudget({ maxTurns: 100, maxTokens: 10_000_000, maxCostUsd: 100 });

describe('agent phases against the fake model servers', function () {
  let fakes: Fakes;
  let sandbox: { path: string; cleanup(): void };
  let outside: { path: string; cleanup(): void };
  let dbDir: { path: string; cleanup(): void };
  let store: HistoryStore;

  beforeEach(async () => {
    fakes = await startFakes({ models: [{ name: 'qwen2.5-coder:7b', contextLength: 32768 }, { name: 'tiny:1b', contextLength: 32768, tools: false }] });
    sandbox = tempDir('deploy-agent-sandbox-');
    outside = tempDir('deploy-agent-outside-');
    dbDir = tempDir('deploy-agent-db-');
    store = openHistoryStore(path.join(dbDir.path, 'history.db'));
    mkdirSync(path.join(sandbox.path, 'src'));
    writeFileSync(path.join(sandbox.path, 'src/index.ts'), "export const version = '1.0.0';\nexport const name = 'demo';\n");
    writeFileSync(path.join(sandbox.path, 'package.json'), '{ "name": "demo" }\n');
  });
  afterEach(async () => {
    store.close();
    await fakes.close();
    sandbox.cleanup();
    outside.cleanup();
    dbDir.cleanup();
  });

  const router = (options: Partial<ModelRouterOptions> & { overrides?: Record<string, unknown>; withKey?: boolean } = {}) => testRouter(fakes, { store, repoKey: sandbox.path, ...options });
  const run = (phase: 'implement' | 'tests' | 'fix', r = router(), extra: Partial<Parameters<typeof runAgentPhase>[0]> = {}) =>
    runAgentPhase({ phase, sandboxDir: sandbox.path, context, router: r, budget: bigBudget(), deploymentId: 'dep-1', ...extra });
  const toolResults = (chatIndex: number, provider: 'ollama' | 'anthropic' = 'ollama'): string[] => {
    if (provider === 'ollama') {
      const messages = (fakes.ollama.chats[chatIndex]!.body as { messages: { role: string; content: string }[] }).messages;
      return messages.filter((m) => m.role === 'tool').map((m) => m.content);
    }
    const messages = (fakes.anthropic.chats[chatIndex]!.body as { messages: { role: string; content: { type: string; content?: string }[] }[] }).messages;
    return messages.flatMap((m) => (Array.isArray(m.content) ? m.content.filter((b) => b.type === 'tool_result').map((b) => String(b.content)) : []));
  };

  const toolResultsOrNudges = (): string => {
    const last = fakes.ollama.chats.at(-1)!.body as { messages: { role: string; content: string }[] };
    return last.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  };

  it('implement: explores, writes and edits files inside the sandbox, finishes, and records the transcript and usage', async () => {
    fakes.ollama.script(
      'implement',
      { toolCalls: [{ name: 'list_files', arguments: { path: '.' } }, { name: 'read_file', arguments: { path: 'src/index.ts' } }] },
      {
        text: 'Creating the helper and exporting it.',
        toolCalls: [
          { name: 'write_file', arguments: { path: 'src/greet.ts', content: 'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n' } },
          { name: 'edit_file', arguments: { path: 'src/index.ts', search: "export const name = 'demo';", replace: "export const name = 'demo';\nexport { greet } from './greet';" } },
        ],
        usage: { inputTokens: 900, outputTokens: 120 },
      },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'Added greet() and exported it.' } }] },
    );
    const events: AgentEvent[] = [];
    const result = await run('implement', router(), { onEvent: (e) => events.push(e) });
    assert.equal(result.status, 'succeeded', result.summary);
    assert.equal(result.summary, 'Added greet() and exported it.');
    assert.deepEqual(result.filesWritten, ['src/greet.ts', 'src/index.ts']);
    assert.match(readFileSync(path.join(sandbox.path, 'src/greet.ts'), 'utf8'), /Hello, \$\{name\}!/);
    assert.match(readFileSync(path.join(sandbox.path, 'src/index.ts'), 'utf8'), /export \{ greet \} from '\.\/greet';/);
    assert.deepEqual([result.provider, result.model, result.turns], ['ollama', 'qwen2.5-coder:7b', 3]);
    assert.ok(result.usage.inputTokens >= 900 && result.usage.outputTokens >= 120);
    assert.equal(result.usage.costUsd, 0, 'a local model costs nothing');
    // What the model saw after its first turn: the folder listing and the file.
    assert.deepEqual(toolResults(1), ['package.json\nsrc/', "export const version = '1.0.0';\nexport const name = 'demo';\n"]);
    // The first request carried num_ctx sized to the prompt, and the phase line.
    const first = fakes.ollama.chats[0]!.body as { options: { num_ctx: number }; messages: { content: string }[] };
    assert.ok(first.options.num_ctx >= 2048 && first.options.num_ctx <= 32768 && first.options.num_ctx % 1024 === 0);
    assert.match(first.messages[0]!.content, /^deploy-agent phase: implement\n/);
    assert.ok(events.some((e) => e.type === 'file-written' && e.path === 'src/greet.ts'));
    // Stored: transcript, calls, outcome.
    const [saved] = router().store!.transcripts('dep-1');
    assert.equal(saved!.status, 'succeeded');
    assert.ok(saved!.transcript.entries.some((e) => e.message.role === 'tool'));
    const calls = store.db.prepare("SELECT COUNT(*) AS n, SUM(input_tokens) AS input FROM ai_model_calls WHERE deployment_id = 'dep-1' AND status = 'ok'").get() as { n: number; input: number };
    assert.equal(calls.n, 3);
    assert.ok(calls.input >= 900);
  });

  it('refuses absolute paths, `..` and symlinks that lead out, and tells the model why', async () => {
    symlinkSync(outside.path, path.join(sandbox.path, 'escape'));
    fakes.ollama.script(
      'implement',
      {
        toolCalls: [
          { name: 'write_file', arguments: { path: path.join(outside.path, 'abs.txt'), content: 'x' } },
          { name: 'write_file', arguments: { path: '../outside.txt', content: 'x' } },
          { name: 'write_file', arguments: { path: 'escape/through-link.txt', content: 'x' } },
          { name: 'read_file', arguments: { path: 'src/../../etc/passwd' } },
        ],
      },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'gave up on escaping' } }] },
    );
    const result = await run('implement');
    assert.equal(result.status, 'succeeded');
    const [abs, dotdot, link, read] = toolResults(1);
    assert.match(abs!, /Refused: .* is an absolute path/);
    assert.match(dotdot!, /Refused: .* contains "\.\."/);
    assert.match(link!, /Refused: .* leads outside the workspace through a symbolic link/);
    assert.match(read!, /Refused/);
    assert.deepEqual(readdirSync(outside.path), []);
    assert.ok(!existsSync(path.join(path.dirname(sandbox.path), 'outside.txt')));
    assert.deepEqual(result.filesWritten, []);
  });

  it('answers a malformed tool call with an error and recovers when the model corrects it', async () => {
    fakes.ollama.script(
      'implement',
      { toolCalls: [{ name: 'write_file', arguments: '{"path": "src/greet.ts", "content": ' }] },
      { toolCalls: [{ name: 'write_fle', arguments: { path: 'src/greet.ts' } }] },
      { toolCalls: [{ name: 'write_file', arguments: { path: 'src/greet.ts', content: 'export const greet = (n: string) => `Hello, ${n}!`;\n' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'done' } }] },
    );
    const result = await run('implement');
    assert.equal(result.status, 'succeeded');
    assert.match(toolResults(1)[0]!, /not a JSON object/);
    assert.match(toolResults(2)[1]!, /Unknown tool "write_fle"/);
    assert.ok(existsSync(path.join(sandbox.path, 'src/greet.ts')));
  });

  it('fails with malformed_tool_calls past the limit when no other provider is configured', async () => {
    for (let i = 0; i < 5; i++) fakes.ollama.script('implement', { toolCalls: [{ name: 'write_file', arguments: { path: `a${i}.ts` } }] });
    const result = await run('implement', router({ withKey: false, overrides: { 'ai.maxMalformedToolCalls': 2 } }));
    assert.equal(result.status, 'failed');
    assert.equal(result.reason, 'malformed_tool_calls');
    assert.match(result.summary, /3 malformed tool calls \(limit 2\)/);
  });

  it('escalates to Anthropic after repeated malformed calls on the local model, and records the decision', async () => {
    for (let i = 0; i < 5; i++) fakes.ollama.script('implement', { toolCalls: [{ name: 'edit_file', arguments: { path: `src/index${i}.ts` } }] });
    fakes.anthropic.script(
      'implement',
      { toolCalls: [{ name: 'write_file', arguments: { path: 'src/greet.ts', content: 'export const greet = (n: string) => `Hello, ${n}!`;\n' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'cloud did it' } }] },
    );
    const r = router({ overrides: { 'ai.maxMalformedToolCalls': 1 } });
    const result = await run('implement', r);
    assert.equal(result.status, 'succeeded', result.summary);
    assert.deepEqual([result.provider, result.model], ['anthropic', 'claude-sonnet-4-6']);
    assert.equal(result.escalations.length, 1);
    assert.equal(result.escalations[0]!.reason, 'malformed_tool_calls');
    assert.ok(result.usage.costUsd > 0, 'the cloud turns are priced');
    const decision = store.db.prepare("SELECT kind, chosen, reason FROM decisions WHERE kind = 'escalation'").get() as { kind: string; chosen: string; reason: string };
    assert.equal(decision.chosen, 'anthropic:claude-sonnet-4-6');
    assert.match(decision.reason, /malformed_tool_calls/);
    // The window now knows the local model failed this phase once and the cloud succeeded.
    const outcomes = store.db.prepare('SELECT provider, success FROM ai_phase_outcomes ORDER BY id').all();
    assert.deepEqual(outcomes, [
      { provider: 'ollama', success: 0 },
      { provider: 'anthropic', success: 1 },
    ]);
  });

  it('escalates after edits that keep not matching; a model that only talks fails with no_progress', async () => {
    for (let i = 0; i < 4; i++) fakes.ollama.script('fix', { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/index.ts', search: `export const missing${i} = 1;`, replace: 'x' } }] });
    fakes.anthropic.script('fix', { toolCalls: [{ name: 'finish', arguments: { summary: 'cloud fixed it' } }] });
    const escalated = await run('fix');
    assert.equal(escalated.status, 'succeeded');
    assert.deepEqual(escalated.escalations.map((e) => e.reason), ['edits_not_matching']);
    assert.match(escalated.escalations[0]!.detail, /4 edits in a row did not match/);

    for (let i = 0; i < 3; i++) fakes.ollama.script('tests', { text: `I think the tests look fine (${i}).` });
    const idle = await run('tests', router({ withKey: false }));
    assert.equal(idle.reason, 'no_progress');
    assert.match(toolResultsOrNudges(), /Use the tools to make the change/);
  });

  it('prefers what worked on this repository: after repeated local failures the cloud goes first', async () => {
    const r = router();
    for (let i = 0; i < 4; i++) r.recordOutcome({ phase: 'fix', provider: 'ollama', model: 'qwen2.5-coder:7b', success: false, reason: 'edits_not_matching' });
    for (let i = 0; i < 3; i++) r.recordOutcome({ phase: 'fix', provider: 'anthropic', model: 'claude-sonnet-4-6', success: true });
    assert.deepEqual((await r.candidates('fix')).map((c) => c.provider), ['anthropic', 'ollama']);
    assert.deepEqual((await r.candidates('implement')).map((c) => c.provider), ['ollama', 'anthropic'], 'other phases keep the configured order');
    const other = testRouter(fakes, { store, repoKey: '/another/repo' });
    assert.deepEqual((await other.candidates('fix')).map((c) => c.provider), ['ollama', 'anthropic'], 'other repositories keep the configured order');
  });

  it('the pipeline can escalate fix to the cloud after the local repair rounds left tests failing; it is recorded', async () => {
    fakes.anthropic.script('fix', { toolCalls: [{ name: 'finish', arguments: { summary: 'fixed in the cloud' } }] });
    const result = await run('fix', router(), {
      escalate: { from: { provider: 'ollama', model: 'qwen2.5-coder:7b' }, reason: 'tests_still_failing', detail: '2 repair rounds, 3 tests still failing' },
    });
    assert.equal(result.status, 'succeeded');
    assert.equal(result.provider, 'anthropic');
    assert.deepEqual(result.escalations.map((e) => [e.from.provider, e.to.provider, e.reason]), [['ollama', 'anthropic', 'tests_still_failing']]);
    assert.equal(fakes.ollama.chats.length, 0);
    const decision = store.db.prepare("SELECT chosen, reason FROM decisions WHERE kind = 'escalation'").get() as { chosen: string; reason: string };
    assert.match(decision.reason, /tests_still_failing\): 2 repair rounds, 3 tests still failing/);
  });

  it('fits the prompt to a small local model: the repository map shrinks, num_ctx stays within the model', async () => {
    fakes.ollama.models = [{ name: 'small:3b', contextLength: 8192 }];
    fakes.ollama.script('implement', { toolCalls: [{ name: 'finish', arguments: { summary: 'ok' } }] });
    const files = Array.from({ length: 3000 }, (_, i) => ({ path: `src/mod${i % 30}/file${i}.ts`, symbols: [`fn${i}`] }));
    const result = await run('implement', router({ withKey: false, overrides: { 'ollama.model': 'small:3b', 'ai.maxOutputTokens': 1024 } }), { context: { ...context, repoMap: { files } } });
    assert.equal(result.status, 'succeeded');
    const body = fakes.ollama.chats[0]!.body as { options: { num_ctx: number }; messages: { content: string }[] };
    assert.ok(body.options.num_ctx <= 8192, String(body.options.num_ctx));
    const user = body.messages[1]!.content;
    assert.match(user, /## Repository map\nsrc\/\n {2}mod0\/ \(100 files\)/, 'folders collapsed rather than the map cut off');
    assert.match(user, /## Acceptance criteria\n- \[AC1\] greet\("Ada"\) returns "Hello, Ada!"/);
  });

  it('escalates when the prompt cannot fit the local model at all', async () => {
    fakes.ollama.models = [{ name: 'tiny:1b', contextLength: 2048 }];
    fakes.anthropic.script('implement', { toolCalls: [{ name: 'finish', arguments: { summary: 'cloud' } }] });
    const long = { ...context, recommendation: { ...context.recommendation, description: 'Detailed requirement. '.repeat(600) } };
    const result = await run('implement', router({ overrides: { 'ollama.model': 'tiny:1b', 'ai.maxOutputTokens': 512 } }), { context: long });
    assert.equal(result.status, 'succeeded');
    assert.equal(result.provider, 'anthropic');
    assert.equal(result.escalations[0]!.reason, 'context_too_small');
    assert.equal(fakes.ollama.chats.length, 0, 'nothing was sent cut off');
  });

  it('applies each edit_file on its own and names the one that did not match', async () => {
    fakes.ollama.script(
      'fix',
      {
        toolCalls: [
          { name: 'edit_file', arguments: { path: 'src/index.ts', search: "version = '1.0.0'", replace: "version = '1.1.0'" } },
          { name: 'edit_file', arguments: { path: 'src/index.ts', search: "export const nam = 'demo';", replace: 'x' } },
          { name: 'edit_file', arguments: { path: 'src/index.ts', search: 'export const', replace: 'const' } },
        ],
      },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'bumped' } }] },
    );
    const result = await run('fix');
    assert.equal(result.status, 'succeeded');
    const [ok, missing, ambiguous] = toolResults(1);
    assert.equal(ok, 'Edited src/index.ts.');
    assert.match(missing!, /search text was not found; the closest line is 2: "export const name = 'demo';"/);
    assert.match(ambiguous!, /occurs 2 times/);
    assert.equal(readFileSync(path.join(sandbox.path, 'src/index.ts'), 'utf8'), "export const version = '1.1.0';\nexport const name = 'demo';\n");
  });

  it('stops the same tool call repeated three times in a row as a loop', async () => {
    for (let i = 0; i < 3; i++) fakes.ollama.script('tests', { toolCalls: [{ name: 'read_file', arguments: { path: 'src/index.ts' } }] });
    const result = await run('tests', router({ withKey: false }), { context: { ...context, testFramework: { name: 'mocha' } } });
    assert.equal(result.status, 'failed');
    assert.equal(result.reason, 'loop_detected');
    assert.equal(fakes.ollama.chats.length, 3);
  });

  it('bounds a phase by turns and the deployment by its budget', async () => {
    let n = 0;
    fakes.ollama.whenEmpty = () => ({ toolCalls: [{ name: 'read_file', arguments: { path: n++ % 2 ? 'src/index.ts' : 'package.json' } }] });
    const turns = await run('implement', router({ withKey: false }), { limits: { maxTurns: 4 } });
    assert.equal(turns.reason, 'turn_limit');
    assert.equal(turns.turns, 4);

    const budget = new DeploymentBudget({ maxTurns: 2, maxTokens: 1e9, maxCostUsd: 100 });
    const spent = await runAgentPhase({ phase: 'implement', sandboxDir: sandbox.path, context, router: router({ withKey: false }), budget });
    assert.equal(spent.reason, 'budget_exhausted');
    assert.match(spent.summary, /2 model turns/);
    const again = await runAgentPhase({ phase: 'tests', sandboxDir: sandbox.path, context, router: router({ withKey: false }), budget });
    assert.equal(again.reason, 'budget_exhausted', 'the budget spans the phases of a deployment');
    assert.equal(again.turns, 0);
  });

  it('the cost budget stops a run on the paid provider', async () => {
    fakes.anthropic.whenEmpty = { toolCalls: [{ name: 'list_files', arguments: { path: '.' } }], usage: { inputTokens: 200_000, outputTokens: 1000 } };
    fakes.anthropic.script('implement', { toolCalls: [{ name: 'read_file', arguments: { path: 'package.json' } }], usage: { inputTokens: 200_000, outputTokens: 1000 } });
    const budget = new DeploymentBudget({ maxTurns: 100, maxTokens: 1e9, maxCostUsd: 1 });
    const result = await runAgentPhase({ phase: 'implement', sandboxDir: sandbox.path, context, router: router({ overrides: { 'ai.providers': ['anthropic'] } }), budget });
    assert.equal(result.reason, 'budget_exhausted');
    assert.ok(budget.spent.costUsd >= 1 && budget.spent.costUsd < 1.7, String(budget.spent.costUsd));
    assert.match(result.summary, /spent \$1\.\d+ of its \$1\.00/);
  });

  describe('every fault ends in a retry, a fallback or a clear error', () => {
    const finishTurn = { text: 'All done here, finishing now.', toolCalls: [{ name: 'finish', arguments: { summary: 'ok' } }] };
    for (const fault of [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 429, headers: { 'retry-after': '0' } },
      { kind: 'hangup' },
      { kind: 'cut' },
      { kind: 'malformed' },
      { kind: 'error-event' },
      { kind: 'stall', ms: 3000 },
    ] as const) {
      it(`Ollama ${fault.kind}${'status' in fault ? ` ${fault.status}` : ''}: retried, then succeeds`, async () => {
        fakes.ollama.script('implement', finishTurn);
        fakes.ollama.fail(fault, 'implement');
        const events: AgentEvent[] = [];
        const result = await run('implement', router({ withKey: false, overrides: { 'ai.requestTimeoutSeconds': 1 } }), { onEvent: (e) => events.push(e) });
        assert.equal(result.status, 'succeeded', result.summary);
        assert.equal(fakes.ollama.chats.length, 2);
        assert.equal(events.filter((e) => e.type === 'retry').length, 1);
      });
      it(`Anthropic ${fault.kind}${'status' in fault ? ` ${fault.status}` : ''}: retried, then succeeds`, async () => {
        fakes.anthropic.script('fix', finishTurn);
        fakes.anthropic.fail(fault, 'fix');
        const result = await run('fix', router({ overrides: { 'ai.providers': ['anthropic'], 'ai.requestTimeoutSeconds': 1 } }));
        assert.equal(result.status, 'succeeded', result.summary);
        assert.equal(fakes.anthropic.chats.length, 2);
      });
    }

    it('honours retry-after on a 429', async () => {
      fakes.anthropic.script('fix', finishTurn);
      fakes.anthropic.fail({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, 'fix');
      const events: AgentEvent[] = [];
      const started = Date.now();
      const result = await run('fix', router({ overrides: { 'ai.providers': ['anthropic'] } }), { onEvent: (e) => events.push(e) });
      assert.equal(result.status, 'succeeded');
      assert.ok(Date.now() - started >= 950);
      const retry = events.find((e) => e.type === 'retry');
      assert.equal(retry && retry.type === 'retry' && retry.delayMs, 1000);
    });

    it('falls back to Anthropic when Ollama keeps failing after its retries', async () => {
      for (let i = 0; i < 3; i++) fakes.ollama.fail({ kind: 'status', status: 500 }, 'implement');
      fakes.anthropic.script('implement', finishTurn);
      const events: AgentEvent[] = [];
      const result = await run('implement', router(), { onEvent: (e) => events.push(e) });
      assert.equal(result.status, 'succeeded', result.summary);
      assert.equal(result.provider, 'anthropic');
      assert.equal(fakes.ollama.chats.length, 3, 'one try and two retries');
      assert.ok(events.some((e) => e.type === 'fallback' && e.from === 'ollama' && e.to === 'anthropic'));
      const decision = store.db.prepare("SELECT chosen FROM decisions WHERE kind = 'provider'").get() as { chosen: string };
      assert.equal(decision.chosen, 'anthropic:claude-sonnet-4-6');
    });

    it('falls back when Ollama is not running at all', async () => {
      const r = router();
      await fakes.ollama.close();
      fakes.anthropic.script('implement', finishTurn);
      const result = await run('implement', r);
      assert.equal(result.status, 'succeeded');
      assert.equal(result.provider, 'anthropic');
    });

    it('ends with a clear error naming the fix when no provider can serve', async () => {
      fakes.ollama.models = [];
      const result = await run('implement', router({ withKey: false }));
      assert.equal(result.status, 'failed');
      assert.equal(result.reason, 'provider_unavailable');
      assert.match(result.summary, /`ollama pull qwen2\.5-coder:7b`/);
    });

    it('opens the circuit for a provider that keeps failing, so later calls skip it', async () => {
      for (let i = 0; i < 3; i++) fakes.ollama.fail({ kind: 'hangup' }, 'implement');
      fakes.anthropic.script('implement', finishTurn);
      const r = router({ breaker: { threshold: 3, cooldownMs: 60_000 } });
      await run('implement', r);
      assert.equal(r.breakerState('ollama'), 'open');
      assert.deepEqual((await r.candidates('tests')).map((c) => c.provider), ['anthropic']);
    });
  });

  it('a cancellation mid-stream leaves no half-written file', async () => {
    fakes.ollama.script('implement', { text: 'Writing the whole file now, please wait.', toolCalls: [{ name: 'write_file', arguments: { path: 'src/big.ts', content: 'export const big = 1;\n'.repeat(100) } }] });
    fakes.ollama.fail({ kind: 'stall', ms: 5000 }, 'implement');
    const controller = new AbortController();
    const result = await run('implement', router({ withKey: false }), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'text') controller.abort(new Error('user pressed cancel'));
      },
    });
    assert.equal(result.status, 'cancelled');
    assert.equal(result.reason, 'cancelled');
    assert.ok(!existsSync(path.join(sandbox.path, 'src/big.ts')));
    assert.deepEqual(readdirSync(path.join(sandbox.path, 'src')), ['index.ts'], 'no temp file left behind');
    assert.equal(fakes.ollama.chats.length, 1, 'a cancellation is not retried');
  });

  it('a phase over its time limit fails with time_limit', async () => {
    fakes.ollama.fail({ kind: 'stall', ms: 3000 }, 'implement');
    const result = await run('implement', router({ withKey: false }), { limits: { timeLimitMs: 300 } });
    assert.equal(result.status, 'failed');
    assert.equal(result.reason, 'time_limit');
  });

  it('a model without tool support works through the text protocol, parsed strictly', async () => {
    fakes.ollama.script(
      'implement',
      { text: 'READ: src/index.ts' },
      { text: 'Here it is:\n```ts\nexport const x = 1;\n```' },
      {
        text: [
          'Creating the helper.',
          '```file:src/greet.ts',
          'export const greet = (n: string) => `Hello, ${n}!`;',
          '```',
          '```edit:src/index.ts',
          '<<<<<<< SEARCH',
          "export const name = 'demo';",
          '=======',
          "export const name = 'demo';\nexport { greet } from './greet';",
          '>>>>>>> REPLACE',
          '```',
        ].join('\n'),
      },
      { text: 'FINISH: Added greet via text blocks.' },
    );
    const result = await run('implement', router({ withKey: false, overrides: { 'ollama.model': 'tiny:1b' } }));
    assert.equal(result.status, 'succeeded', result.summary);
    assert.equal(result.summary, 'Added greet via text blocks.');
    const second = fakes.ollama.chats[1]!.body as { tools?: unknown; messages: { role: string; content: string }[] };
    assert.equal(second.tools, undefined, 'no tools are offered to a model without the capability');
    assert.match(second.messages.at(-1)!.content, /\[read_file src\/index\.ts\]\nexport const version/);
    const third = (fakes.ollama.chats[2]!.body as { messages: { content: string }[] }).messages.at(-1)!.content;
    assert.match(third, /code blocks that do not name a file/);
    assert.equal(readFileSync(path.join(sandbox.path, 'src/greet.ts'), 'utf8'), 'export const greet = (n: string) => `Hello, ${n}!`;\n');
    assert.match(readFileSync(path.join(sandbox.path, 'src/index.ts'), 'utf8'), /export \{ greet \}/);
  });

  it('blocks hard-coded credentials and reports syntax errors back to the model', async () => {
    fakes.ollama.script(
      'implement',
      {
        toolCalls: [
          { name: 'write_file', arguments: { path: 'src/config.ts', content: "export const apiKey = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123';\n" } },
          { name: 'write_file', arguments: { path: 'src/broken.ts', content: 'export function f( {\n  return 1;\n' } },
        ],
      },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'first try' } }] },
      { toolCalls: [{ name: 'write_file', arguments: { path: 'src/broken.ts', content: 'export function f() {\n  return 1;\n}\n' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'fixed' } }] },
    );
    const result = await run('implement', router({ withKey: false }));
    assert.equal(result.status, 'succeeded');
    assert.equal(result.summary, 'fixed');
    const [credential, syntax] = toolResults(1);
    assert.match(credential!, /refused to write src\/config\.ts: line 1 contains an Anthropic API key/);
    assert.ok(!existsSync(path.join(sandbox.path, 'src/config.ts')));
    assert.match(syntax!, /Syntax errors in src\/broken\.ts/);
    assert.match(toolResults(2).at(-1)!, /not finished — syntax errors remain/);
    assert.deepEqual(result.findings, []);
  });

  it('runs all three phases, each its own conversation, on the real clients', async () => {
    fakes.ollama.script(
      'implement',
      { toolCalls: [{ name: 'write_file', arguments: { path: 'src/greet.ts', content: 'export const greet = (n: string) => `Hi, ${n}!`;\n' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'implemented' } }] },
    );
    fakes.ollama.script(
      'tests',
      { toolCalls: [{ name: 'write_file', arguments: { path: 'test/greet.test.ts', content: "import { greet } from '../src/greet';\nimport assert from 'node:assert';\nassert.equal(greet('Ada'), 'Hello, Ada!');\n" } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'tests written' } }] },
    );
    fakes.anthropic.script(
      'fix',
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/greet.ts', search: 'Hi, ', replace: 'Hello, ' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'fixed the greeting' } }] },
    );
    const r = router();
    const budget = bigBudget();
    const base = { sandboxDir: sandbox.path, router: r, budget, deploymentId: 'dep-3' };
    const results: PhaseResult[] = [];
    results.push(await runAgentPhase({ ...base, phase: 'implement', context }));
    results.push(await runAgentPhase({ ...base, phase: 'tests', context: { ...context, testFramework: { name: 'node:test', exampleTest: { path: 'test/x.test.ts', content: "import test from 'node:test';" } }, changesSoFar: [{ path: 'src/greet.ts' }] } }));
    results.push(
      await runAgentPhase({
        ...base,
        phase: 'fix',
        preferProvider: 'anthropic',
        context: { ...context, failingOutput: "AssertionError: 'Hi, Ada!' !== 'Hello, Ada!'", errorPattern: { name: 'assertion mismatch', description: 'expected and actual values differ' } },
      }),
    );
    assert.deepEqual(results.map((x) => [x.phase, x.status, x.provider]), [
      ['implement', 'succeeded', 'ollama'],
      ['tests', 'succeeded', 'ollama'],
      ['fix', 'succeeded', 'anthropic'],
    ]);
    assert.equal(readFileSync(path.join(sandbox.path, 'src/greet.ts'), 'utf8'), 'export const greet = (n: string) => `Hello, ${n}!`;\n');
    assert.deepEqual(fakes.ollama.chats.map((c) => c.phase), ['implement', 'implement', 'tests', 'tests']);
    const fixPrompt = (fakes.anthropic.chats[0]!.body as { system: { text: string }[]; messages: { content: { text?: string }[] }[] });
    assert.match(fixPrompt.system[0]!.text, /^deploy-agent phase: fix\n/);
    assert.match(fixPrompt.messages[0]!.content[0]!.text!, /## Failing test output\nAssertionError[\s\S]*## Known error pattern this matches\nassertion mismatch/);
    assert.equal(budget.spent.turns, 6);
    const usage = r.usage('dep-3');
    assert.ok(usage.costUsd > 0 && usage.inputTokens > 0);
    assert.equal(r.store!.transcripts('dep-3').length, 3);
  });

  it('answers a repeated temperature-0 request from the response cache', async () => {
    fakes.ollama.script('implement', { toolCalls: [{ name: 'finish', arguments: { summary: 'cached?' } }] });
    const first = await run('implement', router({ withKey: false }));
    const second = await run('implement', router({ withKey: false }));
    assert.equal(first.summary, 'cached?');
    assert.equal(second.summary, 'cached?');
    assert.equal(fakes.ollama.chats.length, 1, 'the second run did not reach the server');
    const rows = store.db.prepare('SELECT cached FROM ai_model_calls ORDER BY id').all();
    assert.deepEqual(rows, [{ cached: 0 }, { cached: 1 }]);
    // Not at another temperature.
    fakes.ollama.script('implement', { toolCalls: [{ name: 'finish', arguments: { summary: 'fresh' } }] });
    const warm = await run('implement', router({ withKey: false, overrides: { 'ai.temperature': 0.7 } }));
    assert.equal(warm.summary, 'fresh');
  });

  it('never lets the API key reach a prompt, a transcript, the database, an event or an error', async () => {
    const key = fakes.anthropic.apiKey;
    writeFileSync(path.join(sandbox.path, '.env'), `ANTHROPIC_API_KEY=${key}\n`);
    fakes.anthropic.script(
      'implement',
      { toolCalls: [{ name: 'read_file', arguments: { path: '.env' } }] },
      { toolCalls: [{ name: 'write_file', arguments: { path: 'src/leak.ts', content: `export const k = '${key}';\n` } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: `done` } }] },
    );
    const events: AgentEvent[] = [];
    const r = router({ overrides: { 'ai.providers': ['anthropic'] } });
    const result = await run('implement', r, { onEvent: (e) => events.push(e) });
    assert.equal(result.status, 'succeeded');
    // A failing call with the key too: a 401 from a wrong base URL path would echo nothing, but check errors anyway.
    fakes.anthropic.fail({ kind: 'status', status: 400, message: `bad request for key ${key}` }, 'fix');
    const failed = await run('fix', r, { onEvent: (e) => events.push(e) });
    assert.equal(failed.status, 'failed');

    const haystacks = [
      JSON.stringify(result),
      JSON.stringify(failed),
      JSON.stringify(events),
      JSON.stringify(fakes.anthropic.chats.map((c) => c.body)),
      ...['ai_transcripts', 'ai_model_calls', 'decisions', 'ai_response_cache', 'ai_phase_outcomes'].map((t) => JSON.stringify(store.db.prepare(`SELECT * FROM ${t}`).all())),
    ];
    for (const text of haystacks) assert.ok(!text.includes(key), `the key leaked into: ${text.slice(0, 200)}`);
    assert.ok(!existsSync(path.join(sandbox.path, 'src/leak.ts')), 'the write with the key was blocked');
    assert.ok(JSON.stringify(fakes.anthropic.chats.map((c) => c.body)).includes('[redacted:ANTHROPIC_API_KEY]'));
  });
});
