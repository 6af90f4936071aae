import assert from 'node:assert/strict';
import { Redactor } from '../../../src/core/security/redactor';
import { SecretRegistry } from '../../../src/core/security/registry';
import { secretsOfEnvironment } from '../../../src/core/security/secret-values';
import { TOKEN_SHAPES } from '../../../src/core/security/token-shapes';

/** One sample per token shape, built at run time so that this file itself holds no token. */
const SAMPLES: Record<string, string> = {
  'private-key': ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA7bq0r3c2', '-----END RSA PRIVATE KEY-----'].join('\n'),
  'github-token': 'ghp_' + 'A1b2C3d4E5'.repeat(4).slice(0, 36),
  'gitlab-token': 'glpat-' + 'x9Y8z7W6v5U4t3S2r1Q0',
  'anthropic-key': 'sk-ant-api03-' + 'AbCdEf0123456789'.repeat(3),
  'openai-key': 'sk-proj-' + 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe',
  'aws-access-key': 'AKIA' + 'IOSFODNN7EXAMPL2',
  'aws-secret-key': 'aws_secret_access_key = ' + 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYz1x2y3z4w5',
  'slack-token': 'xoxb-' + '123456789012-abcdefABCDEF',
  'slack-webhook': 'https://hooks.slack.com/services/' + 'T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
  'google-api-key': 'AIza' + 'SyA1234567890abcdefghijklmnopqrstuv',
  'stripe-key': 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc',
  'npm-token': 'npm_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
  'sendgrid-key': 'SG.' + 'a'.repeat(22) + '.' + 'b'.repeat(43),
  'huggingface-token': 'hf_' + 'abcdefghijklmnopqrstuvwxyzABCDEFGH',
  jwt: 'eyJhbGciOiJIUzI1NiJ9' + '.eyJzdWIiOiIxMjM0NTY3ODkwIn0' + '.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'url-password': 'postgres://app:' + 'Sup3rS3cretPw' + '@db.internal:5432/app',
};

describe('the secret redactor', () => {
  const redactor = new Redactor();

  it('has a sample for every token shape, and replaces each with [redacted:id]', () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), TOKEN_SHAPES.map((s) => s.id).sort());
    for (const [id, sample] of Object.entries(SAMPLES)) {
      const out = redactor.text(`before ${sample} after`);
      assert.ok(out.includes(`[redacted:${id}]`), `${id}: ${out}`);
      const secretPart = id === 'url-password' ? 'Sup3rS3cretPw' : id === 'aws-secret-key' ? sample.split('= ')[1]! : sample;
      assert.ok(!out.includes(secretPart), `${id} survived: ${out}`);
      assert.ok(out.startsWith('before ') && out.endsWith(' after'), `${id}: the text around it stays: ${out}`);
    }
  });

  it('replaces known values with their name, also inside JSON (escaped) and URLs (encoded)', () => {
    const r = new Redactor([{ name: 'DB_PASSWORD', value: 'p"a$$ w0rd/1' }]);
    assert.equal(r.text('login with p"a$$ w0rd/1 now'), 'login with [redacted:DB_PASSWORD] now');
    assert.equal(r.text(JSON.stringify({ note: 'p"a$$ w0rd/1' })), '{"note":"[redacted:DB_PASSWORD]"}');
    assert.equal(r.text(`?pw=${encodeURIComponent('p"a$$ w0rd/1')}`), '?pw=[redacted:DB_PASSWORD]');
    assert.equal(r.json({ nested: [{ deep: 'x p"a$$ w0rd/1 y' }] }), '{"nested":[{"deep":"x [redacted:DB_PASSWORD] y"}]}');
  });

  it('prefers the longest known value (a URL that contains a password)', () => {
    const r = new Redactor([
      { name: 'PW', value: 'hunter22hunter' },
      { name: 'DATABASE_URL', value: 'postgres://u:hunter22hunter@h/db' },
    ]);
    assert.equal(r.text('url=postgres://u:hunter22hunter@h/db pw=hunter22hunter'), 'url=[redacted:DATABASE_URL] pw=[redacted:PW]');
  });

  it('redacts KEY=value when the key names a credential or the value looks random; keeps ordinary settings', () => {
    const text = [
      'API_TOKEN=abcdefgh12345678',
      'export DB_PASSWORD="correct-horse-7"',
      'SESSION_SEED=Qm9yZWQgYXJlIHlvdT8xMjM0NTY3',
      'PORT=3000',
      'NODE_ENV=production',
      'AUTH_MODE=development',
      'GIT_SHA=4b825dc642cb6eb9a060e54bf8d69288fbee4904',
      'https://api.example.com/v1?api_key=Zk29xQ81mW3pLr7T&limit=10',
    ].join('\n');
    assert.equal(
      redactor.text(text),
      [
        'API_TOKEN=[redacted:API_TOKEN]',
        'export DB_PASSWORD="[redacted:DB_PASSWORD]"',
        'SESSION_SEED=[redacted:SESSION_SEED]',
        'PORT=3000',
        'NODE_ENV=production',
        'AUTH_MODE=development',
        'GIT_SHA=4b825dc642cb6eb9a060e54bf8d69288fbee4904',
        'https://api.example.com/v1?api_key=[redacted:api_key]&limit=10',
      ].join('\n'),
    );
  });

  it('leaves git SHAs, checksums, UUIDs, paths and ordinary test output alone (the same string comes back)', () => {
    const ordinary = [
      'commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904 (HEAD -> deploy-agent/add-mul-1a2b3c4d)',
      'tree 9d1f6a3c2e8b7d4a5f6c3e2b1a0d9c8b7a6f5e4d',
      'sha256:3f786850e387550fdab836ed7e6dc881de23001b2f9a5c8f1f6e6e7d7c7b7a79',
      'integrity sha512-Q2hlY2sgdGhpcyBpcyBub3QgYSBzZWNyZXQu',
      'id 123e4567-e89b-12d3-a456-426614174000',
      '/tmp/deploy-agent-worktrees/calc-1a2b3c/src/calc.js:12:7',
      'not ok 1 - mul(2, 3) returns 6 # expected 5, got 6',
      '  --flag=value key.path=some.nested.value $HOME=/root',
    ].join('\n');
    assert.equal(redactor.text(ordinary), ordinary);
  });

  it('is idempotent, and returns the same string or object when nothing changed', () => {
    const r = new Redactor([{ name: 'X_SECRET', value: 'v3ry-s3cret-value' }]);
    const once = r.text(`a v3ry-s3cret-value b ${SAMPLES['github-token']} API_KEY=zzzzzzzz11111111 postgres://u:pw123456@h/d`);
    assert.equal(r.text(once), once);
    const plain = { a: 'nothing here', b: [1, 'two'], c: { d: null } };
    assert.equal(r.value(plain), plain);
    const error = new Error('failed with v3ry-s3cret-value');
    assert.deepEqual(r.value({ error }), { error: { name: 'Error', message: 'failed with [redacted:X_SECRET]' } });
  });

  it('knows the environment credentials whose values could be secrets, not every value under a secret-looking name', () => {
    const values = secretsOfEnvironment({
      GITHUB_TOKEN: SAMPLES['github-token'],
      MY_APP_SECRET: 'whsec-93af1c-xyz',
      DB_PASSWORD: 'short',
      AUTH_MODE: 'development',
      SSH_AUTH_SOCK: '/',
      PATH: '/usr/bin:/bin',
      CUSTOM: SAMPLES['anthropic-key'],
    });
    assert.deepEqual(values.map((v) => v.name).sort(), ['CUSTOM', 'GITHUB_TOKEN', 'MY_APP_SECRET']);
  });

  it('a registry grows: a value added once stays redacted for every later write', () => {
    const registry = new SecretRegistry(() => [{ name: 'SEEDED', value: 'seeded-value-123' }]);
    assert.equal(registry.text('seeded-value-123 added-later-456'), '[redacted:SEEDED] added-later-456');
    assert.equal(registry.add([{ name: 'LATER', value: 'added-later-456' }, { name: 'AGAIN', value: 'seeded-value-123' }]), 1);
    assert.equal(registry.text('seeded-value-123 added-later-456'), '[redacted:SEEDED] [redacted:LATER]');
  });
});
