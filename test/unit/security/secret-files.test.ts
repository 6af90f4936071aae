import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { gatherSecrets } from '../../../src/core/security/gather';
import { isSecretFile, maskSecretFile, secretFileEntries } from '../../../src/core/security/secret-files';
import { tempDir } from '../../support/temp';

const KEY_BODY = ['MIIEowIBAAKCAQEA7bq0r3c2Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa', 'Qm9yZWQgYXJlIHlvdT8xMjM0NTY3ODkwYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4'];
const PEM = ['-----BEGIN OPENSSH PRIVATE KEY-----', ...KEY_BODY, '-----END OPENSSH PRIVATE KEY-----', ''].join('\n');

describe('secret files', () => {
  it('are recognised by name: env files, keys, cloud and registry credentials; templates and public keys are not', () => {
    const secret = ['.env', '.env.local', '.env.production', 'deploy/prod.env', '.envrc', 'id_rsa', 'keys/id_ed25519', 'server.pem', 'tls/server.key', 'cert.p12', 'credentials.json', 'gcp-credentials.json', 'client_secret_123.json', 'service-account.json', '.npmrc', '.pypirc', '.netrc', '.git-credentials', 'terraform.tfvars', 'terraform.tfstate', 'terraform.tfstate.backup', 'config/secrets.yml', 'home/.aws/credentials', 'home/.docker/config.json', 'kubeconfig'];
    const ordinary = ['.env.example', '.env.sample', '.env.template', '.env.dist', 'id_rsa.pub', 'id_generator.py', 'src/credentials.ts', 'package.json', 'README.md', 'config.json', '.ssh/known_hosts', 'docs/env.md', 'src/.environment.ts'];
    for (const file of secret) assert.equal(isSecretFile(file), true, file);
    for (const file of ordinary) assert.equal(isSecretFile(file), false, file);
  });

  it('are shown to the model with keys, comments and structure, and every value masked', () => {
    const env = '# database\nexport DB_PASSWORD="pa55-w0rd!"\nPORT=3000\nEMPTY=\nURL=postgres://u:pw@h/db # prod\n';
    assert.equal(maskSecretFile('.env', env), '# database\nexport DB_PASSWORD=[redacted:DB_PASSWORD]\nPORT=[redacted:PORT]\nEMPTY=\nURL=[redacted:URL]\n');
    assert.equal(
      maskSecretFile('.npmrc', '//registry.npmjs.org/:_authToken=npm_tok3n\nregistry=https://npm.example/\n'),
      '//registry.npmjs.org/:_authToken=[redacted:_authToken]\nregistry=[redacted:registry]\n',
    );
    assert.equal(maskSecretFile('secrets.yml', 'production:\n  api_key: abc==\n  hosts:\n    - a.example\n'), 'production:\n  api_key: [redacted:api_key]\n  hosts:\n[redacted:secrets.yml line]\n');
    assert.equal(maskSecretFile('.git-credentials', 'https://me:tok3n@github.com\n'), '[redacted:.git-credentials line]\n');
    const json = maskSecretFile('sa.json', JSON.stringify({ type: 'service_account', private_key: PEM, port: 5 }));
    assert.deepEqual(JSON.parse(json), { type: '[redacted:type]', private_key: '[redacted:private_key]', port: 5 });
    const key = maskSecretFile('id_rsa', PEM);
    assert.equal(key, '-----BEGIN OPENSSH PRIVATE KEY-----\n[redacted:id_rsa — 2 lines of key material]\n-----END OPENSSH PRIVATE KEY-----\n');
  });

  it('give their values, with the key they were found under', () => {
    const entries = secretFileEntries('.env', 'A=1\n# c\nTOKEN="t0k3n-value"\nexport B=two\n');
    assert.deepEqual(entries, [
      { key: 'A', value: '1', line: 0 },
      { key: 'TOKEN', value: 't0k3n-value', line: 2 },
      { key: 'B', value: 'two', line: 3 },
    ]);
    assert.deepEqual(secretFileEntries('id_rsa', PEM).map((e) => e.key), ['id_rsa']);
    assert.deepEqual(secretFileEntries('.netrc', 'machine example.com login me password n3trc-pass\n').map((e) => e.value), ['n3trc-pass']);
  });

  it('are gathered once from the repository (tracked, untracked, ignored), the environment and the home folder; templates and ordinary values are not', async () => {
    const tmp = tempDir('deploy-agent-gather-');
    try {
      const repo = path.join(tmp.path, 'repo');
      const home = path.join(tmp.path, 'home');
      mkdirSync(path.join(repo, 'keys'), { recursive: true });
      mkdirSync(path.join(repo, 'node_modules', 'x'), { recursive: true });
      mkdirSync(home, { recursive: true });
      writeFileSync(path.join(repo, '.gitignore'), '.env.local\nnode_modules/\n');
      writeFileSync(path.join(repo, '.env'), 'PORT=3000\nDB_PASSWORD=committed-Pw-1\nNODE_ENV=production\n');
      writeFileSync(path.join(repo, '.env.local'), 'LOCAL_API_TOKEN=ignored-T0ken-2\n');
      writeFileSync(path.join(repo, '.env.example'), 'DB_PASSWORD=example-Pw-3\n');
      writeFileSync(path.join(repo, 'keys', 'deploy.pem'), PEM);
      writeFileSync(path.join(repo, 'node_modules', 'x', '.env'), 'VENDORED_SECRET=vendored-S3cret-4\n');
      writeFileSync(path.join(home, '.npmrc'), '//registry.npmjs.org/:_authToken=home-npm-T0ken-5\n');
      execFileSync('git', ['init', '-q'], { cwd: repo });
      execFileSync('git', ['add', '.gitignore', '.env', '.env.example'], { cwd: repo });

      const gathered = await gatherSecrets({ env: { HOME: home, MY_SERVICE_SECRET: 'env-S3cret-6', PATH: '/usr/bin' }, repoDir: path.join(repo, 'keys') });
      assert.deepEqual(gathered.files, ['.env', '.env.local', 'keys/deploy.pem', '~/.npmrc']);
      const values = gathered.values.map((v) => `${v.name}=${v.value}`);
      for (const expected of ['MY_SERVICE_SECRET=env-S3cret-6', 'DB_PASSWORD=committed-Pw-1', 'LOCAL_API_TOKEN=ignored-T0ken-2', '_authToken=home-npm-T0ken-5', `deploy.pem=${PEM.trim()}`, `deploy.pem=${KEY_BODY[0]}`]) {
        assert.ok(values.includes(expected), `${expected} in ${values.join(', ')}`);
      }
      for (const absent of ['3000', 'production', 'example-Pw-3', 'vendored-S3cret-4', '/usr/bin']) {
        assert.ok(!gathered.values.some((v) => v.value === absent), `${absent} is not a secret`);
      }
    } finally {
      tmp.cleanup();
    }
  });
});
