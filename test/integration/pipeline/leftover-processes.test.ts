import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { EventsRepository } from '../../../src/core/store/steps';
import { CLI_PATH } from '../../support/cli';
import { pathWithout } from '../../support/path-without';
import { parseJson, useHarnesses, userState, type Harness } from './harness';

const finish = (summary: string) => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });
const MUL = 'function add(a, b) {\n  return a + b;\n}\n\nfunction mul(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, mul };\n';

/** A generated test that, the first time it runs (no marker yet), writes the marker and then takes two minutes. */
function slowOnceTest(marker: string): string {
  return `const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { mul } = require('../src/calc');

test('mul(2, 3) returns 6', () => assert.equal(mul(2, 3), 6));

test('takes its time the first time', async () => {
  if (fs.existsSync(${JSON.stringify(marker)})) return;
  fs.writeFileSync(${JSON.stringify(marker)}, String(process.pid));
  await new Promise((resolve) => setTimeout(resolve, 120000));
});
`;
}

function scriptSlowTests(h: Harness, marker: string): void {
  h.ollama.script('implement', { toolCalls: [{ name: 'write_file', arguments: { path: 'src/calc.js', content: MUL } }] }, finish('Added mul(a, b).'));
  h.ollama.script('tests', { toolCalls: [{ name: 'write_file', arguments: { path: 'test/mul.test.js', content: slowOnceTest(marker) } }] }, finish('Wrote test/mul.test.js.'));
}

/** Running, and not a zombie (a killed process whose new parent has not reaped it yet). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/** Running processes whose working folder is inside `dir`. */
function workingIn(dir: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        const cwd = readlinkSync(`/proc/${pid}/cwd`);
        return (cwd === dir || cwd.startsWith(dir + path.sep)) && running(Number(pid));
      } catch {
        return false;
      }
    })
    .map(Number);
}

function startedGroups(h: Harness): { id: string; pid: number; what: string; sandbox: string }[] {
  const store = openHistoryStore(h.db);
  try {
    const ids = (store.db.prepare('SELECT id FROM deployments').all() as { id: string }[]).map((r) => r.id);
    const events = new EventsRepository(store.db);
    return ids.flatMap((id) => events.list(id, 'process.started').map((e) => ({ id, ...(e.payload as { pid: number; what: string; sandbox: string }) })));
  } finally {
    store.close();
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts a deployment with the built CLI, waits until its generated tests run (the marker exists), then kills the CLI like `kill -9`. */
async function deployAndKillDuringTests(h: Harness, env: Record<string, string>, marker: string): Promise<{ id: string; pid: number; sandbox: string }> {
  const child = spawn(process.execPath, [CLI_PATH, 'deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--strategy', 'balanced', '--json'], {
    cwd: h.repo.dir,
    env: { ...process.env, ...h.env, ...env },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await waitFor('the generated test to start', () => (existsSync(marker) ? true : undefined));
    const group = await waitFor('the test run to be recorded', () => startedGroups(h).find((g) => g.what === 'tests'));
    child.kill('SIGKILL');
    await exited;
    return group;
  } finally {
    child.kill('SIGKILL');
  }
}

describe('a killed CLI leaves no test process behind: resume and clean stop it first (built CLI, real git repository, fake model)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();
  const unconfined = (h: Harness) => ({ PATH: pathWithout(h.root, ['bwrap']), DEPLOY_AGENT_ALLOW_UNCONFINED_TESTS: '1' });

  it('unconfined: the test left running is stopped by `clean --interrupted` before its worktree is removed', async () => {
    const h = await harnesses.create('node');
    const marker = path.join(h.root, 'slow-test-started');
    scriptSlowTests(h, marker);
    const before = userState(h.repo.dir);
    const env = unconfined(h);
    const group = await deployAndKillDuringTests(h, env, marker);
    assert.ok(running(group.pid), 'without confinement, the test run outlives the killed CLI');
    assert.ok(workingIn(group.sandbox).length >= 1, 'it works in the sandbox');
    assert.ok(existsSync(group.sandbox));

    const cleaned = await h.cli(['clean', '--interrupted', '--workspace', h.repo.dir, '--json'], env);
    assert.equal(cleaned.code, 0, cleaned.stderr);
    const result = parseJson(cleaned) as { stopped: { deploymentId: string; pid: number; what: string; processes: number }[]; rolledBack: string[] };
    assert.deepEqual(
      result.stopped.map((s) => [s.deploymentId, s.pid, s.what]),
      [[group.id, group.pid, 'tests']],
    );
    assert.ok(result.stopped[0]!.processes >= 1);
    assert.deepEqual(result.rolledBack, [group.id]);
    await waitFor('the test process to end', () => (running(group.pid) ? undefined : true), 5000);
    assert.deepEqual(workingIn(group.sandbox), [], 'nothing works in the removed sandbox');
    assert.equal(existsSync(group.sandbox), false, 'the worktree is removed');
    assert.equal(userState(h.repo.dir).digest, before.digest);

    const again = await h.cli(['clean', '--interrupted', '--workspace', h.repo.dir], env);
    assert.doesNotMatch(again.stdout, /stopped/, 'a stopped group is not stopped twice');
  });

  it('unconfined: `resume` stops the test left running, then runs the tests again and finishes', async () => {
    const h = await harnesses.create('node');
    const marker = path.join(h.root, 'slow-test-started');
    scriptSlowTests(h, marker);
    const env = unconfined(h);
    const group = await deployAndKillDuringTests(h, env, marker);
    assert.ok(running(group.pid));

    const resumed = await h.cli(['resume', group.id, '--json'], env);
    const out = parseJson(resumed);
    assert.equal(out.status, 'succeeded', resumed.stderr);
    assert.equal(running(group.pid), false, 'the old test run is gone');
    assert.ok((out.warnings as string[]).some((w) => new RegExp(`Stopped what the interrupted run left running in its sandbox: tests \\(process group ${group.pid}`).test(w)), JSON.stringify(out.warnings));
  });

  it('confined by bubblewrap: nothing of the test run outlives the killed CLI (--die-with-parent, own PID namespace)', async function () {
    const { detectConfinementTool } = await import('../../../src/core/confinement');
    if ((await detectConfinementTool(process.env)).kind !== 'bubblewrap') this.skip();
    const h = await harnesses.create('node');
    const marker = path.join(h.root, 'slow-test-started');
    scriptSlowTests(h, marker);
    const child = spawn(process.execPath, [CLI_PATH, 'deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--strategy', 'balanced', '--json'], { cwd: h.repo.dir, env: { ...process.env, ...h.env }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const group = await waitFor('the test run to be recorded', () => startedGroups(h).find((g) => g.what === 'tests'));
    // The test itself starts a moment after its runner: give it that moment, then kill the CLI.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(running(group.pid), 'the confined run is under way');
    child.kill('SIGKILL');
    await exited;
    await waitFor('the confined run to die with its parent', () => (running(group.pid) || workingIn(group.sandbox).length ? undefined : true), 5000);
  });
});
