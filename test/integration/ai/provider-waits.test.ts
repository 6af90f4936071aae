import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DeploymentBudget, runAgentPhase, type AgentEvent, type PhaseContext } from '../../../src/core/ai';
import { isProviderError } from '../../../src/core/ai/providers/errors';
import { OllamaProvider } from '../../../src/core/ai/providers/ollama';
import { runBuiltCli } from '../../support/cli';
import { tempDir } from '../../support/temp';
import { startFakes, testRouter, type Fakes } from './helpers';

const PROXY_PAGE = '<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>\n';

const context: PhaseContext = { recommendation: { title: 'Add a greeting helper', description: 'Export greet(name) from src/greet.ts.' } };
const finishTurn = { text: 'Finishing.', toolCalls: [{ name: 'finish', arguments: { summary: 'ok' } }] };

describe('what a provider answers when it cannot serve: HTML error pages, Retry-After (real clients, fake servers)', function () {
  this.timeout(60_000);
  let fakes: Fakes;
  let sandbox: { path: string; cleanup(): void };
  beforeEach(async () => {
    fakes = await startFakes();
    sandbox = tempDir('deploy-agent-sandbox-');
    mkdirSync(path.join(sandbox.path, 'src'));
    writeFileSync(path.join(sandbox.path, 'src/index.ts'), 'export {};\n');
  });
  afterEach(async () => {
    await fakes.close();
    sandbox.cleanup();
  });
  const run = (router: ReturnType<typeof testRouter>, events: AgentEvent[] = []) =>
    runAgentPhase({ phase: 'implement', sandboxDir: sandbox.path, context, router, budget: new DeploymentBudget({ maxTurns: 20, maxTokens: 1e7, maxCostUsd: 10 }), onEvent: (e) => events.push(e) });

  it('`ai check --json` with Ollama behind a proxy answering an HTML 503: stdout is exactly one JSON object', async () => {
    fakes.ollama.http.failNext({ kind: 'status', status: 503, html: PROXY_PAGE }, '/api/version');
    const dir = tempDir();
    try {
      const result = await runBuiltCli(['--db', path.join(dir.path, 'h.db'), 'ai', 'check', '--json'], {
        env: { OLLAMA_HOST: fakes.ollama.url, ANTHROPIC_API_KEY: '', DEPLOY_AGENT_AI_PROVIDERS: 'ollama' },
        cwd: dir.path,
      });
      const out = JSON.parse(result.stdout) as { providers: { provider: string; reachable: boolean; reason?: string }[] };
      const ollama = out.providers.find((p) => p.provider === 'ollama')!;
      assert.equal(ollama.reachable, false);
      assert.match(String(ollama.reason), /HTTP 503/);
      assert.doesNotMatch(result.stdout + result.stderr, /Getting text from response/);
    } finally {
      dir.cleanup();
    }
  });

  it('an HTML 503 on a chat becomes a short message (the page title), and nothing is written to stdout', async () => {
    fakes.ollama.http.failNext({ kind: 'status', status: 503, html: PROXY_PAGE }, '/api/chat');
    const provider = new OllamaProvider({ host: fakes.ollama.url });
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
    let error: unknown;
    try {
      await provider.chat({ model: 'qwen2.5-coder:7b', system: 'deploy-agent phase: implement', messages: [{ role: 'user', content: 'hi' }], temperature: 0, maxOutputTokens: 100 });
    } catch (e) {
      error = e;
    } finally {
      process.stdout.write = write;
    }
    assert.deepEqual(written, []);
    assert.ok(isProviderError(error), String(error));
    assert.equal(error.status, 503);
    assert.equal(error.message, 'Ollama answered HTTP 503: 503 Service Unavailable.');
  });

  it("Ollama's Retry-After is honoured (the wait it asked for, not the backoff)", async () => {
    fakes.ollama.script('implement', finishTurn);
    fakes.ollama.http.failNext({ kind: 'status', status: 503, html: PROXY_PAGE, headers: { 'retry-after': '2' } }, '/api/chat');
    const events: AgentEvent[] = [];
    const started = Date.now();
    const result = await run(testRouter(fakes, { withKey: false }), events);
    assert.equal(result.status, 'succeeded', result.summary);
    const retry = events.find((e) => e.type === 'retry');
    assert.equal(retry?.type === 'retry' && retry.delayMs, 2000);
    assert.ok(Date.now() - started >= 1900);
  });

  it('Anthropic asking to wait an hour is not waited for: the phase falls back to Ollama at once', async () => {
    fakes.anthropic.fail({ kind: 'status', status: 429, headers: { 'retry-after': '3600' } }, 'implement');
    fakes.ollama.script('implement', finishTurn);
    const events: AgentEvent[] = [];
    const started = Date.now();
    const result = await run(testRouter(fakes, { overrides: { 'ai.providers': ['anthropic', 'ollama'] } }), events);
    assert.ok(Date.now() - started < 10_000, 'no hour-long wait');
    assert.equal(result.status, 'succeeded', result.summary);
    assert.equal(result.provider, 'ollama');
    const fallback = events.find((e) => e.type === 'fallback');
    assert.ok(fallback?.type === 'fallback');
    assert.match(fallback.reason, /Anthropic asked to wait 60 min before the next request \(Retry-After, HTTP 429\), longer than the 60 s Deploy Agent waits \(deployAgent\.ai\.maxRetryWaitSeconds\)/);
    assert.equal(events.filter((e) => e.type === 'retry').length, 0);
  });

  it('with no other provider the phase fails at once, saying how long was asked and what to do', async () => {
    fakes.anthropic.fail({ kind: 'status', status: 429, headers: { 'retry-after': '3600' } }, 'implement');
    const started = Date.now();
    const result = await run(testRouter(fakes, { overrides: { 'ai.providers': ['anthropic'], 'ai.maxRetryWaitSeconds': 30 } }));
    assert.ok(Date.now() - started < 10_000);
    assert.equal(result.status, 'failed');
    assert.match(result.summary, /asked to wait 60 min .*longer than the 30 s .*Try again after \d\d:\d\d UTC/);
  });
});
