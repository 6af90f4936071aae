import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openHistoryStore } from '../../../src/core/store/database';
import { EventsRepository, TestRunsRepository } from '../../../src/core/store/steps';
import { FakeAnthropic } from '../../support/fake-anthropic';
import type { FakeOllama } from '../../support/fake-ollama';
import type { CliResult } from '../../support/cli';
import { parseJson, useHarnesses, type Harness } from './harness';
import { git } from './repos';

/**
 * Secrets never leave: planted in a committed .env, in the environment, in a failing test's output
 * and in hook output, then every byte that left the process — each request the fake model servers
 * received, the SQLite database (and its -wal / -shm), the report files, stdout and stderr — is
 * searched for them.
 */
const PLANTED = {
  // committed .env
  DB_PASSWORD: 'Pl4nted-Db-Passw0rd-7731',
  SESSION_SEED: 'Zq8rT2vLm9Xw4Kp7Nc3Bf6Hd1Js5Ga0E',
  STRIPE_KEY: 'sk_live_Pl4ntedStripeKey0123456789',
  // the environment
  GITHUB_TOKEN: 'ghp_Pl4ntedGithubToken0123456789abcdefghij',
  ANTHROPIC_API_KEY: 'sk-ant-api03-Pl4ntedAnthropicKey-0123456789abcdef',
  PAYMENTS_WEBHOOK_SECRET: 'whsec-Pl4ntedWebhook-93af1c',
};

const DOT_ENV = [
  '# local settings',
  'DB_HOST=localhost',
  'PORT=3000',
  `DB_PASSWORD=${PLANTED.DB_PASSWORD}`,
  `SESSION_SEED=${PLANTED.SESSION_SEED}`,
  `STRIPE_KEY="${PLANTED.STRIPE_KEY}"`,
  '',
].join('\n');

/** A committed source file that hard-codes a value the environment holds as a secret (the model reads it). */
const SETTINGS = `module.exports = { webhookSecret: '${PLANTED.PAYMENTS_WEBHOOK_SECRET}', retries: 3 };\n`;

/** The generated test prints the .env and fails on a secret value, so the failure output carries it. */
const LEAKY_TEST = [
  "const test = require('node:test');",
  "const assert = require('node:assert/strict');",
  "const fs = require('node:fs');",
  "const path = require('node:path');",
  "const { mul } = require('../src/calc');",
  '',
  "const env = fs.readFileSync(path.join(__dirname, '..', '.env'), 'utf8');",
  'console.log(env);',
  "const password = /DB_PASSWORD=(.*)/.exec(env)[1];",
  '',
  "test('mul(2, 3) returns 6', () => {",
  '  assert.equal(mul(2, 3), 6);',
  "  assert.equal(password, 'the expected password');",
  '});',
  '',
].join('\n');

const finish = (summary: string) => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });

function scriptModel(fake: FakeOllama | FakeAnthropic): void {
  fake.script(
    'implement',
    { toolCalls: [{ name: 'read_file', arguments: { path: '.env' } }] },
    { toolCalls: [{ name: 'search', arguments: { query: PLANTED.DB_PASSWORD } }] },
    { toolCalls: [{ name: 'search', arguments: { query: 'DB_PASSWORD' } }] },
    { toolCalls: [{ name: 'read_file', arguments: { path: 'src/settings.js' } }] },
    {
      toolCalls: [
        { name: 'write_file', arguments: { path: 'src/calc.js', content: 'function add(a, b) {\n  return a + b;\n}\n\nfunction mul(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, mul };\n' } },
      ],
    },
    finish('Added mul.'),
  );
  fake.script('tests', { toolCalls: [{ name: 'write_file', arguments: { path: 'test/mul.test.js', content: LEAKY_TEST } }] }, finish('Wrote test/mul.test.js.'));
  fake.script(
    'fix',
    { toolCalls: [{ name: 'edit_file', arguments: { path: 'test/mul.test.js', search: "  assert.equal(password, 'the expected password');\n", replace: '  assert.ok(password.length > 0);\n' } }] },
    finish('The test compared the password with a made-up one; it now checks that one is set.'),
  );
}

function configure(h: Harness): string {
  const file = path.join(h.root, 'settings.json');
  writeFileSync(
    file,
    JSON.stringify({
      // Hook output carrying the GitHub token (literally, whatever the hook environment holds) and the .env.
      'hooks.beforeDeploy': [`echo "deploying with ${PLANTED.GITHUB_TOKEN}"; cat .env`],
      'hooks.afterDeploy': ['env | grep -E "TOKEN|SECRET|KEY" || true', `echo "smoke test failed for ${PLANTED.DB_PASSWORD}"; exit 3`],
    }),
  );
  return file;
}

function plantRepository(h: Harness): void {
  writeFileSync(path.join(h.repo.dir, '.env'), DOT_ENV);
  writeFileSync(path.join(h.repo.dir, '.env.example'), 'DB_HOST=localhost\nDB_PASSWORD=changeme\n');
  writeFileSync(path.join(h.repo.dir, 'src', 'settings.js'), SETTINGS);
  git(h.repo.dir, 'add', '.env', '.env.example', 'src/settings.js');
  git(h.repo.dir, 'commit', '-qm', 'settings and a committed .env');
}

/** Each planted value found in a haystack, as `NAME in WHERE`. */
function leaks(where: string, haystack: string | Buffer): string[] {
  return Object.entries(PLANTED)
    .filter(([, value]) => haystack.includes(value))
    .map(([name]) => `${name} in ${where}`);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('secrets never leave (built CLI, real git repository, fake model)', function () {
  this.timeout(300_000);
  const harnesses = useHarnesses();
  let anthropic: FakeAnthropic | undefined;

  afterEach(async () => {
    await anthropic?.close();
    anthropic = undefined;
  });

  for (const provider of ['ollama', 'anthropic'] as const) {
    it(`${provider}: a committed .env, environment credentials, a failing test's output and hook output reach no request, database byte, report or printed line`, async () => {
      const h = await harnesses.create('node');
      plantRepository(h);
      const env: Record<string, string> = {
        GITHUB_TOKEN: PLANTED.GITHUB_TOKEN,
        ANTHROPIC_API_KEY: PLANTED.ANTHROPIC_API_KEY,
        PAYMENTS_WEBHOOK_SECRET: PLANTED.PAYMENTS_WEBHOOK_SECRET,
        DEPLOY_AGENT_AI_PROVIDERS: provider,
      };
      if (provider === 'anthropic') {
        anthropic = new FakeAnthropic({ apiKey: PLANTED.ANTHROPIC_API_KEY });
        env.ANTHROPIC_BASE_URL = await anthropic.listen();
        scriptModel(anthropic);
      } else scriptModel(h.ollama);
      const config = configure(h);

      const printed: { what: string; result: CliResult }[] = [];
      const deploy = await h.cli(['--config', config, 'deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'local-commit', '--strategy', 'balanced', '--json', '--verbose'], env);
      printed.push({ what: 'deploy', result: deploy });
      const out = parseJson(deploy);
      assert.equal(out.status, 'succeeded', deploy.stderr);
      const id = String(out.id);
      for (const args of [['report', id], ['report', id, '--json'], ['list', '--json'], ['deploy', path.join(h.root, 'missing.json'), '--workspace', h.repo.dir]]) {
        printed.push({ what: args.join(' '), result: await h.cli(['--config', config, ...args], env) });
      }

      const requests = [...h.ollama.http.requests, ...(anthropic?.http.requests ?? [])];
      const sent = requests.map((r) => `${r.method} ${r.path}?${r.query.toString()}\n${r.rawBody}`);
      const found = [
        ...sent.flatMap((text, i) => leaks(`request ${i} (${requests[i]!.method} ${requests[i]!.path})`, text)),
        ...['', '-wal', '-shm'].filter((suffix) => existsSync(h.db + suffix)).flatMap((suffix) => leaks(`history.db${suffix}`, readFileSync(h.db + suffix))),
        ...filesUnder(path.join(path.dirname(h.db), 'reports')).flatMap((file) => leaks(path.basename(file), readFileSync(file))),
        ...printed.flatMap(({ what, result }) => [...leaks(`stdout of ${what}`, result.stdout), ...leaks(`stderr of ${what}`, result.stderr)]),
      ];
      assert.deepEqual(found, []);

      // The planted values were really there to leak: the model read the masked .env and searched in vain,
      // the test printed them, the hooks printed them, the fix prompt got the failing output.
      const bodies = sent.join('\n');
      assert.ok(requests.some((r) => r.path === '/api/chat' || r.path === '/v1/messages'), 'the model was asked');
      assert.match(bodies, /DB_PASSWORD=\[redacted:DB_PASSWORD\]/, 'the model read .env with its values masked');
      assert.match(bodies, /No matches for \\"\[redacted:DB_PASSWORD\]\\"/, 'searching for the value found nothing');
      assert.match(bodies, /\.env:4: DB_PASSWORD=\[redacted:DB_PASSWORD\]/, 'searching for the key finds the masked line');
      assert.match(bodies, /webhookSecret: '\[redacted:PAYMENTS_WEBHOOK_SECRET\]'/, 'a hard-coded known value in a source file is redacted');
      const store = openHistoryStore(h.db);
      try {
        const runs = new TestRunsRepository(store.db).list(id);
        assert.ok(runs.some((r) => (r.output ?? '').includes('DB_PASSWORD=[redacted:DB_PASSWORD]')), 'the failing test printed the .env');
        const hooks = JSON.stringify(new EventsRepository(store.db).list(id, 'hook.run'));
        assert.match(hooks, /deploying with \[redacted:(GITHUB_TOKEN|github-token)\]/);
        assert.match(hooks, /SESSION_SEED=\[redacted:SESSION_SEED\]/);
        const gathered = new EventsRepository(store.db).list(id, 'secrets.gathered')[0]?.payload as { files: string[] } | undefined;
        assert.deepEqual(gathered?.files.filter((f) => !f.startsWith('~')), ['.env']);
      } finally {
        store.close();
      }
      const fixRequests = requests.filter((r) => r.rawBody.includes('deploy-agent phase: fix'));
      assert.ok(fixRequests.length > 0 && fixRequests[0]!.rawBody.includes('[redacted:DB_PASSWORD]'), 'the fix prompt carried the failing output, redacted');

      assert.ok(filesUnder(path.join(path.dirname(h.db), 'reports')).length >= 2, 'the JSON and Markdown reports were written');
    });
  }
});
