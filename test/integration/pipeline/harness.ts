import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, lstatSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeOllama } from '../../support/fake-ollama';
import { CLI_PATH, runBuiltCli, type CliResult } from '../../support/cli';
import { tempDir } from '../../support/temp';
import { createFixtureRepo, git, type FixtureRepo } from './repos';

export interface Harness {
  root: string;
  repo: FixtureRepo;
  db: string;
  ollama: FakeOllama;
  env: Record<string, string>;
  recommendation: string;
  cli(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  close(): Promise<void>;
}

export const RECOMMENDATION = {
  id: 'rec-mul',
  title: 'Add multiplication',
  description: 'Add a mul(a, b) function next to add(a, b), exported the same way, with tests.',
  category: 'feature',
  acceptanceCriteria: ['mul(2, 3) returns 6', 'mul(-1, 4) returns -4'],
  targetFiles: ['src/calc.js'],
  priority: 'medium',
};

export async function createHarness(kind: 'node' | 'python' = 'node', options: { recommendation?: unknown } = {}): Promise<Harness> {
  const tmp = tempDir('deploy-agent-pipeline-');
  const repo = createFixtureRepo(tmp.path, kind);
  const ollama = new FakeOllama();
  const host = await ollama.listen();
  const recommendation = path.join(tmp.path, 'recommendation.json');
  writeFileSync(recommendation, JSON.stringify(options.recommendation ?? RECOMMENDATION, null, 2));
  const db = path.join(tmp.path, 'history.db');
  const env: Record<string, string> = {
    DEPLOY_AGENT_DB: db,
    OLLAMA_HOST: host,
    DEPLOY_AGENT_AI_PROVIDERS: 'ollama',
    ANTHROPIC_API_KEY: '',
    GITHUB_TOKEN: '',
    // The environment comes from the fixture (its branch), not from the CI machine running the tests.
    ...Object.fromEntries(['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'CIRCLECI', 'TRAVIS', 'JENKINS_URL', 'BUILDKITE', 'TF_BUILD', 'TEAMCITY_VERSION', 'BITBUCKET_BUILD_NUMBER', 'DEPLOYMENT_ENVIRONMENT'].map((name) => [name, ''])),
    HOME: tmp.path,
    XDG_DATA_HOME: path.join(tmp.path, 'data'),
    XDG_CACHE_HOME: path.join(tmp.path, 'cache'),
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
  return {
    root: tmp.path,
    repo,
    db,
    ollama,
    env,
    recommendation,
    cli: (args, extraEnv = {}) => runBuiltCli(args, { env: { ...env, ...extraEnv }, cwd: repo.dir, timeoutMs: 120_000 }),
    close: async () => {
      await ollama.close();
      tmp.cleanup();
    },
  };
}

/** The model's side of a deployment: implement, write tests with a PLANTED failure, repair it once. */
export function scriptPlantedFailure(ollama: FakeOllama, kind: 'node' | 'python', options: { repair?: boolean } = {}): void {
  const finish = (summary: string) => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });
  if (kind === 'node') {
    ollama.script(
      'implement',
      { toolCalls: [{ name: 'read_file', arguments: { path: 'src/calc.js' } }] },
      {
        toolCalls: [
          {
            name: 'write_file',
            arguments: { path: 'src/calc.js', content: 'function add(a, b) {\n  return a + b;\n}\n\nfunction mul(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, mul };\n' },
          },
        ],
      },
      finish('Added mul(a, b) to src/calc.js.'),
    );
    ollama.script(
      'tests',
      {
        toolCalls: [
          {
            name: 'write_file',
            arguments: {
              path: 'test/mul.test.js',
              content:
                "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { mul } = require('../src/calc');\n\ntest('mul(2, 3) returns 6', () => {\n  assert.equal(mul(2, 3), 5);\n});\n\ntest('mul(-1, 4) returns -4', () => {\n  assert.equal(mul(-1, 4), -4);\n});\n",
            },
          },
        ],
      },
      finish('Wrote test/mul.test.js.'),
    );
    if (options.repair !== false) {
      ollama.script(
        'fix',
        { toolCalls: [{ name: 'edit_file', arguments: { path: 'test/mul.test.js', search: 'assert.equal(mul(2, 3), 5);', replace: 'assert.equal(mul(2, 3), 6);' } }] },
        finish('The expectation for mul(2, 3) was wrong; fixed it.'),
      );
    }
  } else {
    ollama.script(
      'implement',
      { toolCalls: [{ name: 'write_file', arguments: { path: 'calc/ops.py', content: 'def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n' } }] },
      finish('Added mul(a, b) to calc/ops.py.'),
    );
    ollama.script(
      'tests',
      {
        toolCalls: [
          {
            name: 'write_file',
            arguments: {
              path: 'tests/test_mul.py',
              content: 'from calc.ops import mul\n\n\ndef test_ac1_mul_positive():\n    assert mul(2, 3) == 5\n\n\ndef test_mul_negative():\n    assert mul(-1, 4) == -4\n',
            },
          },
        ],
      },
      finish('Wrote tests/test_mul.py.'),
    );
    if (options.repair !== false) {
      ollama.script(
        'fix',
        { toolCalls: [{ name: 'edit_file', arguments: { path: 'tests/test_mul.py', search: 'assert mul(2, 3) == 5', replace: 'assert mul(2, 3) == 6' } }] },
        finish('Fixed the expectation for mul(2, 3).'),
      );
    }
  }
}

/**
 * Everything a developer could lose in their repository, as one digest: every file of the
 * working tree (bytes and mode, .git excluded), the index, HEAD, the refs under refs/heads
 * and refs/stash, and the stash's content.
 */
export function userState(dir: string): { digest: string; files: string[] } {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      if (rel === '' && name === '.git') continue;
      const relPath = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, relPath);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(relPath);
      else {
        files.push(relPath);
        hash.update(`${relPath}\0${stat.mode}\0`);
        hash.update(stat.isSymbolicLink() ? readlinkSync(full) : readFileSync(full));
      }
    }
  };
  walk('');
  hash.update(readFileSync(path.join(dir, '.git', 'index')));
  hash.update(git(dir, 'rev-parse', 'HEAD'));
  hash.update(git(dir, 'symbolic-ref', 'HEAD'));
  hash.update(git(dir, 'stash', 'list', '--format=%H %s'));
  hash.update(git(dir, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/main', 'refs/stash'));
  return { digest: hash.digest('hex'), files };
}

export function parseJson(result: CliResult): Record<string, unknown> {
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout is not one JSON object (exit ${result.code}):\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
}

/**
 * The per-test lifecycle of harnesses, registered on the calling `describe`: the built CLI must
 * exist, and every harness made with `create` is closed after its test.
 */
export function useHarnesses(): { create(kind?: 'node' | 'python', options?: { recommendation?: unknown }): Promise<Harness> } {
  const open: Harness[] = [];
  before(() => {
    if (!existsSync(CLI_PATH)) throw new Error('dist/cli/cli.mjs is missing: run `npm run build` first');
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
  });
  return {
    async create(kind = 'node', options = {}) {
      const h = await createHarness(kind, options);
      open.push(h);
      return h;
    },
  };
}
