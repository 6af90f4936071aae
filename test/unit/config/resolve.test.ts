import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveConfig, validateLayer } from '../../../src/core/config/resolve';
import { manifestConfigurationProperties, workspaceConfigJsonSchema } from '../../../src/core/config/schema';
import type { SettingSpec } from '../../../src/core/config/setting';
import { DeployAgentError } from '../../../src/core/errors';
import { tempDir } from '../../support/temp';

const specs: SettingSpec[] = [
  { key: 'ollama.host', env: 'OLLAMA_HOST', schema: { type: 'string', default: 'http://127.0.0.1:11434', description: 'host' } },
  { key: 'pipeline.repairRounds', env: 'DA_REPAIRS', schema: { type: 'integer', default: 2, minimum: 0, maximum: 10, description: 'rounds' } },
  { key: 'pipeline.draft', env: 'DA_DRAFT', schema: { type: 'boolean', default: false, description: 'draft' } },
  { key: 'providers.order', env: 'DA_ORDER', schema: { type: 'array', items: { type: 'string', enum: ['ollama', 'anthropic'] }, default: ['ollama', 'anthropic'], description: 'order' } },
];

describe('configuration', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  const writeWorkspace = (value: unknown) => {
    mkdirSync(path.join(dir.path, '.deploy-agent'), { recursive: true });
    writeFileSync(path.join(dir.path, '.deploy-agent', 'config.json'), typeof value === 'string' ? value : JSON.stringify(value));
  };

  it('layers default < workspace file < --config file < environment, and says where each value came from', () => {
    writeWorkspace({ 'ollama.host': 'http://gpu-box:11434', 'pipeline.repairRounds': 3, 'pipeline.draft': true });
    const extra = path.join(dir.path, 'ci.json');
    writeFileSync(extra, JSON.stringify({ 'pipeline.repairRounds': 5 }));
    const config = resolveConfig({ workspaceDir: dir.path, configFile: extra, env: { OLLAMA_HOST: 'http://env:1', DA_ORDER: 'anthropic,ollama' }, settings: specs });
    assert.deepEqual(config.settings['ollama.host'], { value: 'http://env:1', source: 'env', origin: 'OLLAMA_HOST' });
    assert.deepEqual(config.settings['pipeline.repairRounds'], { value: 5, source: 'file', origin: extra });
    assert.equal(config.settings['pipeline.draft']!.source, 'workspace');
    assert.deepEqual(config.get('providers.order'), ['anthropic', 'ollama']);
  });

  it("a repository cannot lower its own confinement: user-only settings in its .deploy-agent/config.json are ignored and named; the user's --config and environment set them", () => {
    writeWorkspace({ 'pipeline.allowUnconfinedTests': true, 'pipeline.testNetwork': true, 'hooks.network': true, 'hooks.timeoutMs': 5000 });
    const fromRepository = resolveConfig({ workspaceDir: dir.path });
    assert.equal(fromRepository.get('pipeline.allowUnconfinedTests'), false);
    assert.equal(fromRepository.get('pipeline.testNetwork'), false);
    assert.equal(fromRepository.get('hooks.network'), false);
    assert.equal(fromRepository.get('hooks.timeoutMs'), 5000, 'other settings still come from the repository');
    assert.deepEqual(fromRepository.ignored?.map((i) => i.key).sort(), ['hooks.network', 'pipeline.allowUnconfinedTests', 'pipeline.testNetwork']);
    const mine = path.join(dir.path, 'mine.json');
    writeFileSync(mine, JSON.stringify({ 'pipeline.testNetwork': true }));
    const fromUser = resolveConfig({ workspaceDir: dir.path, configFile: mine, env: { DEPLOY_AGENT_ALLOW_UNCONFINED_TESTS: '1' } });
    assert.equal(fromUser.get('pipeline.testNetwork'), true);
    assert.equal(fromUser.get('pipeline.allowUnconfinedTests'), true);
  });

  it('applies VS Code settings over the workspace file', () => {
    writeWorkspace({ 'pipeline.repairRounds': 3 });
    const config = resolveConfig({ workspaceDir: dir.path, editor: { 'pipeline.repairRounds': 1 }, settings: specs });
    assert.deepEqual(config.settings['pipeline.repairRounds'], { value: 1, source: 'editor', origin: 'settings.json' });
    assert.equal(config.settings['ollama.host']!.source, 'default');
  });

  it('names the wrong key and what is expected', () => {
    writeWorkspace({ 'olama.host': 'x', 'pipeline.repairRounds': 'three', 'pipeline.draft': 'yes' });
    assert.throws(
      () => resolveConfig({ workspaceDir: dir.path, settings: specs }),
      (error: unknown) => {
        assert.ok(error instanceof DeployAgentError);
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, /'olama\.host' is not a Deploy Agent setting \(did you mean 'ollama\.host'\?\)/);
        assert.match(error.message, /'pipeline\.repairRounds' must be an integer/);
        assert.match(error.message, /'pipeline\.draft' must be a boolean/);
        assert.match(error.message, /config\.json/);
        return true;
      },
    );
  });

  it('an empty layer is valid as it is; a layer that is no object is still refused', () => {
    assert.equal(resolveConfig({ editor: {}, settings: specs }).settings['pipeline.repairRounds']!.source, 'default');
    writeWorkspace({});
    assert.equal(resolveConfig({ workspaceDir: dir.path, settings: specs }).get('pipeline.repairRounds'), specs.find((s) => s.key === 'pipeline.repairRounds')!.schema.default);
    for (const notAnObject of [[], null, 'x']) {
      assert.throws(() => validateLayer(notAnObject, specs, 'the layer'), (error: unknown) => error instanceof DeployAgentError && error.code === 'CONFIG_INVALID');
    }
  });

  it('reports a range violation with the limit', () => {
    writeWorkspace({ 'pipeline.repairRounds': 99 });
    assert.throws(() => resolveConfig({ workspaceDir: dir.path, settings: specs }), /'pipeline\.repairRounds' must be <= 10/);
  });

  it('explains invalid JSON and a missing --config file', () => {
    writeWorkspace('{ "ollama.host": "x", }');
    assert.throws(() => resolveConfig({ workspaceDir: dir.path, settings: specs }), (e: unknown) => e instanceof DeployAgentError && e.code === 'CONFIG_INVALID_JSON');
    assert.throws(() => resolveConfig({ configFile: path.join(dir.path, 'nope.json'), settings: specs }), (e: unknown) => e instanceof DeployAgentError && e.code === 'CONFIG_UNREADABLE');
  });

  it('rejects an environment value of the wrong type with the variable name', () => {
    assert.throws(() => resolveConfig({ env: { DA_REPAIRS: 'many' }, settings: specs }), /DA_REPAIRS="many" is not an integer/);
    assert.throws(() => resolveConfig({ env: { DA_DRAFT: 'perhaps' }, settings: specs }), /DA_DRAFT="perhaps" is not true or false/);
    assert.equal(resolveConfig({ env: { DA_DRAFT: 'off' }, settings: specs }).get('pipeline.draft'), false);
  });

  it('package.json and schemas/config.schema.json match the setting definitions (run `npm run sync:settings`)', () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.deepEqual(manifest.contributes.configuration.properties, manifestConfigurationProperties());
    const schema = JSON.parse(readFileSync(path.join(root, 'schemas', 'config.schema.json'), 'utf8'));
    assert.deepEqual(schema, workspaceConfigJsonSchema());
  });
});
