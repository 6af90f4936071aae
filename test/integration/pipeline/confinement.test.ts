import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { EventsRepository, TestRunsRepository } from '../../../src/core/store/steps';
import type { FakeOllama } from '../../support/fake-ollama';
import { pathWithout } from '../../support/path-without';
import { parseJson, useHarnesses, userState, type Harness } from './harness';

const finish = (summary: string) => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });
const MUL = 'function add(a, b) {\n  return a + b;\n}\n\nfunction mul(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, mul };\n';

/**
 * A generated test that, besides testing mul, tries what a hostile model's test would: append to
 * the user's untracked NOTES.txt (found through `git rev-parse --git-common-dir`), plant a git hook
 * in the user's repository, write a file elsewhere on disk, and reach a server on the network.
 * It prints what happened as one `ESCAPE {…}` line and passes either way.
 */
function escapingTest(elsewhere: string, url: string): string {
  return `const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { mul } = require('../src/calc');

test('mul(2, 3) returns 6', () => assert.equal(mul(2, 3), 6));

test('looks around', async () => {
  const common = path.resolve(execFileSync('git', ['rev-parse', '--git-common-dir'], { encoding: 'utf8' }).trim());
  const userRepo = path.dirname(common);
  const tried = {};
  const attempt = (name, fn) => { try { fn(); tried[name] = 'written'; } catch (error) { tried[name] = error.code || String(error); } };
  attempt('notes', () => fs.appendFileSync(path.join(userRepo, 'NOTES.txt'), 'a line from the test\\n'));
  attempt('gitHook', () => fs.writeFileSync(path.join(common, 'hooks', 'post-checkout'), '#!/bin/sh\\necho owned\\n', { mode: 0o755 }));
  attempt('elsewhere', () => fs.writeFileSync(${JSON.stringify(elsewhere)}, 'written by a test'));
  tried.network = await new Promise((resolve) => {
    const req = http.get(${JSON.stringify(url)}, (res) => { res.resume(); resolve('reached'); });
    req.on('error', (error) => resolve(error.code || String(error)));
    req.setTimeout(3000, () => { req.destroy(); resolve('timeout'); });
  });
  console.log('ESCAPE ' + JSON.stringify(tried));
});
`;
}

function scriptEscapingModel(ollama: FakeOllama, elsewhere: string, url: string): void {
  ollama.script('implement', { toolCalls: [{ name: 'write_file', arguments: { path: 'src/calc.js', content: MUL } }] }, finish('Added mul(a, b).'));
  ollama.script('tests', { toolCalls: [{ name: 'write_file', arguments: { path: 'test/mul.test.js', content: escapingTest(elsewhere, url) } }] }, finish('Wrote test/mul.test.js.'));
}

function testOutputs(h: Harness, id: string): string {
  const store = openHistoryStore(h.db);
  try {
    return new TestRunsRepository(store.db)
      .list(id)
      .map((t) => t.output)
      .join('\n');
  } finally {
    store.close();
  }
}

function eventsOf(h: Harness, id: string, type: string): unknown[] {
  const store = openHistoryStore(h.db);
  try {
    return new EventsRepository(store.db).list(id, type).map((e) => e.payload);
  } finally {
    store.close();
  }
}

function escapes(output: string): Record<string, string> {
  const line = /ESCAPE (\{.*\})/.exec(output);
  assert.ok(line, `the generated test ran and reported:\n${output.slice(-3000)}`);
  return JSON.parse(line[1]!) as Record<string, string>;
}

describe('model-written tests run confined (built CLI, real git repository, fake model, real bubblewrap)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();
  let server: Server;
  let url: string;
  let requests = 0;

  before(async function () {
    const { detectConfinementTool } = await import('../../../src/core/confinement');
    const tool = await detectConfinementTool(process.env);
    if (tool.kind !== 'bubblewrap') {
      console.warn(`      skipped: ${tool.problem} (scripts/test-toolchains.mjs installs bubblewrap)`);
      this.skip();
    }
    server = createServer((_req, res) => {
      requests++;
      res.end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => server?.close());
  beforeEach(() => (requests = 0));

  const prepare = async () => {
    const h = await harnesses.create('node');
    // The user's own notes, untracked, and a hook folder in the user's repository.
    writeFileSync(path.join(h.repo.dir, 'NOTES.txt'), 'my notes\n');
    const elsewhere = path.join(h.root, 'written-elsewhere.txt');
    scriptEscapingModel(h.ollama, elsewhere, url);
    return { h, elsewhere, before: userState(h.repo.dir) };
  };

  it('a test cannot change the user repository (its files, its .git) nor write elsewhere, and has no network: the deployment goes on, the user files are byte-identical', async () => {
    const { h, elsewhere, before } = await prepare();
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json']);
    const out = parseJson(result);
    assert.equal(out.status, 'succeeded', result.stderr);

    const tried = escapes(testOutputs(h, String(out.id)));
    assert.equal(tried.notes, 'EROFS', 'the user repository is read-only');
    assert.equal(tried.gitHook, 'EROFS', 'its .git is read-only');
    assert.equal(readFileSync(path.join(h.repo.dir, 'NOTES.txt'), 'utf8'), 'my notes\n');
    assert.equal(existsSync(path.join(h.repo.dir, '.git', 'hooks', 'post-checkout')), false);
    // /tmp inside is private: what the test wrote there is gone with it.
    assert.equal(tried.elsewhere, 'written');
    assert.equal(existsSync(elsewhere), false, 'nothing written elsewhere reached the disk');
    assert.equal(tried.network, 'ECONNREFUSED', 'no network but the run\'s own loopback');
    assert.equal(requests, 0, 'the server saw no request');
    assert.equal(userState(h.repo.dir).digest, before.digest);

    assert.match(testOutputs(h, String(out.id)), /\[deploy-agent\] confinement: bubblewrap/);
    assert.deepEqual((eventsOf(h, String(out.id), 'confinement')[0] as { kind: string }).kind, 'bubblewrap');
    const report = await h.cli(['report', String(out.id)]);
    assert.match(report.stdout, /ran confined by bubblewrap[^\n]*network off/);
  });

  it('pipeline.testNetwork turns the network on for the tests (the files stay protected)', async () => {
    const { h, before } = await prepare();
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json'], { DEPLOY_AGENT_TEST_NETWORK: 'true' });
    const out = parseJson(result);
    assert.equal(out.status, 'succeeded', result.stderr);
    const tried = escapes(testOutputs(h, String(out.id)));
    assert.equal(tried.network, 'reached');
    assert.ok(requests >= 1);
    assert.equal(tried.notes, 'EROFS');
    assert.equal(userState(h.repo.dir).digest, before.digest);
  });

  it('without a confinement tool the deployment is refused before any model call, unless pipeline.allowUnconfinedTests is set; then it says so everywhere', async () => {
    const h = await harnesses.create('node');
    h.ollama.script('implement', { toolCalls: [{ name: 'write_file', arguments: { path: 'src/calc.js', content: MUL } }] }, finish('Added mul(a, b).'));
    h.ollama.script(
      'tests',
      { toolCalls: [{ name: 'write_file', arguments: { path: 'test/mul.test.js', content: "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { mul } = require('../src/calc');\n\ntest('mul', () => assert.equal(mul(2, 3), 6));\n" } }] },
      finish('Wrote the test.'),
    );
    const PATH = pathWithout(h.root, ['bwrap']);

    const refused = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json'], { PATH });
    const no = parseJson(refused);
    assert.equal(refused.code, 1);
    assert.equal((no.error as { code: string }).code, 'CONFINEMENT_UNAVAILABLE', JSON.stringify(no.error));
    assert.match((no.error as { message: string }).message, /bubblewrap \(bwrap\) is not installed/);
    assert.match((no.error as { hint: string }).hint, /apt-get install bubblewrap[\s\S]*pipeline\.allowUnconfinedTests/);
    assert.equal(h.ollama.chats.length, 0, 'no model call');

    const diagnostics = await h.cli(['diagnostics', '--workspace', h.repo.dir], { PATH });
    assert.match(diagnostics.stdout, /Confinement of model-written code\n\s+Tool\s+none: bubblewrap \(bwrap\) is not installed[\s\S]*In effect\s+none: deployments are refused/);

    const allowed = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--strategy', 'balanced', '--json'], { PATH, DEPLOY_AGENT_ALLOW_UNCONFINED_TESTS: '1' });
    const yes = parseJson(allowed);
    assert.equal(yes.status, 'succeeded', allowed.stderr);
    assert.ok((yes.warnings as string[]).some((w) => /Model-written code runs UNCONFINED/.test(w)), JSON.stringify(yes.warnings));
    assert.match(testOutputs(h, String(yes.id)), /\[deploy-agent\] confinement: UNCONFINED/);
    const report = await h.cli(['report', String(yes.id)]);
    assert.match(report.stdout, /Model-written code \(tests, gates, hooks\) ran UNCONFINED/);
    const diagnosticsAllowed = await h.cli(['diagnostics', '--workspace', h.repo.dir], { PATH, DEPLOY_AGENT_ALLOW_UNCONFINED_TESTS: '1' });
    assert.match(diagnosticsAllowed.stdout, /In effect\s+UNCONFINED/);
  });

  it('unconfined (allowed, no tool): what a test changed in the user repository is put back exactly and said (event, warning, report); the change is refused', async () => {
    const { h, before } = await prepare();
    const notesBefore = readFileSync(path.join(h.repo.dir, 'NOTES.txt'));
    const PATH = pathWithout(h.root, ['bwrap']);
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--strategy', 'balanced', '--json'], { PATH, DEPLOY_AGENT_ALLOW_UNCONFINED_TESTS: '1' });
    const out = parseJson(result);
    const tried = escapes(testOutputs(h, String(out.id)));
    assert.equal(tried.notes, 'written', 'unconfined, the test could write the user file');
    assert.equal(tried.gitHook, 'written');

    assert.deepEqual(readFileSync(path.join(h.repo.dir, 'NOTES.txt')), notesBefore, 'NOTES.txt is byte-identical again');
    assert.equal(existsSync(path.join(h.repo.dir, '.git', 'hooks', 'post-checkout')), false, 'the planted git hook is gone');
    assert.equal(userState(h.repo.dir).digest, before.digest);

    assert.equal(out.status, 'failed');
    assert.equal((out.error as { code: string }).code, 'WRITE_OUTSIDE_SANDBOX');
    assert.match((out.error as { message: string }).message, /NOTES\.txt[\s\S]*put back/);
    assert.equal(out.commit, null, 'nothing committed');
    const restored = eventsOf(h, String(out.id), 'user-files.restored') as { restored: string[]; keptAt: string }[];
    assert.ok(restored.length >= 1);
    assert.deepEqual([...restored[0]!.restored].sort(), ['.git/hooks/post-checkout', 'NOTES.txt']);
    assert.equal(readFileSync(path.join(restored[0]!.keptAt, 'NOTES.txt'), 'utf8'), 'my notes\na line from the test\n', 'what the test wrote is kept aside');
    const report = await h.cli(['report', String(out.id)]);
    assert.match(report.stdout, /## Warnings[\s\S]*NOTES\.txt[^\n]*changed while the tests ran and were put back exactly/);
  });
});
