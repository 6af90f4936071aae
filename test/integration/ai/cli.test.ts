import assert from 'node:assert/strict';
import path from 'node:path';
import { runBuiltCli } from '../../support/cli';
import { tempDir } from '../../support/temp';
import { startFakes, type Fakes } from './helpers';

describe('deploy-agent ai check (built CLI)', function () {
  let fakes: Fakes;
  let dir: { path: string; cleanup(): void };
  beforeEach(async () => {
    fakes = await startFakes({ models: [{ name: 'qwen2.5-coder:7b', contextLength: 32768 }] });
    dir = tempDir('deploy-agent-cli-ai-');
  });
  afterEach(async () => {
    await fakes.close();
    dir.cleanup();
  });
  const env = (extra: NodeJS.ProcessEnv = {}) => ({
    OLLAMA_HOST: fakes.ollama.url,
    ANTHROPIC_BASE_URL: fakes.anthropic.url,
    ANTHROPIC_API_KEY: '',
    DEPLOY_AGENT_DB: path.join(dir.path, 'history.db'),
    ...extra,
  });

  it('--json: both providers reachable, models listed, the model each phase would use', async () => {
    const result = await runBuiltCli(['ai', 'check', '--json', '-w', dir.path], { env: env({ ANTHROPIC_API_KEY: fakes.anthropic.apiKey }) });
    assert.equal(result.code, 0, result.stderr);
    const check = JSON.parse(result.stdout) as { ok: boolean; providers: { provider: string; reachable: boolean; models: string[]; phases: Record<string, { model: string; ready: boolean; contextLength?: number; supportsTools?: boolean }> }[] };
    assert.equal(check.ok, true);
    const [ollama, anthropic] = check.providers;
    assert.equal(ollama!.provider, 'ollama');
    assert.deepEqual(ollama!.models, ['qwen2.5-coder:7b']);
    assert.deepEqual(ollama!.phases.implement, { model: 'qwen2.5-coder:7b', ready: true, contextLength: 32768, supportsTools: true });
    assert.equal(anthropic!.reachable, true);
    assert.equal(anthropic!.phases.fix!.model, 'claude-sonnet-4-6');
    assert.ok(!result.stdout.includes(fakes.anthropic.apiKey) && !result.stderr.includes(fakes.anthropic.apiKey));
  });

  it('says why a provider is not usable and what to run, and exits 1 when no provider serves every phase', async () => {
    const result = await runBuiltCli(['ai', 'check', '-w', dir.path], { env: env({ DEPLOY_AGENT_OLLAMA_MODEL: 'llama3.1:8b' }) });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /Ollama: reachable/);
    assert.match(result.stdout, /implement llama3\.1:8b — not ready: .*`ollama pull llama3\.1:8b`/);
    assert.match(result.stdout, /Anthropic: not configured\n {2}why: {4}No Anthropic API key is configured\./);
  });
});
