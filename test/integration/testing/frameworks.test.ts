import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { detectConfinementTool, sandboxConfinement } from '../../../src/core/confinement';
import { runTests } from '../../../src/core/testing';
import type { FrameworkId, RunTestsResult } from '../../../src/core/testing';
import { findExecutable, toolchainDirs } from '../../../src/core/testing/tools';
import { tempDir } from '../../support/temp';
import { addWorktree, writeUserRepo } from './fixtures';

/**
 * Every framework on a real fixture (one passing, one failing test), run by the real tool in a
 * worktree of a committed repository, as the pipeline does. Go and pytest-cov come from
 * Debian, installed by the machine's set-up (scripts/test-toolchains.mjs, the first step of
 * `npm test`), never by this test; a tool that is missing makes its test skip — reported as
 * pending, never as passed.
 */
const LIMITS = { timeLimitMs: 180_000, concurrency: 2, cpuLimit: 1, memoryLimitMb: 4096 };

interface Expectation {
  framework: FrameworkId;
  failingName: RegExp;
  message: RegExp;
  /** Coverage expected (a percentage strictly between 0 and 100), or the note that explains its absence. */
  coverage: true | RegExp;
  needs?: () => string | undefined;
}

const EXPECTED: Expectation[] = [
  { framework: 'mocha', failingName: /^calc multiplies$/, message: /two times three[\s\S]*6 !== 5[\s\S]*at test\/calc\.test\.js:6/, coverage: true },
  { framework: 'jest', failingName: /^test\/calc\.test\.js > calc multiplies$/, message: /Expected: 5\nReceived: 6/, coverage: true },
  { framework: 'vitest', failingName: /^test\/calc\.test\.ts > calc multiplies$/, message: /expected 6 to be 5/, coverage: true },
  { framework: 'node-test', failingName: /^multiplies$/, message: /two times three\n6 !== 5/, coverage: true },
  { framework: 'pytest', failingName: /^tests\.test_calc::test_multiplies$/, message: /AssertionError: two times three\nassert 6 == 5/, coverage: probeModule('python3', 'pytest_cov') ? true : /pytest-cov is not installed/, needs: () => (probePytest('python3') ? undefined : 'python3 -m pytest is not available') },
  { framework: 'go-test', failingName: /^example\.com\/calc\/calc\.TestMultiplies$/, message: /calc_test\.go:13: two times three: got 6, want 5/, coverage: true, needs: () => (findExecutable('go', process.env, toolchainDirs()) ? undefined : 'go is not installed (Debian golang-go)') },
  { framework: 'cargo-test', failingName: /^multiplies$/, message: /panicked at tests\/calc\.rs:10:5:\nassertion `left == right` failed: two times three\n\s*left: 6\n\s*right: 5/, coverage: /no coverage on a stable toolchain/, needs: () => (findExecutable('cargo', process.env, toolchainDirs()) ? undefined : 'cargo is not installed') },
];

function probePytest(python: string): boolean {
  try {
    execFileSync(python, ['-m', 'pytest', '--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

describe('test runner: a real run per framework', function () {
  this.timeout(240_000);
  // The toolchains come from the machine's set-up (scripts/test-toolchains.mjs, the first step of
  // `npm test`); this test never installs anything. A missing one is reported as skipped.

  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => (temp = tempDir('deploy-agent-testing-')));
  afterEach(() => temp.cleanup());

  for (const expected of EXPECTED) {
    it(`${expected.framework}: counts, the failing test's name and message, duration and coverage`, async function () {
      const missing = expected.needs?.();
      if (missing) {
        console.warn(`      skipped: ${missing} (run node scripts/test-toolchains.mjs as root, the first step of npm test)`);
        this.skip();
      }
      const repo = path.join(temp.path, 'repo');
      const sandbox = path.join(temp.path, 'sandbox');
      writeUserRepo(repo, expected.framework);
      addWorktree(repo, sandbox);
      const result = await runTests({ dir: sandbox, repoRoot: repo, scope: 'full', filesWritten: [], limits: LIMITS, coverage: true });
      assertOneOfEach(result, expected);
      // Nothing of the run is left in the sandbox: no node_modules link, no reports, no caches.
      assert.equal(git(sandbox, 'status', '--porcelain', '--untracked-files=all'), '');
      assert.equal(existsSync(path.join(sandbox, 'node_modules')), false);
    });
  }

  // The same runs as the pipeline makes them: confined by bubblewrap (the user's repository read-only, no network, a private /tmp).
  for (const expected of EXPECTED) {
    it(`${expected.framework}, confined by bubblewrap: the same results`, async function () {
      const missing = expected.needs?.();
      const tool = await detectConfinementTool(process.env);
      if (missing || tool.kind !== 'bubblewrap') {
        console.warn(`      skipped: ${missing ?? tool.problem}`);
        this.skip();
      }
      const repo = path.join(temp.path, 'repo');
      const sandbox = path.join(temp.path, 'sandbox');
      writeUserRepo(repo, expected.framework);
      addWorktree(repo, sandbox);
      const confinement = sandboxConfinement({ kind: 'bubblewrap', tool: tool.command!, sandboxDir: sandbox, repoRoot: repo, network: false, env: process.env });
      const result = await runTests({ dir: sandbox, repoRoot: repo, scope: 'full', filesWritten: [], limits: LIMITS, coverage: true, confinement });
      assertOneOfEach(result, expected);
      assert.match(result.output, /\[deploy-agent\] confinement: bubblewrap/);
      assert.equal(git(sandbox, 'status', '--porcelain', '--untracked-files=all'), '');
    });
  }

  it('pytest: the user\'s virtualenv is used, with its pytest-cov for coverage', async function () {
    if (!probeModule('/usr/bin/python3', 'pytest_cov')) {
      console.warn('      skipped: Debian python3 has no pytest-cov (Debian python3-pytest-cov; run node scripts/test-toolchains.mjs as root)');
      this.skip();
    }
    const repo = path.join(temp.path, 'repo');
    const sandbox = path.join(temp.path, 'sandbox');
    writeUserRepo(repo, 'pytest');
    // A virtualenv of the user's (ignored by git, so the worktree has none), seeing Debian's pytest and pytest-cov.
    execFileSync('/usr/bin/python3', ['-m', 'venv', '--without-pip', '--system-site-packages', path.join(repo, '.venv')]);
    addWorktree(repo, sandbox);
    const result = await runTests({ dir: sandbox, repoRoot: repo, scope: 'full', filesWritten: [], limits: LIMITS, coverage: true });
    assertOneOfEach(result, { ...EXPECTED.find((e) => e.framework === 'pytest')!, coverage: true });
    assert.match(result.output, /rootdir: .*sandbox/);
    assert.match(result.output, /pytest-7\./, 'Debian\'s pytest, from the virtualenv, ran');
  });
});

function probeModule(python: string, module: string): boolean {
  try {
    execFileSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function assertOneOfEach(result: RunTestsResult, expected: Expectation): void {
  const context = `${result.error ?? ''}\n${result.output.slice(-3000)}`;
  assert.equal(result.error, undefined, context);
  assert.equal(result.framework, expected.framework);
  assert.deepEqual(result.counts, { passed: 1, failed: 1, skipped: 0 }, context);
  assert.equal(result.failures.length, 1, context);
  assert.match(result.failures[0]!.name, expected.failingName);
  assert.match(result.failures[0]!.message, expected.message);
  assert.ok(result.durationMs > 0, 'a duration is measured');
  assert.ok(result.command && result.command.length > 0);
  if (expected.coverage === true) {
    assert.equal(typeof result.coverage, 'number', `coverage missing: ${result.coverageNote}`);
    assert.ok(result.coverage! > 0 && result.coverage! < 100, `coverage ${result.coverage} is between 0 and 100 (one function is untested)`);
  } else {
    assert.equal(result.coverage, undefined);
    assert.match(result.coverageNote ?? '', expected.coverage);
  }
  assert.match(result.output, /\[deploy-agent\] 1 passed, 1 failed, 0 skipped/);
}
