// Agent-loop overhead per turn, excluding model time: a provider that answers instantly
// (in process) drives full phases — tool execution in a real sandbox, atomic writes with
// checks, the router (breaker, retry wrapper, accounting, SQLite call log + response cache),
// context fitting and the transcript. Target: under 5 ms per turn.
// Run alone: npx tsx bench/agent-loop.bench.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createModelRouter, DeploymentBudget, runAgentPhase, type ModelProvider, type ProviderChatRequest, type ProviderChatResponse } from '../src/core/ai';
import { resolveConfig } from '../src/core/config/resolve';
import { openHistoryStore } from '../src/core/store/database';
import { FakeOllama } from '../test/support/fake-ollama';
import { tempDir } from '../test/support/temp';

const TURNS = 60;
const RUNS = 7;
const TARGET_MS = 5;

class InstantProvider implements ModelProvider {
  readonly name = 'ollama' as const;
  private turn = 0;
  async preflight(model: string) {
    return { provider: 'ollama' as const, model, contextLength: 131072, supportsTools: true };
  }
  async listModels() {
    return ['bench'];
  }
  async chat(request: ProviderChatRequest): Promise<ProviderChatResponse> {
    void request;
    return this.next();
  }
  next(): ProviderChatResponse {
    const i = this.turn++;
    const calls = [
      { id: `r${i}`, name: 'read_file', arguments: { path: `src/file${i % 40}.ts` } },
      { id: `w${i}`, name: 'write_file', arguments: { path: `src/gen/out${i % 25}.ts`, content: `export const value${i} = ${i};\nexport function f${i}(x: number): number {\n  return x * ${i};\n}\n` } },
      { id: `e${i}`, name: 'edit_file', arguments: { path: `src/file${i % 40}.ts`, search: `export const marker${i % 40} = `, replace: `export const marker${i % 40} = ` } },
    ];
    return { text: `turn ${i}`, toolCalls: calls, usage: { inputTokens: 1500, outputTokens: 120 }, stopReason: 'tool_use' };
  }
}

async function oneRun(viaHttp?: FakeOllama): Promise<number> {
  const sandbox = tempDir('deploy-agent-bench-sandbox-');
  const db = tempDir('deploy-agent-bench-db-');
  mkdirSync(path.join(sandbox.path, 'src'), { recursive: true });
  for (let f = 0; f < 40; f++) writeFileSync(path.join(sandbox.path, `src/file${f}.ts`), `export const marker${f} = ${f};\n` + 'export const filler = 1;\n'.repeat(60));
  const store = openHistoryStore(path.join(db.path, 'h.db'));
  try {
    const config = resolveConfig({ editor: { 'ai.providers': ['ollama'], 'ai.phase.maxTurns': TURNS, 'ai.phase.maxTokens': 1e12, ...(viaHttp ? { 'ollama.host': viaHttp.url } : {}) } });
    const router = createModelRouter({ config, store, env: {}, repoKey: sandbox.path, ...(viaHttp ? {} : { providers: { ollama: new InstantProvider() } }) });
    if (viaHttp) {
      const instant = new InstantProvider();
      viaHttp.whenEmpty = () => {
        const turn = instant.next();
        return { text: turn.text, toolCalls: turn.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments ?? {} })) };
      };
    }
    const budget = new DeploymentBudget({ maxTurns: 10_000, maxTokens: 1e12, maxCostUsd: 1e6 });
    const started = process.hrtime.bigint();
    const result = await runAgentPhase({ phase: 'implement', sandboxDir: sandbox.path, context: { recommendation: { title: 'bench', description: 'bench' } }, router, budget, deploymentId: 'bench' });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.reason !== 'turn_limit' || result.turns !== TURNS) throw new Error(`unexpected end: ${result.reason} after ${result.turns} turns (${result.summary})`);
    return elapsed / TURNS;
  } finally {
    store.close();
    sandbox.cleanup();
    db.cleanup();
  }
}

async function main(): Promise<void> {
await oneRun(); // warm-up (module loading, TypeScript compiler for the syntax check)
const samples: number[] = [];
for (let i = 0; i < RUNS; i++) samples.push(await oneRun());
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)]!;
console.log(
  JSON.stringify({
    name: 'agent.loop.overheadPerTurn',
    timed: `one agent turn of the loop (${TURNS} turns per run, 3 tool calls each, in-process fake model), per turn`,
    medianMs: Number(median.toFixed(3)),
    minMs: Number(samples[0]!.toFixed(3)),
    maxMs: Number(samples.at(-1)!.toFixed(3)),
    targetMs: TARGET_MS,
    pass: median < TARGET_MS,
    turnsPerRun: TURNS,
    toolCallsPerTurn: 3,
    runs: RUNS,
  }),
);
// For comparison, the same turns through the real ollama client and a local fake server (HTTP + NDJSON parsing added; no model time).
const fake = new FakeOllama({ models: [{ name: 'qwen2.5-coder:7b', contextLength: 131072 }] });
await fake.listen();
try {
  await oneRun(fake);
  const http: number[] = [];
  for (let i = 0; i < RUNS; i++) http.push(await oneRun(fake));
  http.sort((a, b) => a - b);
  const m = http[Math.floor(http.length / 2)]!;
  console.log(JSON.stringify({ name: 'agent.loop.perTurnViaOllamaClient', timed: 'the same turns through the real ollama client and a local fake server, per turn', medianMs: Number(m.toFixed(3)), minMs: Number(http[0]!.toFixed(3)), maxMs: Number(http.at(-1)!.toFixed(3)), ratioToInProcess: Number((m / median).toFixed(2)), turnsPerRun: TURNS, runs: RUNS }));
} finally {
  await fake.close();
}
}

void main();
