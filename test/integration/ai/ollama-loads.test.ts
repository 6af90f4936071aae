import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DeploymentBudget, runAgentPhase, type AgentEvent, type PhaseContext, type ModelRouter } from '../../../src/core/ai';
import { warmUpFirstModel } from '../../../src/core/ai/warm-up';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import type { ScriptedTurn } from '../../support/fake-model-script';
import { tempDir } from '../../support/temp';
import { startFakes, testRouter, type Fakes } from './helpers';

const context: PhaseContext = {
  recommendation: { title: 'Add a greeting helper', description: 'Export greet(name) from src/greet.ts returning "Hello, <name>!".', acceptanceCriteria: ['greet("Ada") returns "Hello, Ada!"'] },
  repoMap: { files: [{ path: 'src/index.ts' }, { path: 'package.json' }] },
};

const MODEL = 'qwen2.5-coder:7b';
const LOAD_MS = 40;

/** `n` turns of reading files (each result a few hundred tokens), then finish. */
function turns(n: number, summary: string): ScriptedTurn[] {
  const list: ScriptedTurn[] = [];
  for (let i = 0; i < n - 1; i++) list.push({ toolCalls: [{ name: 'read_file', arguments: { path: `src/file${i % 6}.ts` } }, { name: 'search', arguments: { query: `marker${i}` } }] });
  list.push({ toolCalls: [{ name: 'finish', arguments: { summary } }] });
  return list;
}

describe('Ollama model loads: one context per deployment and model', function () {
  this.timeout(60_000);
  let fakes: Fakes;
  let sandbox: { path: string; cleanup(): void };
  let dbDir: { path: string; cleanup(): void };
  let store: HistoryStore;

  beforeEach(async () => {
    fakes = await startFakes({ models: [{ name: MODEL, contextLength: 32768 }, { name: 'qwen2.5-coder:14b', contextLength: 65536 }] });
    fakes.ollama.loadDelayMs = LOAD_MS;
    sandbox = tempDir('deploy-agent-loads-');
    dbDir = tempDir('deploy-agent-loads-db-');
    store = openHistoryStore(path.join(dbDir.path, 'history.db'));
    mkdirSync(path.join(sandbox.path, 'src'));
    for (let f = 0; f < 6; f++) writeFileSync(path.join(sandbox.path, `src/file${f}.ts`), `export const marker${f} = ${f};\n` + `export const filler${f} = 'some text to read';\n`.repeat(40));
  });
  afterEach(async () => {
    store.close();
    await fakes.close();
    sandbox.cleanup();
    dbDir.cleanup();
  });

  const router = (overrides: Record<string, unknown> = {}) => testRouter(fakes, { store, repoKey: sandbox.path, withKey: false, overrides });
  const phase = (r: ModelRouter, name: 'implement' | 'tests' | 'fix', events: AgentEvent[] = [], extra: Partial<PhaseContext> = {}) =>
    runAgentPhase({ phase: name, sandboxDir: sandbox.path, context: { ...context, ...extra }, router: r, budget: new DeploymentBudget({ maxTurns: 200, maxTokens: 1e9, maxCostUsd: 1 }), deploymentId: 'dep-loads', onEvent: (e) => events.push(e) });
  const numCtxSent = () => new Set(fakes.ollama.chats.map((c) => (c.body as { options: { num_ctx: number } }).options.num_ctx));

  it('a 20-turn deployment (implement, tests, two repair rounds) loads its model once, with the warm-up, and keeps it with keep_alive', async () => {
    fakes.ollama.script('implement', ...turns(8, 'implemented'));
    fakes.ollama.script('tests', ...turns(6, 'tests written'));
    fakes.ollama.script('fix', ...turns(3, 'first repair'), ...turns(3, 'second repair'));
    const r = router();
    const events: AgentEvent[] = [];
    const warmed = await warmUpFirstModel(r, { deploymentId: 'dep-loads', recommendation: context.recommendation, contextAllowance: 6500 });
    assert.deepEqual(warmed, { model: MODEL, numCtx: 32768 }, 'the recommendation plus what the analysis adds needs more than 16k: 32k');
    assert.equal(fakes.ollama.loads.length, 1, 'the warm-up loaded the model before any turn');
    assert.equal(fakes.ollama.chats.length, 0);
    let total = 0;
    for (const name of ['implement', 'tests', 'fix', 'fix'] as const) {
      const result = await phase(r, name, events, name === 'fix' ? { failingOutput: 'AssertionError: expected 5 to equal 6' } : {});
      assert.equal(result.status, 'succeeded', result.summary);
      total += result.turns;
    }
    assert.equal(total, 20);
    assert.deepEqual(fakes.ollama.loadsPerModel(), { [MODEL]: 1 }, JSON.stringify(fakes.ollama.loads));
    assert.equal(fakes.ollama.loadTimeMs, LOAD_MS);
    assert.deepEqual([...numCtxSent()], [32768], 'every turn of every phase asked for the same num_ctx');
    assert.ok(fakes.ollama.chats.every((c) => c.body.keep_alive === '30m'), 'keep_alive spans the test runs between phases');
    // The load is recorded once, with its cause; no phase announced another.
    const decisions = store.db.prepare("SELECT chosen, reason FROM decisions WHERE kind = 'model-load'").all() as { chosen: string; reason: string }[];
    assert.equal(decisions.length, 1);
    assert.equal(decisions[0]!.chosen, `ollama:${MODEL}@32768`);
    assert.match(decisions[0]!.reason, /first load for this deployment \(not loaded\): a context of 32k tokens/);
    assert.deepEqual(r.modelLoads('dep-loads').map((l) => l.kind), ['load']);
    assert.equal(events.filter((e) => e.type === 'model-load').length, 0, 'the phases found the size the warm-up chose');
  });

  it('without a warm-up the first phase chooses the size from its prompt, and the next phases keep it', async () => {
    fakes.ollama.script('implement', ...turns(4, 'implemented'));
    fakes.ollama.script('tests', ...turns(3, 'tests written'));
    const r = router();
    const events: AgentEvent[] = [];
    await phase(r, 'implement', events);
    await phase(r, 'tests', events);
    assert.equal(fakes.ollama.loads.length, 1);
    assert.deepEqual([...numCtxSent()], [16384], 'a small prompt plus room for the conversation: 16k');
    const loads = events.filter((e) => e.type === 'model-load');
    assert.equal(loads.length, 1);
    assert.equal(loads[0]!.type === 'model-load' && loads[0]!.phase, 'implement');
  });

  it('a model already loaded with a context that fits is used as it is: no load at all', async () => {
    fakes.ollama.preload(MODEL, 32768);
    fakes.ollama.script('implement', ...turns(3, 'implemented'));
    const r = router();
    const events: AgentEvent[] = [];
    const result = await phase(r, 'implement', events);
    assert.equal(result.status, 'succeeded');
    assert.equal(fakes.ollama.loads.length, 0);
    assert.deepEqual([...numCtxSent()], [32768]);
    assert.ok(fakes.ollama.http.requests.some((q) => q.path === '/api/ps'), '/api/ps was read');
    const [adopted] = r.modelLoads('dep-loads');
    assert.equal(adopted!.kind, 'adopted');
    assert.match(adopted!.reason, /already loaded with a context of 32k tokens, which holds the [\d,]+ tokens needed: used as it is/);
  });

  it('a model loaded with too small a context is loaded again once, and the cause says so', async () => {
    fakes.ollama.preload(MODEL, 4096);
    fakes.ollama.script('implement', ...turns(3, 'implemented'));
    const r = router();
    await phase(r, 'implement');
    assert.deepEqual(fakes.ollama.loads.map((l) => [l.cause, l.previousNumCtx, l.numCtx]), [['num_ctx changed', 4096, 16384]]);
    assert.match(r.modelLoads('dep-loads')[0]!.reason, /loaded with a context of 4k tokens, less than the [\d,]+ tokens needed/);
  });

  it('grows only when the conversation cannot fit even with old tool output elided; the reload is logged with its cause', async () => {
    // Each read returns about 10k tokens; the last four messages are always kept whole, so 16k cannot hold them.
    writeFileSync(path.join(sandbox.path, 'src/big.ts'), 'export const big = 1;\n'.repeat(2000));
    const reads: ScriptedTurn[] = Array.from({ length: 3 }, (_, i) => ({ toolCalls: [{ name: 'read_file', arguments: { path: 'src/big.ts' } }, { name: 'search', arguments: { query: `nothing${i}` } }] }));
    fakes.ollama.script('implement', ...reads, { toolCalls: [{ name: 'finish', arguments: { summary: 'read it all' } }] });
    const r = router({ 'ollama.maxContextTokens': 65536 });
    const events: AgentEvent[] = [];
    const result = await phase(r, 'implement', events);
    assert.equal(result.status, 'succeeded', result.summary);
    const sizes = fakes.ollama.chats.map((c) => (c.body as { options: { num_ctx: number } }).options.num_ctx);
    assert.deepEqual([...new Set(sizes)], [16384, 32768], 'one growth, to the next coarse size');
    assert.equal(fakes.ollama.loads.length, 2);
    const growth = events.filter((e) => e.type === 'model-load')[1];
    assert.ok(growth && growth.type === 'model-load');
    assert.equal(growth.previous, 16384);
    assert.match(growth.reason, /^reload 16k tokens → 32k tokens: the conversation needs [\d,]+ tokens even with earlier tool output elided$/);
    const earlier = (fakes.ollama.chats.at(-1)!.body as { messages: { role: string; content: string }[] }).messages.filter((m) => m.role === 'tool');
    assert.ok(earlier.some((m) => m.content.startsWith('(earlier output elided')), 'old tool output was elided first');
    assert.equal((store.db.prepare("SELECT count(*) AS n FROM decisions WHERE kind = 'model-load'").get() as { n: number }).n, 2);
  });

  it('two models in one deployment: one load each', async () => {
    fakes.ollama.script('implement', ...turns(3, 'implemented'));
    fakes.ollama.script('tests', ...turns(3, 'tests written'));
    fakes.ollama.script('fix', ...turns(2, 'repaired'));
    const r = router({ 'ollama.phaseModels': { tests: 'qwen2.5-coder:14b' }, 'ollama.maxContextTokens': 65536 });
    for (const name of ['implement', 'tests', 'fix'] as const) assert.equal((await phase(r, name)).status, 'succeeded');
    assert.deepEqual(fakes.ollama.loadsPerModel(), { [MODEL]: 1, 'qwen2.5-coder:14b': 1 });
  });

  it('the fake Ollama reloads on every change of num_ctx and when keep_alive ran out (what the loads above are measured against)', async () => {
    const ask = (numCtx: number | undefined, keepAlive?: string | number) =>
      fetch(`${fakes.ollama.url}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: false, ...(keepAlive !== undefined ? { keep_alive: keepAlive } : {}), ...(numCtx ? { options: { num_ctx: numCtx } } : {}) }),
      }).then((res) => res.json() as Promise<{ load_duration: number }>);
    await ask(8192);
    await ask(8192);
    await ask(9216);
    await ask(undefined);
    await ask(undefined, 0);
    await ask(undefined);
    assert.deepEqual(
      fakes.ollama.loads.map((l) => [l.numCtx, l.cause]),
      [
        [8192, 'not loaded'],
        [9216, 'num_ctx changed'],
        [4096, 'num_ctx changed'],
        [4096, 'not loaded'],
      ],
    );
    const ps = (await (await fetch(`${fakes.ollama.url}/api/ps`)).json()) as { models: { name: string; context_length: number }[] };
    assert.deepEqual(ps.models.map((m) => [m.name, m.context_length]), [[MODEL, 4096]]);
    const refused = await fetch(`${fakes.ollama.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: MODEL, messages: [], keep_alive: '-1' }) });
    assert.equal(refused.status, 400, 'a bare number as a string is not a duration, as Ollama says');
  });
});
