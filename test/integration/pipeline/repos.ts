import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' },
  }).trim();
}

export interface FixtureRepo {
  dir: string;
  origin: string;
  kind: 'node' | 'python';
}

function write(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

const NODE_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'calc', version: '1.0.0', private: true, type: 'commonjs', scripts: { test: 'node --test' } }, null, 2) + '\n',
  'src/calc.js': 'function add(a, b) {\n  return a + b;\n}\n\nmodule.exports = { add };\n',
  'test/calc.test.js': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { add } = require('../src/calc');\n\ntest('adds', () => {\n  assert.equal(add(1, 2), 3);\n});\n",
  'README.md': '# calc\n\nA tiny calculator.\n',
  '.gitignore': 'node_modules/\n',
};

const PYTHON_FILES: Record<string, string> = {
  'pyproject.toml': '[project]\nname = "calc"\nversion = "1.0.0"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
  'calc/__init__.py': '',
  'calc/ops.py': 'def add(a, b):\n    return a + b\n',
  'tests/__init__.py': '',
  'tests/test_ops.py': 'from calc.ops import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n',
  'README.md': '# calc\n\nA tiny calculator.\n',
  '.gitignore': '__pycache__/\n.pytest_cache/\n',
};

/**
 * A real git repository with one commit on `main` and a bare repository as its `origin`
 * (pushed), plus what a developer's working tree usually has — a modified file, a staged
 * change, an untracked file and a stash — so that tests can prove none of it is touched.
 */
export function createFixtureRepo(parent: string, kind: 'node' | 'python', options: { dirty?: boolean } = {}): FixtureRepo {
  const dir = path.join(parent, `${kind}-repo`);
  const origin = path.join(parent, `${kind}-origin.git`);
  mkdirSync(dir, { recursive: true });
  git(parent, 'init', '-q', '--bare', '-b', 'main', origin);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  write(dir, kind === 'node' ? NODE_FILES : PYTHON_FILES);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'initial');
  git(dir, 'remote', 'add', 'origin', origin);
  git(dir, 'push', '-q', '-u', 'origin', 'main');
  if (options.dirty !== false) {
    // A stash entry, a staged change, an unstaged change and an untracked file.
    writeFileSync(path.join(dir, 'README.md'), '# calc\n\nStashed edit.\n');
    git(dir, 'stash', '-q');
    writeFileSync(path.join(dir, 'NOTES.md'), 'staged notes\n');
    git(dir, 'add', 'NOTES.md');
    writeFileSync(path.join(dir, 'README.md'), '# calc\n\nWork in progress, not committed.\n');
    writeFileSync(path.join(dir, 'scratch.txt'), 'untracked scratch file\n');
  }
  return { dir, origin, kind };
}
