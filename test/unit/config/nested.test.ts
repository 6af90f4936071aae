import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { resolveConfig } from '../../../src/core/config/resolve';
import { workspaceConfigJsonSchema } from '../../../src/core/config/schema';
import { DeployAgentError } from '../../../src/core/errors';
import { tempDir } from '../../support/temp';

// A settings file may write the keys flat ("ollama.host") or grouped by their prefix
// ({ "ollama": { "host": … } }), or mix both; either way the same settings come out.
describe('settings files with nested keys', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  const workspaceFile = (value: unknown) => {
    mkdirSync(path.join(dir.path, '.deploy-agent'), { recursive: true });
    writeFileSync(path.join(dir.path, '.deploy-agent', 'config.json'), JSON.stringify(value));
  };
  const resolve = () => resolveConfig({ workspaceDir: dir.path, env: {} });

  it('reads grouped keys as the flat ones, at any depth, mixed with flat keys', () => {
    workspaceFile({
      ollama: { host: 'http://gpu-box:11434', model: 'qwen2.5-coder:14b' },
      'ai.providers': ['ollama'],
      ai: { phase: { maxTurns: 12 }, budget: { maxCostUsd: 2 } },
      pipeline: { circuitBreaker: { window: 20 } },
      logLevel: 'debug',
    });
    const config = resolve();
    assert.equal(config.get('ollama.host'), 'http://gpu-box:11434');
    assert.equal(config.get('ollama.model'), 'qwen2.5-coder:14b');
    assert.deepEqual(config.get('ai.providers'), ['ollama']);
    assert.equal(config.get('ai.phase.maxTurns'), 12);
    assert.equal(config.get('ai.budget.maxCostUsd'), 2);
    assert.equal(config.get('pipeline.circuitBreaker.window'), 20);
    assert.equal(config.get('logLevel'), 'debug');
    assert.equal(config.settings['ollama.host']!.source, 'workspace');
  });

  it('keeps a setting whose value is an object whole (it is not a group)', () => {
    workspaceFile({ ollama: { phaseModels: { tests: 'qwen2.5-coder:14b' } } });
    assert.deepEqual(resolve().get('ollama.phaseModels'), { tests: 'qwen2.5-coder:14b' });
  });

  it('refuses a setting written twice, naming both places', () => {
    workspaceFile({ 'ollama.host': 'http://a:1', ollama: { host: 'http://b:2' } });
    assert.throws(resolve, (e: unknown) => e instanceof DeployAgentError && e.code === 'CONFIG_INVALID' && /'ollama\.host' twice/.test(e.message) && /"ollama" → "host"/.test(e.message));
  });

  it('names an unknown key inside a group as the flat key it would be', () => {
    workspaceFile({ ollama: { hots: 'http://a:1' } });
    assert.throws(resolve, (e: unknown) => e instanceof DeployAgentError && /'ollama\.hots' is not a Deploy Agent setting \(did you mean 'ollama\.host'\?\)/.test(e.message));
  });

  it('still keeps user-only settings out of a repository’s file when they are nested', () => {
    workspaceFile({ pipeline: { allowUnconfinedTests: true } });
    const config = resolve();
    assert.equal(config.get('pipeline.allowUnconfinedTests'), false);
    assert.ok(config.ignored?.some((i) => i.key === 'pipeline.allowUnconfinedTests'), JSON.stringify(config.ignored));
  });

  it('the workspace file’s JSON Schema (IntelliSense) accepts both forms and refuses unknown grouped keys', () => {
    const validate = new Ajv({ strict: false }).compile(workspaceConfigJsonSchema());
    assert.equal(validate({ ollama: { host: 'http://a:1' }, ai: { phase: { maxTurns: 3 } }, 'pipeline.mode': 'review' }), true, JSON.stringify(validate.errors));
    assert.equal(validate({ ollama: { hots: 'x' } }), false);
    assert.equal(validate({ ai: { phase: { maxTurns: 'many' } } }), false);
  });
});
