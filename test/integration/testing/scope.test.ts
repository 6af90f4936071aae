import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { runTests } from '../../../src/core/testing';
import { findExecutable, toolchainDirs } from '../../../src/core/testing/tools';
import { tempDir } from '../../support/temp';
import { addWorktree, writeFiles, writeUserRepo } from './fixtures';

/**
 * The strategy's test scope on real runs: `generated` runs only the files the deployment wrote
 * (for mocha even when .mocharc names a spec, which mocha would otherwise add), `related` adds
 * the existing tests of a changed source file, and an empty scope widens and says so.
 */
const LIMITS = { timeLimitMs: 120_000, concurrency: 1 };

describe('test runner: the strategy\'s test scope', function () {
  this.timeout(120_000);
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => (temp = tempDir('deploy-agent-scope-')));
  afterEach(() => temp.cleanup());

  function sandboxOf(fixture: string): { repo: string; sandbox: string } {
    const repo = path.join(temp.path, 'repo');
    const sandbox = path.join(temp.path, 'sandbox');
    writeUserRepo(repo, fixture);
    addWorktree(repo, sandbox);
    return { repo, sandbox };
  }

  it('mocha, generated: only the written test file runs, although .mocharc.json names a spec', async () => {
    const { repo, sandbox } = sandboxOf('mocha');
    writeFiles(sandbox, { 'test/new.test.js': "const assert = require('node:assert/strict');\nit('is new', () => assert.ok(true));\n" });
    const result = await runTests({ dir: sandbox, repoRoot: repo, scope: 'generated', filesWritten: ['test/new.test.js'], limits: LIMITS });
    assert.deepEqual(result.counts, { passed: 1, failed: 0, skipped: 0 }, result.output);
    assert.match(result.command ?? '', /mocha --reporter json test\/new\.test\.js$/);
  });

  it('jest, generated: --runTestsByPath runs only the written file', async () => {
    const { repo, sandbox } = sandboxOf('jest');
    writeFiles(sandbox, { 'test/new.test.js': "test('is new', () => expect(1).toBe(1));\n" });
    const result = await runTests({ dir: sandbox, repoRoot: repo, scope: 'generated', filesWritten: ['test/new.test.js'], limits: LIMITS });
    assert.deepEqual(result.counts, { passed: 1, failed: 0, skipped: 0 }, result.output);
  });

  it('node --test, related: the tests that import a changed source file, not the others', async () => {
    const { repo, sandbox } = sandboxOf('node-test');
    writeFiles(sandbox, {
      'src/other.js': 'exports.other = () => 1;\n',
      'test/other.test.js': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { other } = require('../src/other');\ntest('other', () => assert.equal(other(), 2));\n",
      'test/helpers.test.js': "const test = require('node:test');\nconst { add } = require('../src/calc');\ntest('helper uses calc', () => add(1, 1));\n",
    });
    const result = await runTests({ dir: sandbox, repoRoot: repo, scope: 'related', filesWritten: ['src/calc.js'], limits: LIMITS });
    assert.deepEqual(result.counts, { passed: 2, failed: 1, skipped: 0 }, result.output);
    assert.deepEqual(result.failures.map((f) => f.name), ['multiplies']);
  });

  it('generated with no test file written widens to the related tests and says so', async () => {
    const { repo, sandbox } = sandboxOf('node-test');
    const result = await runTests({ dir: sandbox, repoRoot: repo, scope: 'generated', filesWritten: ['src/calc.js'], limits: LIMITS });
    assert.deepEqual(result.counts, { passed: 1, failed: 1, skipped: 0 });
    assert.match(result.output, /no generated test file was found, so the tests related to the change ran/);
  });

  it('go, generated: only the packages holding the written test files', async function () {
    if (!findExecutable('go', process.env, toolchainDirs())) {
      console.warn('      skipped: go is not installed (node scripts/test-toolchains.mjs installs it)');
      this.skip();
    }
    const { repo, sandbox } = sandboxOf('go-test');
    writeFiles(sandbox, {
      'other/other.go': 'package other\n\nfunc One() int { return 1 }\n',
      'other/other_test.go': 'package other\n\nimport "testing"\n\nfunc TestOne(t *testing.T) {\n\tif One() != 2 {\n\t\tt.Fatal("one is not two")\n\t}\n}\n',
      'calc/extra_test.go': 'package calc\n\nimport "testing"\n\nfunc TestExtra(t *testing.T) {\n\tt.Run("sub", func(t *testing.T) {})\n}\n',
    });
    const result = await runTests({ dir: sandbox, repoRoot: repo, scope: 'generated', filesWritten: ['calc/extra_test.go'], limits: LIMITS });
    assert.match(result.command ?? '', /go test -json .* \.\/calc$/);
    // TestAdds, TestMultiplies and TestExtra/sub (a test with subtests counts through them); not other's TestOne.
    assert.deepEqual(result.counts, { passed: 2, failed: 1, skipped: 0 }, result.output);
    assert.equal(git(sandbox, 'status', '--porcelain', '--', 'other'), '?? other/\n', 'other/ was written but not run');
  });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}
