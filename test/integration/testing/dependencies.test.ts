import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runTests } from '../../../src/core/testing';
import { tempDir } from '../../support/temp';
import { addWorktree, writeFiles } from './fixtures';

/**
 * Dependencies in the sandbox, with a real npm: the user's installed node_modules is linked
 * when the manifests are unchanged (and the link is gone afterwards); a changed manifest is
 * installed into the sandbox with `npm ci --prefer-offline` from the lockfile. The one package
 * (is-number, no dependencies of its own) comes from the npm cache, else from the registry.
 */
const INTEGRITY = 'sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==';

function project(range: string) {
  const pkg = { name: 'calc-deps', version: '1.0.0', private: true, scripts: { test: 'node --test' }, dependencies: { 'is-number': range } };
  const lock = {
    name: 'calc-deps',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'calc-deps', version: '1.0.0', dependencies: { 'is-number': '7.0.0' } },
      'node_modules/is-number': { version: '7.0.0', integrity: INTEGRITY, license: 'MIT', engines: { node: '>=0.12.0' } },
    },
  };
  return {
    'package.json': JSON.stringify(pkg, null, 2) + '\n',
    'package-lock.json': JSON.stringify(lock, null, 2) + '\n',
    'test/number.test.js': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst isNumber = require('is-number');\ntest('is-number is there', () => assert.equal(isNumber(5), true));\n",
    '.gitignore': 'node_modules/\n',
  };
}

function sh(cwd: string, command: string, ...args: string[]): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('test runner: dependencies in the sandbox (real npm)', function () {
  this.timeout(180_000);
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => (temp = tempDir('deploy-agent-deps-')));
  afterEach(() => temp.cleanup());

  it('links the user\'s node_modules when the manifests are unchanged, installs with npm ci when they changed', async () => {
    const repo = path.join(temp.path, 'repo');
    writeFiles(repo, project('7.0.0'));
    sh(repo, 'git', 'init', '-q', '-b', 'main');
    sh(repo, 'git', 'add', '-A');
    sh(repo, 'git', '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'initial');
    // The user has installed their dependencies.
    sh(repo, 'npm', 'ci', '--prefer-offline', '--no-audit', '--no-fund');

    const same = path.join(temp.path, 'same');
    addWorktree(repo, same);
    const linked = await runTests({ dir: same, repoRoot: repo, scope: 'full', filesWritten: [], limits: { timeLimitMs: 60_000 } });
    assert.deepEqual(linked.counts, { passed: 1, failed: 0, skipped: 0 }, linked.output);
    assert.match(linked.dependencies ?? '', /^linked to .*repo\/node_modules \(manifests unchanged\)$/);
    assert.throws(() => lstatSync(path.join(same, 'node_modules')), 'the link is removed after the run');
    assert.equal(sh(same, 'git', 'status', '--porcelain'), '');

    const changed = path.join(temp.path, 'changed');
    addWorktree(repo, changed);
    // The change widened the dependency's range: the user's install is not what the sandbox declares.
    writeFileSync(path.join(changed, 'package.json'), readFileSync(path.join(changed, 'package.json'), 'utf8').replace('"is-number": "7.0.0"', '"is-number": "^7.0.0"'));
    const installed = await runTests({ dir: changed, repoRoot: repo, scope: 'full', filesWritten: ['package.json'], limits: { timeLimitMs: 60_000 } });
    assert.deepEqual(installed.counts, { passed: 1, failed: 0, skipped: 0 }, installed.output);
    assert.match(installed.dependencies ?? '', /^installed with npm ci --prefer-offline$/);
    assert.ok(lstatSync(path.join(changed, 'node_modules')).isDirectory(), 'a real install in the sandbox (ignored, kept for the next round)');
    assert.equal(sh(changed, 'git', 'status', '--porcelain'), ' M package.json\n', 'only the change itself');

    // A second round in the same sandbox finds the install there.
    const again = await runTests({ dir: changed, repoRoot: repo, scope: 'full', filesWritten: ['package.json'], limits: { timeLimitMs: 60_000 } });
    assert.equal(again.dependencies, 'already installed in the sandbox');
  });

  it('a project without dependencies installs nothing', async () => {
    writeFiles(temp.path, { 'package.json': JSON.stringify({ name: 'x', scripts: { test: 'node --test' } }), 'test/a.test.js': "require('node:test')('a', () => {});\n" });
    const result = await runTests({ dir: temp.path, scope: 'full', filesWritten: [], limits: { timeLimitMs: 60_000 } });
    assert.deepEqual(result.counts, { passed: 1, failed: 0, skipped: 0 });
    assert.equal(result.dependencies, 'none needed (no dependencies declared)');
  });
});
