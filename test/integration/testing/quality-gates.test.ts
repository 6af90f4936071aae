import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { runQualityGates } from '../../../src/core/testing/quality-gates';
import { tempDir } from '../../support/temp';
import { addWorktree, REPO_NODE_MODULES, writeFiles } from './fixtures';

/**
 * The type-check and lint gates run the project's own tools (here TypeScript and ESLint from
 * this repository's node_modules, linked as the user's install) on the change in a sandbox
 * worktree: problems in the files the change wrote fail the gate, older ones elsewhere do not.
 */
describe('quality gates: the project’s type check and linter on the change', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof tempDir>;
  let repo: string;
  let sandbox: string;

  beforeEach(() => {
    tmp = tempDir('deploy-agent-gates-');
    repo = path.join(tmp.path, 'repo');
    mkdirSync(repo);
    writeFiles(repo, {
      'package.json': JSON.stringify({ name: 'gates', private: true, devDependencies: { typescript: '*', eslint: '*' } }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'commonjs', types: [] }, include: ['src'] }),
      'eslint.config.mjs': "export default [{ files: ['**/*.js'], rules: { 'no-var': 'error' } }];\n",
      // A type error that was there before the deployment: never held against it.
      'src/old.ts': 'export const broken: number = "not a number";\n',
      'src/ok.js': 'const fine = 1;\nmodule.exports = fine;\n',
      '.gitignore': 'node_modules\n',
    });
    symlinkSync(REPO_NODE_MODULES, path.join(repo, 'node_modules'), 'dir');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'initial');
    sandbox = path.join(tmp.path, 'sandbox');
    addWorktree(repo, sandbox);
  });
  afterEach(() => tmp.cleanup());

  const gates = (filesWritten: string[], which = { typecheck: true, lint: true }) =>
    runQualityGates({ sandboxDir: sandbox, repoRoot: repo, gates: which, filesWritten, env: process.env, timeLimitMs: 90_000 });

  it('fails on a type error and a lint error in the files the change wrote, naming them', async () => {
    writeFiles(sandbox, { 'src/new.ts': 'export function half(n: number): number {\n  return `${n / 2}`;\n}\n', 'src/new.js': 'var legacy = 1;\nmodule.exports = legacy;\n' });
    const [typecheck, lint] = await gates(['src/new.ts', 'src/new.js']);
    assert.equal(typecheck!.gate, 'typecheck');
    assert.equal(typecheck!.ok, false);
    assert.ok(typecheck!.problems.some((p) => p.includes('src/new.ts') && /TS2322/.test(p)), typecheck!.problems.join('\n'));
    assert.equal(typecheck!.preexisting, 1, 'the old error in src/old.ts is counted apart');
    assert.equal(lint!.gate, 'lint');
    assert.equal(lint!.ok, false);
    assert.ok(lint!.problems.some((p) => p.includes('src/new.js') && /no-var/.test(p)), lint!.problems.join('\n'));
    assert.ok(!existsSync(path.join(sandbox, 'node_modules')) || !lstatSync(path.join(sandbox, 'node_modules')).isSymbolicLink(), 'the linked node_modules is removed afterwards');
  });

  it('passes a clean change even though the repository had a type error before', async () => {
    writeFiles(sandbox, { 'src/new.ts': 'export function half(n: number): number {\n  return n / 2;\n}\n', 'src/new.js': 'const modern = 1;\nmodule.exports = modern;\n' });
    const results = await gates(['src/new.ts', 'src/new.js']);
    assert.deepEqual(results.map((r) => [r.gate, r.ok, r.command !== null]), [['typecheck', true, true], ['lint', true, true]], results.map((r) => r.output).join('\n'));
    assert.equal(results[0]!.preexisting, 1);
  });

  it('skips a gate the project has no tool for, and says why (never a silent pass)', async () => {
    const plain = path.join(tmp.path, 'plain');
    mkdirSync(plain);
    writeFiles(plain, { 'package.json': '{"name":"plain"}', 'src/a.js': 'var a = 1;\n' });
    const results = await runQualityGates({ sandboxDir: plain, gates: { typecheck: true, lint: true }, filesWritten: ['src/a.js'], env: process.env, timeLimitMs: 10_000 });
    assert.deepEqual(results.map((r) => [r.gate, r.command, Boolean(r.skipped)]), [['typecheck', null, true], ['lint', null, true]]);
    assert.match(results[0]!.skipped!, /tsconfig/);
    assert.match(results[1]!.skipped!, /ESLint/);
  });

  it('runs nothing when the strategy asks for no gate', async () => {
    assert.deepEqual(await gates(['src/new.ts'], { typecheck: false, lint: false }), []);
  });
});

/**
 * A gate runs the project's own tools on model-written code, so it gets the scrubbed
 * environment, like the tests: here the project's type checker is a wrapper that records its
 * environment before running TypeScript, and its ESLint configuration (a JavaScript file the
 * linter executes) records process.env. Neither may see a credential.
 */
describe('quality gates: the project’s tools run without the user’s credentials', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof tempDir>;
  let sandbox: string;
  const SECRETS = {
    ANTHROPIC_API_KEY: 'sk-ant-gate-probe-0123456789abcdefghij',
    GITHUB_TOKEN: 'ghp_gateprobe0123456789abcdefghijklmnopqrst',
    DEPLOY_AGENT_PROBE_PASSWORD: 'gate-probe-password-value',
    DATABASE_URL: 'postgres://app:gate-probe-db-password@db.internal/app',
  };

  beforeEach(() => {
    tmp = tempDir('deploy-agent-gates-env-');
    sandbox = path.join(tmp.path, 'sandbox');
    mkdirSync(path.join(sandbox, 'node_modules', '.bin'), { recursive: true });
    writeFiles(sandbox, {
      'package.json': JSON.stringify({ name: 'gates-env', private: true, devDependencies: { typescript: '*', eslint: '*' } }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'commonjs', types: [] }, include: ['src'] }),
      'eslint.config.mjs': "import { writeFileSync } from 'node:fs';\nwriteFileSync('lint-env.json', JSON.stringify(process.env));\nexport default [{ files: ['**/*.js'], rules: { 'no-var': 'error' } }];\n",
      'src/new.ts': 'export const half = (n: number): number => n / 2;\n',
      'src/new.js': 'const x = 1;\nmodule.exports = x;\n',
      // The project's installed tools: a type checker that records its environment, then runs TypeScript.
      'node_modules/.bin/tsc': `#!/bin/sh\nenv > typecheck-env.txt\nexec "${path.join(REPO_NODE_MODULES, '.bin', 'tsc')}" "$@"\n`,
    });
    chmodSync(path.join(sandbox, 'node_modules/.bin/tsc'), 0o755);
    symlinkSync(path.join(REPO_NODE_MODULES, 'eslint', 'bin', 'eslint.js'), path.join(sandbox, 'node_modules/.bin/eslint'));
  });
  afterEach(() => tmp.cleanup());

  it('type-check and lint commands see no API key, token, password or URL with a password; other variables do reach them', async () => {
    const results = await runQualityGates({
      sandboxDir: sandbox,
      gates: { typecheck: true, lint: true },
      filesWritten: ['src/new.ts', 'src/new.js'],
      env: { ...process.env, ...SECRETS, DEPLOY_AGENT_PROBE_PLAIN: 'plain-value-is-passed' },
      timeLimitMs: 90_000,
    });
    assert.deepEqual(results.map((r) => [r.gate, r.ok, r.command !== null]), [['typecheck', true, true], ['lint', true, true]], results.map((r) => r.output).join('\n'));
    const seen = { typecheck: readFileSync(path.join(sandbox, 'typecheck-env.txt'), 'utf8'), lint: readFileSync(path.join(sandbox, 'lint-env.json'), 'utf8') };
    for (const [gate, text] of Object.entries(seen)) {
      assert.ok(text.includes('plain-value-is-passed'), `${gate}: the recorded environment is the gate's (a plain variable is there)`);
      for (const [name, value] of Object.entries(SECRETS)) {
        assert.ok(!text.includes(value), `${gate} saw ${name}`);
      }
    }
    for (const r of results) for (const value of Object.values(SECRETS)) assert.ok(!r.output.includes(value));
  });
});
