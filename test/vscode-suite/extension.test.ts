// Runs inside the VS Code extension host (code-server in the e2e run, or VS Code through
// @vscode/test-electron) and exercises Deploy Agent through the real `vscode` API.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DeployAgentApi } from '../../src/extension/main';
import { extras, USER_DATA_ENV } from './results';
import { FakeAnthropic } from '../support/fake-anthropic';
import { FakeOllama } from '../support/fake-ollama';
import { FakeGithub } from '../support/fake-github';
import { RECOMMENDATION, scriptPlantedFailure } from '../integration/pipeline/harness';
import { git } from '../integration/pipeline/repos';
import { fixtureWithLocalOllama } from './fixtures';

const EXTENSION_ID = 'deploy-agent.deploy-agent';
/** Sanity bound only; the real target (50 ms) lives in bench/activation.bench.ts. */
const ACTIVATION_SANITY_BOUND_MS = 2000;

function extension(): vscode.Extension<DeployAgentApi> {
  const ext = vscode.extensions.getExtension<DeployAgentApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this editor`);
  return ext;
}

/** The "Deploy Agent" output channel's log files (a LogOutputChannel writes one per window). */
function outputChannelLogs(): string[] {
  const root = process.env[USER_DATA_ENV];
  assert.ok(root, `${USER_DATA_ENV} is not set, so the output channel's log cannot be found`);
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry);
      if (entry === 'Deploy Agent.log') found.push(full);
      else if (statSync(full, { throwIfNoEntry: false })?.isDirectory()) walk(full, depth + 1);
    }
  };
  walk(path.join(root, 'logs'), 0);
  return found;
}

/** Waits until some "Deploy Agent" output channel log contains `text` (log writes are buffered). */
async function waitForOutput(text: string, timeoutMs = 10000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const file of outputChannelLogs()) {
      const content = readFileSync(file, 'utf8');
      if (content.includes(text)) return content;
    }
    if (Date.now() > deadline) {
      const files = outputChannelLogs();
      assert.fail(`no "Deploy Agent" output channel log contains ${JSON.stringify(text)} after ${timeoutMs} ms (logs found: ${files.length ? files.join(', ') : 'none'})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Deploy Agent in the VS Code extension host', () => {
  let api: DeployAgentApi;

  before(async () => {
    extras.vscodeVersion = vscode.version;
    extras.extensionHostNode = process.version;
    const ext = extension();
    extras.extensionPath = ext.extensionPath;
    extras.activeBeforeTests = ext.isActive;
    api = await ext.activate();
    extras.activationMs = api?.activationMs;
  });

  it('activates and returns its API', () => {
    assert.equal(extension().isActive, true);
    assert.equal(typeof api.services, 'function');
  });

  it('measures its activation time, within a sane bound', () => {
    assert.equal(typeof api.activationMs, 'number');
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs > 0, `activationMs is ${api.activationMs}`);
    assert.ok(api.activationMs < ACTIVATION_SANITY_BOUND_MS, `activation took ${api.activationMs} ms`);
  });

  it('registers both commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('deployAgent.showDiagnostics'), 'deployAgent.showDiagnostics is not registered');
    assert.ok(commands.includes('deployAgent.deployRecommendation'), 'deployAgent.deployRecommendation is not registered');
  });

  it('runs on Node 22 with Node-API 10 in this extension host', () => {
    assert.match(process.version, /^v22\./);
    assert.ok(Number(process.versions.napi) >= 10, `Node-API ${process.versions.napi}`);
  });

  it('computes diagnostics in the extension host: SQLite, schema, Node 22, Node-API 10', async () => {
    const diagnostics = await api.services().computeDiagnostics();
    extras.diagnostics = { sqliteVersion: diagnostics.database.sqliteVersion, schemaVersion: diagnostics.database.schemaVersion, node: diagnostics.node.version, napi: diagnostics.node.napiVersion };
    assert.equal(diagnostics.host, 'vscode');
    assert.equal(diagnostics.vscodeVersion, vscode.version);
    assert.match(diagnostics.database.sqliteVersion, /^3\.\d+\.\d+/);
    assert.ok(Number.isInteger(diagnostics.database.schemaVersion) && diagnostics.database.schemaVersion >= 1, `schema version ${diagnostics.database.schemaVersion}`);
    assert.equal(diagnostics.database.schemaVersion, diagnostics.database.latestSchemaVersion);
    assert.equal(diagnostics.database.pathSource, 'default', 'one history with the CLI (test/vscode-suite/history.test.ts)');
    assert.ok(path.isAbsolute(diagnostics.database.path) && diagnostics.database.path.endsWith('history.db'), diagnostics.database.path);
    assert.match(diagnostics.node.version, /^v22\./);
    assert.equal(String(diagnostics.node.napiVersion), String(process.versions.napi));
    assert.ok(Number(diagnostics.node.napiVersion) >= 10);
    assert.equal(diagnostics.node.version, process.version);
  });

  it('shows the diagnostics panel through its command', async () => {
    const shown = await vscode.commands.executeCommand<{ database: { sqliteVersion: string } } | undefined>('deployAgent.showDiagnostics');
    assert.ok(shown, 'the command returned nothing');
    assert.match(shown.database.sqliteVersion, /^3\./);
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).map((tab) => tab.label);
    assert.ok(tabs.some((label) => label.includes('Deploy Agent: Diagnostics')), `open tabs: ${tabs.join(', ')}`);
  });

  it('writes to its "Deploy Agent" output channel', async () => {
    const log = await waitForOutput('Deploy Agent activated in');
    assert.match(log, /Deploy Agent activated in \d+(\.\d+)? ms/);
  });

  it('Deploy Recommendation runs the real pipeline from the extension host: a dry run implemented, tested, repaired once, report offered (local Ollama API)', async function () {
    this.timeout(120000);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-deploy-'));
    const ollama = new FakeOllama();
    try {
      const repo = await fixtureWithLocalOllama(tmp, await ollama.listen());
      const recommendationFile = path.join(tmp, 'recommendation.json');
      writeFileSync(recommendationFile, JSON.stringify(RECOMMENDATION));
      scriptPlantedFailure(ollama, 'node');

      const outcome = await api.services().deployRecommendation({ recommendationFile, mode: 'dry-run', workspaceDir: repo.dir });
      assert.ok(outcome, 'the command returned no outcome');
      assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome.error));
      assert.equal(outcome.repairs, 1);
      assert.equal(outcome.tests.failed, 0);
      assert.ok(outcome.report?.markdown && existsSync(outcome.report.markdown), 'the report was written');
      assert.match(readFileSync(outcome.report.markdown, 'utf8'), /\| AC1: mul\(2, 3\) returns 6 \|/);
      assert.equal(git(repo.dir, 'branch', '--list', 'deploy-agent/*'), '', 'a dry run keeps no branch');
      const log = await waitForOutput('run-tests: succeeded');
      assert.match(log, /repair: succeeded/);
    } finally {
      await ollama.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a full-pr deployment from VS Code opens its pull request; the periodic sync then learns that its CI failed (local Ollama and GitHub REST APIs, real clients)', async function () {
    this.timeout(120000);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-sync-'));
    const ollama = new FakeOllama();
    const github = new FakeGithub({ autoCreateRepos: true });
    const saved = { token: process.env.GITHUB_TOKEN, url: process.env.GITHUB_API_URL, repo: process.env.GITHUB_REPOSITORY };
    try {
      const repo = await fixtureWithLocalOllama(tmp, await ollama.listen());
      process.env.GITHUB_API_URL = await github.listen();
      process.env.GITHUB_TOKEN = github.token;
      process.env.GITHUB_REPOSITORY = 'acme/calc';
      const recommendationFile = path.join(tmp, 'recommendation.json');
      writeFileSync(recommendationFile, JSON.stringify(RECOMMENDATION));
      scriptPlantedFailure(ollama, 'node');

      const services = api.services();
      const outcome = await services.deployRecommendation({ recommendationFile, mode: 'full-pr', workspaceDir: repo.dir });
      assert.ok(outcome?.prUrl, `no pull request: ${JSON.stringify(outcome?.error)}`);
      assert.equal(outcome.status, 'succeeded');
      const pull = github.repo('acme/calc').pulls.find((p) => outcome.prUrl!.endsWith(`/pull/${p.number}`));
      assert.ok(pull, 'the pull request exists on the GitHub fake');
      // After shipping: CI fails on the pull request's head, and it is merged anyway.
      github.setCheckRuns('acme/calc', pull.headSha, [{ conclusion: 'failure' }]);
      github.merge('acme/calc', pull.number);

      const result = await services.syncOutcomesNow();
      const synced = result?.deployments.find((d) => d.id === outcome.id);
      assert.ok(synced, `the sync did not read the deployment: ${JSON.stringify(result)}`);
      assert.deepEqual([synced.label, synced.checks, synced.merged], ['failure', 'failure', true], 'a merged pull request whose CI failed is a failure, whatever the local tests said');
      assert.match(await waitForOutput('Sync with GitHub: '), /Sync with GitHub: (1 deployment outcome|\d+ deployment outcomes) changed/);
    } finally {
      for (const [name, value] of [['GITHUB_TOKEN', saved.token], ['GITHUB_API_URL', saved.url], ['GITHUB_REPOSITORY', saved.repo]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await github.close();
      await ollama.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('keeps the Anthropic API key in SecretStorage and the model router uses it (real SDK against a local Messages API)', async function () {
    this.timeout(30000);
    const key = 'sk-ant-e2e-secret-storage-key-123456';
    const fake = new FakeAnthropic({ apiKey: key });
    const saved = { base: process.env.ANTHROPIC_BASE_URL, key: process.env.ANTHROPIC_API_KEY };
    process.env.ANTHROPIC_BASE_URL = await fake.listen();
    delete process.env.ANTHROPIC_API_KEY;
    try {
      for (const id of ['deployAgent.setAnthropicApiKey', 'deployAgent.clearAnthropicApiKey', 'deployAgent.checkModelProviders']) {
        assert.ok((await vscode.commands.getCommands(true)).includes(id), `${id} is not registered`);
      }
      const services = api.services();
      await services.clearAnthropicApiKey();
      const without = (await services.checkModelProviders()).providers.find((p) => p.provider === 'anthropic');
      assert.ok(without, 'anthropic is one of the providers');
      assert.equal(without.configured, false, 'no key yet: not configured');

      await services.storeAnthropicApiKey(key);
      const withKey = (await services.checkModelProviders()).providers.find((p) => p.provider === 'anthropic')!;
      assert.equal(withKey.reachable, true, withKey.reason);
      assert.ok(fake.http.requests.some((r) => r.headers['x-api-key'] === key || r.headers.authorization === `Bearer ${key}`), 'the stored key reached the API');
      const log = await waitForOutput('Anthropic: reachable');
      assert.ok(!log.includes(key), 'the key never reaches the output channel');
    } finally {
      await api.services().clearAnthropicApiKey();
      if (saved.base === undefined) delete process.env.ANTHROPIC_BASE_URL;
      else process.env.ANTHROPIC_BASE_URL = saved.base;
      if (saved.key !== undefined) process.env.ANTHROPIC_API_KEY = saved.key;
      await fake.close();
    }
  });
});
