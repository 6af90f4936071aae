import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkGeneratedFiles, repositorySecrets } from '../../../src/core/configgen/checks';
import { generateConfigs } from '../../../src/core/configgen/generate';
import { structureOf } from '../../../src/core/analysis/profile';
import { CONFIG_KINDS } from '../../../src/core/configgen/types';
import { fixtureRepo } from './fixture-repo';

const fresh = (prefix: string) => `${prefix}${randomBytes(12).toString('base64url')}`;

describe('configgen: no secret of the repository reaches a generated file', function () {
  this.timeout(60_000);

  // Each stack reads its settings differently: an ignored .env, a JSON config, Rails's database.yml, Django's settings module.
  const plants: Record<string, (dir: string, secret: { env: string; config: string }) => void> = {
    'node-express': (dir, s) => {
      writeFileSync(path.join(dir, '.env'), `DATABASE_URL=postgres://orders:${s.env}@db.internal:5432/orders\nSESSION_SECRET=${s.env}\nPORT=3000\n`);
      mkdirSync(path.join(dir, 'config'), { recursive: true });
      writeFileSync(path.join(dir, 'config', 'production.json'), JSON.stringify({ db: { host: 'db.internal', password: s.config }, apiKey: s.config }, null, 2));
    },
    'ruby-rails': (dir, s) => {
      writeFileSync(path.join(dir, '.env'), `RAILS_MASTER_KEY=${s.env}\n`);
      writeFileSync(path.join(dir, 'config', 'database.yml'), `production:\n  adapter: postgresql\n  database: orders\n  password: ${s.config}\n`);
    },
    'python-django': (dir, s) => {
      writeFileSync(path.join(dir, '.env'), `DJANGO_SECRET_KEY=${s.env}\nDB_NAME=shop\n`);
      writeFileSync(path.join(dir, 'shop', 'settings.py'), `import os\nSECRET_KEY = "${s.config}"\nDEBUG = os.environ.get("DEBUG") == "1"\nDB = os.environ.get("DB_NAME")\n`);
    },
  };

  for (const [name, plant] of Object.entries(plants)) {
    it(`${name}: a secret planted in .env and in the configuration is in no generated file, and the check would have caught it`, async () => {
      const repo = fixtureRepo(name);
      try {
        const secret = { env: fresh('EnvS3cret-'), config: fresh('CfgS3cret-') };
        plant(repo.dir, secret);
        const results = await generateConfigs(repo.dir, CONFIG_KINDS, { env: {} });
        const files = results.flatMap((r) => r.files);
        assert.ok(files.length >= 6, `only ${files.map((f) => f.path).join(', ')}`);
        for (const f of files) {
          assert.ok(!f.content.includes(secret.env), `${f.path} carries the .env secret`);
          assert.ok(!f.content.includes(secret.config), `${f.path} carries the configuration's secret`);
        }
        for (const r of results) assert.deepEqual(r.checks.flatMap((c) => c.problems), [], r.kind);
        // The .env.example lists the variables of .env by name only.
        const example = files.find((f) => f.path === '.env.example')?.content ?? '';
        for (const line of example.split('\n').filter((l) => l && !l.startsWith('#'))) assert.match(line, /^[A-Z_][A-Z0-9_]*=$/);
        // The same check, on a file that does carry each secret, names it — without repeating it.
        const profile = results[0]!.profile;
        const redactor = await repositorySecrets(repo.dir, structureOf(profile)?.files ?? [], {});
        for (const value of [secret.env, secret.config]) {
          const [report] = await checkGeneratedFiles([{ path: 'Dockerfile', content: `${files.find((f) => f.path === 'Dockerfile')!.content}ENV LOG_FORMAT=${value}\n` }], redactor);
          assert.ok(report!.problems.some((p) => p.rule === 'secret:repository-value'), `${value.slice(0, 6)}… was not found`);
          assert.ok(!JSON.stringify(report).includes(value));
        }
      } finally {
        repo.cleanup();
      }
    });
  }

  it('.env.example never copies a value from an existing template or .env', async () => {
    const repo = fixtureRepo('node-express');
    try {
      writeFileSync(path.join(repo.dir, '.env.example'), 'API_URL=https://api.example.com\nFEATURE_FLAGS=checkout,search\n');
      writeFileSync(path.join(repo.dir, '.env'), 'API_URL=https://internal.example.com\n');
      const [env] = await generateConfigs(repo.dir, ['env'], { env: {} });
      const text = env!.files[0]!.content;
      assert.match(text, /^API_URL=$/m);
      assert.match(text, /^FEATURE_FLAGS=$/m);
      assert.doesNotMatch(text, /example\.com|checkout,search/);
    } finally {
      repo.cleanup();
    }
  });
});
