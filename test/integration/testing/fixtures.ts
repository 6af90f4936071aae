import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Fixture projects for the test runner: each has one passing and one failing test of a small
 * `calc` module, plus an untested function so line coverage is below 100 %. Node projects get
 * this repository's node_modules (mocha, jest, vitest, c8 are devDependencies here) through a
 * symbolic link, as a user's installed project would have its own.
 */
export const REPO_NODE_MODULES = path.resolve(__dirname, '..', '..', '..', 'node_modules');

export type Files = Record<string, string>;

export function writeFiles(dir: string, files: Files): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
}

const calcJs = 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\nexports.unused = (a) => {\n  if (a > 1) return a;\n  return -a;\n};\n';

export const FIXTURES: Record<string, Files> = {
  mocha: {
    'package.json': JSON.stringify({ name: 'calc-mocha', version: '1.0.0', private: true, scripts: { test: 'mocha' }, devDependencies: { mocha: '*', c8: '*' } }, null, 2),
    '.mocharc.json': JSON.stringify({ spec: ['test/**/*.test.js'] }),
    'src/calc.js': calcJs,
    'test/calc.test.js': "const assert = require('node:assert/strict');\nconst { add, mul } = require('../src/calc');\n\ndescribe('calc', () => {\n  it('adds', () => assert.equal(add(1, 2), 3));\n  it('multiplies', () => assert.equal(mul(2, 3), 5, 'two times three'));\n});\n",
    '.gitignore': 'node_modules\n',
  },
  jest: {
    'package.json': JSON.stringify({ name: 'calc-jest', version: '1.0.0', private: true, scripts: { test: 'jest' }, devDependencies: { jest: '*' }, jest: { testEnvironment: 'node' } }, null, 2),
    'src/calc.js': calcJs,
    'test/calc.test.js': "const { add, mul } = require('../src/calc');\n\ndescribe('calc', () => {\n  test('adds', () => expect(add(1, 2)).toBe(3));\n  test('multiplies', () => expect(mul(2, 3)).toBe(5));\n});\n",
    '.gitignore': 'node_modules\n',
  },
  vitest: {
    'package.json': JSON.stringify({ name: 'calc-vitest', version: '1.0.0', private: true, type: 'module', scripts: { test: 'vitest run' }, devDependencies: { vitest: '*', '@vitest/coverage-v8': '*' } }, null, 2),
    'src/calc.ts': 'export const add = (a: number, b: number): number => a + b;\nexport const mul = (a: number, b: number): number => a * b;\nexport function unused(a: number): number {\n  if (a > 1) return a;\n  return -a;\n}\n',
    'test/calc.test.ts': "import { describe, expect, test } from 'vitest';\nimport { add, mul } from '../src/calc';\n\ndescribe('calc', () => {\n  test('adds', () => expect(add(1, 2)).toBe(3));\n  test('multiplies', () => expect(mul(2, 3)).toBe(5));\n});\n",
    '.gitignore': 'node_modules\n',
  },
  'node-test': {
    'package.json': JSON.stringify({ name: 'calc-node', version: '1.0.0', private: true, scripts: { test: 'node --test' } }, null, 2),
    'src/calc.js': calcJs,
    'test/calc.test.js': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { add, mul } = require('../src/calc');\n\ntest('adds', () => assert.equal(add(1, 2), 3));\ntest('multiplies', () => assert.equal(mul(2, 3), 5, 'two times three'));\n",
  },
  pytest: {
    'pyproject.toml': '[project]\nname = "calc"\nversion = "1.0.0"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    'calc.py': 'def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n\n\ndef unused(a):\n    if a > 1:\n        return a\n    return -a\n',
    'tests/test_calc.py': 'from calc import add, mul\n\n\ndef test_adds():\n    assert add(1, 2) == 3\n\n\ndef test_multiplies():\n    assert mul(2, 3) == 5, "two times three"\n',
    '.gitignore': '__pycache__/\n.venv/\n',
  },
  'go-test': {
    'go.mod': 'module example.com/calc\n\ngo 1.19\n',
    'calc/calc.go': 'package calc\n\nfunc Add(a, b int) int { return a + b }\n\nfunc Mul(a, b int) int { return a * b }\n\nfunc Unused(a int) int {\n\tif a > 1 {\n\t\treturn a\n\t}\n\treturn -a\n}\n',
    'calc/calc_test.go': 'package calc\n\nimport "testing"\n\nfunc TestAdds(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal("1 + 2 is not 3")\n\t}\n}\n\nfunc TestMultiplies(t *testing.T) {\n\tif got := Mul(2, 3); got != 5 {\n\t\tt.Fatalf("two times three: got %d, want 5", got)\n\t}\n}\n',
  },
  'cargo-test': {
    'Cargo.toml': '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n',
    'src/lib.rs': 'pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n\npub fn mul(a: i32, b: i32) -> i32 {\n    a * b\n}\n',
    'tests/calc.rs': 'use calc::{add, mul};\n\n#[test]\nfn adds() {\n    assert_eq!(add(1, 2), 3);\n}\n\n#[test]\nfn multiplies() {\n    assert_eq!(mul(2, 3), 5, "two times three");\n}\n',
    '.gitignore': '/target\n',
  },
};

export const NODE_FIXTURES = new Set(['mocha', 'jest', 'vitest']);

/** A committed git repository holding the fixture; Node fixtures get node_modules linked in, as the user's installed project. */
export function writeUserRepo(dir: string, fixture: string, extra: Files = {}): void {
  writeFiles(dir, { ...FIXTURES[fixture]!, ...extra });
  if (NODE_FIXTURES.has(fixture)) symlinkSync(REPO_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'initial');
}

/** A worktree of the repository on a new branch (the sandbox, as the pipeline makes it). */
export function addWorktree(repo: string, dir: string): void {
  execFileSync('git', ['worktree', 'add', '-q', '-b', `sandbox-${path.basename(dir)}`, dir], { cwd: repo, stdio: 'ignore' });
}
