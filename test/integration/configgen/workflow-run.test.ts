import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { generateConfig } from '../../../src/core/configgen/generate';
import { fixtureRepo } from '../../unit/configgen/fixture-repo';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

interface Workflow {
  jobs: Record<string, { strategy: { matrix: Record<string, string[]> }; steps: Step[] }>;
}

/**
 * The generated GitHub Actions workflow of a Node and a Python fixture, run the way a runner runs
 * it: each `run` step in order with `bash -e` in the checkout, stopping at the first failure. The
 * set-up actions are what this machine provides, checked against the matrix: Node 22 from the
 * project's node@22, Debian's Python 3.11 in a virtualenv that sees the system packages the test
 * set-up installed (Flask, gunicorn, pytest: no network but the npm registry).
 */
describe('configgen: the generated workflow runs in the fixture, step by step', function () {
  this.timeout(600_000);

  function runSteps(dir: string, steps: Step[], env: NodeJS.ProcessEnv): { name: string; code: number; output: string }[] {
    const ran: { name: string; code: number; output: string }[] = [];
    for (const step of steps) {
      if (!step.run) continue;
      const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], { cwd: dir, env, encoding: 'utf8', timeout: 480_000 });
      ran.push({ name: step.name ?? step.run, code: result.status ?? -1, output: `${result.stdout}${result.stderr}`.slice(-4000) });
      if (result.status !== 0) break;
    }
    return ran;
  }

  it('node-express: npm ci and npm test (jest, supertest) pass on the matrix entry this machine has', async () => {
    const repo = fixtureRepo('node-express');
    try {
      const generated = await generateConfig(repo.dir, 'github-actions', { env: {} });
      assert.deepEqual(generated.checks.flatMap((c) => c.problems), []);
      const workflow = parse(generated.files[0]!.content) as Workflow;
      const job = workflow.jobs.build!;
      const local = process.versions.node.split('.')[0]!;
      assert.ok(job.strategy.matrix['node-version']!.includes(local), `the matrix ${job.strategy.matrix['node-version']} has no Node ${local}`);
      assert.deepEqual(job.steps.filter((s) => s.uses).map((s) => s.uses), ['actions/checkout@v4', 'actions/setup-node@v4']);
      const ran = runSteps(repo.dir, job.steps, { ...process.env, CI: 'true', npm_config_audit: 'false', npm_config_fund: 'false' });
      assert.deepEqual(ran.map((r) => r.name), ['Install (npm)', 'Test'], JSON.stringify(ran, null, 2));
      for (const r of ran) assert.equal(r.code, 0, `${r.name} failed:\n${r.output}`);
      assert.match(ran.at(-1)!.output, /Tests:\s+1 passed, 1 total/);
    } finally {
      repo.cleanup();
    }
  });

  it('python-flask-pip: pip install -r requirements-dev.txt and pytest pass in a virtualenv on Python 3.11', async function () {
    const python = '/usr/bin/python3';
    const hasPackages = existsSync(python) && spawnSync(python, ['-c', 'import flask, gunicorn, pytest'], { encoding: 'utf8' }).status === 0;
    if (!hasPackages) {
      // scripts/test-toolchains.mjs (the first step of npm test) installs them; without root it cannot.
      this.skip();
    }
    const repo = fixtureRepo('python-flask-pip');
    try {
      const generated = await generateConfig(repo.dir, 'github-actions', { env: {} });
      assert.deepEqual(generated.checks.flatMap((c) => c.problems), []);
      const job = (parse(generated.files[0]!.content) as Workflow).jobs.build!;
      const version = execFileSync(python, ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'], { encoding: 'utf8' }).trim();
      assert.ok(job.strategy.matrix['python-version']!.includes(version), `the matrix ${job.strategy.matrix['python-version']} has no Python ${version}`);
      assert.equal(job.steps.find((s) => s.uses === 'actions/setup-python@v5')?.with?.cache, 'pip');
      // What setup-python leaves: a python (and pip) first on PATH.
      const venv = path.join(repo.dir, '..', 'venv');
      execFileSync(python, ['-m', 'venv', '--system-site-packages', venv]);
      const env = { ...process.env, CI: 'true', PATH: `${path.join(venv, 'bin')}:${process.env.PATH}`, PIP_NO_INDEX: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONDONTWRITEBYTECODE: '1' };
      const ran = runSteps(repo.dir, job.steps, env);
      assert.deepEqual(ran.map((r) => r.name), ['Install (pip: requirements-dev.txt)', 'Test'], JSON.stringify(ran, null, 2));
      for (const r of ran) assert.equal(r.code, 0, `${r.name} failed:\n${r.output}`);
      assert.match(ran.at(-1)!.output, /1 passed/);
    } finally {
      repo.cleanup();
    }
  });
});
