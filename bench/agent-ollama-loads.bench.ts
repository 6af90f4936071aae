// Ollama model loads per deployment, before and after one context per deployment and model.
// A deployment of 20 turns (implement 8, tests 6, two repair rounds of 3) runs through the real
// agent loop, router and `ollama` client against the fake Ollama, which counts a load whenever a
// request asks for a model that is not loaded or for another num_ctx, as a real Ollama reloads.
// "before" is the same deployment with the sizing the agent used until now (num_ctx = what each
// request needs rounded up to 1024, no warm-up, Ollama's default keep_alive), applied by a
// provider wrapper around the same client; "after" is the code as it is. The simulated load time
// counts each load at LOAD_SECONDS (a 7B model from disk on a laptop; the fake itself does not sleep).
// Target: 1 load per model per deployment. Run alone: npx tsx bench/agent-ollama-loads.bench.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createModelRouter, DeploymentBudget, estimateTokens, AGENT_TOOLS, runAgentPhase, type ModelProvider, type ProviderChatRequest } from '../src/core/ai';
import { OllamaProvider } from '../src/core/ai/providers/ollama';
import { warmUpFirstModel } from '../src/core/ai/warm-up';
import { resolveConfig } from '../src/core/config/resolve';
import { ANALYSIS_PROMPT_TOKENS } from '../src/core/pipeline/context';
import { FakeOllama } from '../test/support/fake-ollama';
import type { ScriptedTurn } from '../test/support/fake-model-script';
import { tempDir } from '../test/support/temp';
import { target, verdict } from './support';

const MODEL = 'qwen2.5-coder:7b';
const LOAD_SECONDS = 8;
const PHASES = [
  ['implement', 8],
  ['tests', 6],
  ['fix', 3],
  ['fix', 3],
] as const;

/** The sizing before this change: each request's need (prompt, tools, answer room) rounded up to 1024, capped by the model. */
class PerRequestSizing implements ModelProvider {
  readonly name = 'ollama' as const;
  constructor(private readonly inner: OllamaProvider) {}
  preflight(model: string, signal?: AbortSignal) {
    return this.inner.preflight(model, signal);
  }
  listModels(signal?: AbortSignal) {
    return this.inner.listModels(signal);
  }
  chat(request: ProviderChatRequest) {
    const messages = request.messages.reduce((n, m) => n + estimateTokens(m.content) + (m.role === 'assistant' && m.toolCalls ? estimateTokens(JSON.stringify(m.toolCalls)) : 0) + 4, 0);
    const needed = estimateTokens(request.system) + (request.tools ? estimateTokens(JSON.stringify(AGENT_TOOLS)) : 0) + 512 + messages + request.maxOutputTokens;
    const numCtx = Math.min(32768, Math.max(2048, Math.ceil(needed / 1024) * 1024));
    const { keepAlive: _default, ...rest } = request;
    return this.inner.chat({ ...rest, numCtx });
  }
}

function script(fake: FakeOllama): void {
  for (const [phase, turns] of PHASES) {
    const list: ScriptedTurn[] = [];
    for (let i = 0; i < turns - 1; i++) list.push({ toolCalls: [{ name: 'read_file', arguments: { path: `src/file${i % 6}.ts` } }, { name: 'search', arguments: { query: `marker${i}` } }] });
    list.push({ toolCalls: [{ name: 'finish', arguments: { summary: `${phase} done` } }] });
    fake.script(phase, ...list);
  }
}

async function deployment(kind: 'before' | 'after'): Promise<{ loads: number; models: number; turns: number; numCtxValues: number }> {
  const fake = new FakeOllama({ models: [{ name: MODEL, contextLength: 32768 }] });
  await fake.listen();
  const sandbox = tempDir('deploy-agent-bench-loads-');
  mkdirSync(path.join(sandbox.path, 'src'));
  for (let f = 0; f < 6; f++) writeFileSync(path.join(sandbox.path, `src/file${f}.ts`), `export const marker${f} = ${f};\n` + `export const filler${f} = 'text the model reads';\n`.repeat(60));
  try {
    script(fake);
    const config = resolveConfig({ editor: { 'ai.providers': ['ollama'], 'ollama.host': fake.url } });
    const providers = kind === 'before' ? { ollama: new PerRequestSizing(new OllamaProvider({ host: fake.url })) } : undefined;
    const router = createModelRouter({ config, env: {}, repoKey: sandbox.path, ...(providers ? { providers } : {}) });
    const recommendation = { title: 'Add a greeting helper', description: 'Export greet(name) from src/greet.ts returning "Hello, <name>!".', acceptanceCriteria: ['greet("Ada") returns "Hello, Ada!"'] };
    if (kind === 'after') await warmUpFirstModel(router, { deploymentId: 'bench', recommendation, contextAllowance: ANALYSIS_PROMPT_TOKENS });
    const budget = new DeploymentBudget({ maxTurns: 1000, maxTokens: 1e12, maxCostUsd: 1 });
    let turns = 0;
    for (const [phase] of PHASES) {
      const result = await runAgentPhase({ phase, sandboxDir: sandbox.path, context: { recommendation, repoMap: 'src/\n  file0.ts … file5.ts\n'.repeat(40), ...(phase === 'fix' ? { failingOutput: 'AssertionError: expected 5 to equal 6\n'.repeat(20) } : {}) }, router, budget, deploymentId: 'bench' });
      if (result.status !== 'succeeded') throw new Error(`${kind}: ${phase} ${result.status}: ${result.summary}`);
      turns += result.turns;
    }
    const sizes = new Set(fake.chats.map((c) => (c.body as { options: { num_ctx: number } }).options.num_ctx));
    return { loads: fake.loads.length, models: Object.keys(fake.loadsPerModel()).length, turns, numCtxValues: sizes.size };
  } finally {
    await fake.close();
    sandbox.cleanup();
  }
}

async function main(): Promise<void> {
  const before = await deployment('before');
  const after = await deployment('after');
  const perModel = after.loads / after.models;
  console.log(
    JSON.stringify({
      name: 'agent.ollama.loadsPerDeployment',
      timed: `model loads of one ${after.turns}-turn deployment (implement, tests, 2 repair rounds) against the fake Ollama that reloads on every num_ctx change; simulated at ${LOAD_SECONDS} s a load`,
      runs: 1,
      spread: 'deterministic (counted, not timed)',
      loadsBefore: before.loads,
      loadsAfter: after.loads,
      loadsPerModelAfter: perModel,
      simulatedLoadSecondsBefore: before.loads * LOAD_SECONDS,
      simulatedLoadSecondsAfter: after.loads * LOAD_SECONDS,
      numCtxValuesBefore: before.numCtxValues,
      numCtxValuesAfter: after.numCtxValues,
      ...verdict(target('loads per model per deployment', perModel, '<=', 1, 'loads')),
    }),
  );
}

void main();
