import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runTests } from '../../../src/core/testing';
import { tempDir } from '../../support/temp';
import { writeFiles } from './fixtures';

/**
 * The safety of a test run: a time limit kills the whole process tree (a grandchild that left
 * the process group included), a memory limit does the same, cancellation too, and no secret
 * from the environment reaches the test process.
 */
const nodeProject = (test: string) => ({
  'package.json': JSON.stringify({ name: 'limits', version: '1.0.0', private: true, scripts: { test: 'node --test' } }),
  'test/limits.test.js': test,
});

/** A test that starts a grandchild in a session of its own (out of the process group), records its pid, then hangs. */
const HANGING = `
const test = require('node:test');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
test('hangs', async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  child.unref();
  fs.writeFileSync(path.join(__dirname, '..', 'grandchild.pid'), String(child.pid));
  await new Promise(() => setInterval(() => {}, 1000));
});
`;

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  // A zombie is dead but not yet reaped by its new parent.
  try {
    return /^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('test runner: limits, cancellation and secrets', function () {
  this.timeout(60_000);
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => (temp = tempDir('deploy-agent-limits-')));
  afterEach(() => temp.cleanup());

  it('kills the whole process tree when the time limit runs out, a grandchild in its own session included', async () => {
    writeFiles(temp.path, nodeProject(HANGING));
    const result = await runTests({ dir: temp.path, scope: 'full', filesWritten: [], framework: 'node-test', limits: { timeLimitMs: 3000 } });
    assert.match(result.error ?? '', /did not finish within 3 s; the whole process tree was killed/);
    const pidFile = path.join(temp.path, 'grandchild.pid');
    assert.ok(existsSync(pidFile), 'the grandchild was started');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(await waitUntil(() => gone(pid), 3000), `grandchild ${pid} is still running`);
  });

  it('kills the tree when it uses more memory than the limit', async function () {
    if (process.platform !== 'linux') this.skip();
    writeFiles(
      temp.path,
      nodeProject(`
const test = require('node:test');
test('eats memory', async () => {
  const hog = Buffer.alloc(400 * 1024 * 1024, 1);
  await new Promise((r) => setTimeout(r, 20000));
  hog[0] = 2;
});
`),
    );
    const result = await runTests({ dir: temp.path, scope: 'full', filesWritten: [], framework: 'node-test', limits: { timeLimitMs: 30_000, memoryLimitMb: 200 } });
    assert.match(result.error ?? '', /used more than 200 MB of memory together; the whole process tree was killed/);
    assert.ok(result.durationMs < 20_000, 'killed before the test would have ended');
  });

  it('cancels through the AbortSignal and kills the tree', async () => {
    writeFiles(temp.path, nodeProject(HANGING));
    const controller = new AbortController();
    const pidFile = path.join(temp.path, 'grandchild.pid');
    const run = runTests({ dir: temp.path, scope: 'full', filesWritten: [], framework: 'node-test', limits: { timeLimitMs: 60_000 }, signal: controller.signal });
    assert.ok(await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 15_000), 'the grandchild was started');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // Let the runner see the grandchild once (it samples the tree twice a second).
    await new Promise((r) => setTimeout(r, 700));
    controller.abort();
    await assert.rejects(run, { name: 'AbortError' });
    assert.ok(await waitUntil(() => gone(pid), 3000), `grandchild ${pid} is still running`);
  });

  it('keeps secrets out of the test process and the rest of the environment in', async () => {
    writeFiles(
      temp.path,
      nodeProject(`
const test = require('node:test');
const assert = require('node:assert/strict');
test('sees no secret', () => {
  for (const name of ['ANTHROPIC_API_KEY', 'GITHUB_TOKEN', 'GH_TOKEN', 'NPM_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'MY_SERVICE_API_KEY', 'DB_PASSWORD', 'SSH_AUTH_SOCK', 'DATABASE_URL', 'npm_config__authToken', 'GIT_ASKPASS', 'VSCODE_GIT_ASKPASS_MAIN']) {
    assert.equal(process.env[name], undefined, name + ' reached the test');
  }
  assert.equal(process.env.KEEP_ME, 'visible');
  assert.equal(process.env.APP_MODE, 'test');
  assert.equal(process.env.CI, '1');
});
`),
    );
    const env = {
      ...process.env,
      ANTHROPIC_API_KEY: 'sk-ant-secret',
      GITHUB_TOKEN: 'ghp_secret',
      GH_TOKEN: 'gho_secret',
      NPM_TOKEN: 'npm_secret',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
      MY_SERVICE_API_KEY: 'k',
      DB_PASSWORD: 'hunter2',
      SSH_AUTH_SOCK: '/tmp/agent.sock',
      DATABASE_URL: 'postgres://app:hunter2@localhost/app',
      npm_config__authToken: 'npm_secret',
      GIT_ASKPASS: '/usr/bin/askpass',
      VSCODE_GIT_ASKPASS_MAIN: '/x/askpass-main.js',
      KEEP_ME: 'visible',
      APP_MODE: 'test',
    };
    const result = await runTests({ dir: temp.path, scope: 'full', filesWritten: [], framework: 'node-test', limits: { timeLimitMs: 30_000 }, env });
    assert.equal(result.error, undefined, result.output);
    assert.deepEqual(result.counts, { passed: 1, failed: 0, skipped: 0 }, result.output);
  });

  it('names what a test wrote into the sandbox and leaves it there for the review', async () => {
    writeFiles(
      temp.path,
      nodeProject(`
const test = require('node:test');
const fs = require('node:fs');
test('writes a file', () => {
  fs.mkdirSync('out', { recursive: true });
  fs.writeFileSync('out/report.txt', 'written by a test');
});
`),
    );
    execFileSync('git', ['init', '-q'], { cwd: temp.path });
    const result = await runTests({ dir: temp.path, scope: 'full', filesWritten: [], framework: 'node-test', limits: { timeLimitMs: 30_000 } });
    assert.deepEqual(result.counts, { passed: 1, failed: 0, skipped: 0 });
    assert.match(result.output, /the test run wrote out\/report\.txt into the sandbox \(reviewed with the change\)/);
    assert.equal(readFileSync(path.join(temp.path, 'out', 'report.txt'), 'utf8'), 'written by a test');
  });

  it('caps the output it keeps, with the end of it intact', async () => {
    writeFiles(
      temp.path,
      nodeProject(`
const test = require('node:test');
test('talks a lot', () => {
  for (let i = 0; i < 20000; i++) console.log('line ' + i + ' ' + 'x'.repeat(40));
  console.log('THE LAST LINE');
});
`),
    );
    const result = await runTests({ dir: temp.path, scope: 'full', filesWritten: [], framework: 'node-test', limits: { timeLimitMs: 30_000 } });
    assert.deepEqual(result.counts, { passed: 1, failed: 0, skipped: 0 });
    assert.ok(result.output.length <= 64 * 1024 + 2048, `output is ${result.output.length} characters`);
    assert.match(result.output, /characters of output left out/);
    assert.match(result.output, /THE LAST LINE/);
  });
});
