// What a 20-turn agent phase on Anthropic pays for its input with prompt caching, as a share of
// what the same input costs uncached. The real agent loop, router and SDK run against the fake
// Messages API, which splits each request's input as the API does (cache_control breakpoints,
// 20-block look-back, the model's minimum cacheable length, 5-minute TTL): uncached, written to the
// cache (1.25× the input price), read from it (0.1×). The phase reads files for 19 turns, then
// finishes; its first prompt carries a repository map of about 6,000 tokens, like a real one.
// Target: billed input ≤ 0.3 of the uncached input cost. Run alone: npx tsx bench/agent-anthropic-cache.bench.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createModelRouter, DeploymentBudget, runAgentPhase } from '../src/core/ai';
import { priceOf, type PriceTable } from '../src/core/ai/cost';
import { resolveConfig } from '../src/core/config/resolve';
import { FakeAnthropic } from '../test/support/fake-anthropic';
import type { ScriptedTurn } from '../test/support/fake-model-script';
import { tempDir } from '../test/support/temp';
import { target, verdict } from './support';

const TURNS = 20;
const MODEL = 'claude-sonnet-4-6';

async function main(): Promise<void> {
  const anthropic = new FakeAnthropic();
  await anthropic.listen();
  const sandbox = tempDir('deploy-agent-bench-cache-');
  try {
    mkdirSync(path.join(sandbox.path, 'src'));
    for (let f = 0; f < 6; f++) writeFileSync(path.join(sandbox.path, `src/file${f}.ts`), `export const marker${f} = ${f};\n` + `export const filler${f} = 'text the model reads';\n`.repeat(40));
    const turns: ScriptedTurn[] = Array.from({ length: TURNS - 1 }, (_, i) => ({ toolCalls: [{ name: 'read_file', arguments: { path: `src/file${i % 6}.ts` } }] }));
    turns.push({ toolCalls: [{ name: 'finish', arguments: { summary: 'done' } }] });
    anthropic.script('implement', ...turns);
    const config = resolveConfig({ editor: { 'ai.providers': ['anthropic'], 'anthropic.baseUrl': anthropic.url, 'anthropic.model': MODEL } });
    const router = createModelRouter({ config, env: {}, secrets: { anthropicApiKey: async () => anthropic.apiKey }, repoKey: sandbox.path });
    const repoMap = Array.from({ length: 400 }, (_, i) => `src/module${i % 20}/file${i}.ts: export function handler${i}(request: Request): Response`).join('\n');
    const result = await runAgentPhase({
      phase: 'implement',
      sandboxDir: sandbox.path,
      context: { recommendation: { title: 'Add a greeting helper', description: 'Export greet(name) from src/greet.ts.' }, repoMap },
      router,
      budget: new DeploymentBudget({ maxTurns: 100, maxTokens: 1e9, maxCostUsd: 100 }),
      deploymentId: 'bench',
    });
    if (result.status !== 'succeeded' || result.turns !== TURNS) throw new Error(`unexpected end: ${result.status} after ${result.turns} turns (${result.summary})`);
    const price = priceOf(config.get<PriceTable>('ai.prices'), MODEL)!;
    const { inputTokens, outputTokens, costUsd } = result.usage;
    const read = result.usage.cacheReadTokens ?? 0;
    const written = result.usage.cacheWriteTokens ?? 0;
    const billedInputUsd = costUsd - (outputTokens * price.outputPerMTok) / 1e6;
    const uncachedInputUsd = (inputTokens * price.inputPerMTok) / 1e6;
    const ratio = billedInputUsd / uncachedInputUsd;
    console.log(
      JSON.stringify({
        name: 'agent.anthropic.billedInputRatio',
        timed: `input cost of one ${TURNS}-turn phase with prompt caching ÷ the same input uncached (${MODEL} list prices; fake Messages API with the cache rules)`,
        runs: 1,
        spread: 'deterministic (counted, not timed)',
        ratio: Number(ratio.toFixed(3)),
        inputTokens,
        cacheReadTokens: read,
        cacheWriteTokens: written,
        uncachedTokens: inputTokens - read - written,
        billedInputUsd: Number(billedInputUsd.toFixed(4)),
        uncachedInputUsd: Number(uncachedInputUsd.toFixed(4)),
        ...verdict(target('billed input ÷ uncached input cost', ratio, '<=', 0.3)),
      }),
    );
  } finally {
    await anthropic.close();
    sandbox.cleanup();
  }
}

void main();
