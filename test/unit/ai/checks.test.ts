import assert from 'node:assert/strict';
import { findCredentials, findDangerousCalls, findSyntaxErrors } from '../../../src/core/ai/checks';

describe('checks on what the model wrote', () => {
  it('finds hard-coded credentials of several kinds', () => {
    const samples = [
      "const key = 'AKIAIOSFODNN7EXAMPLF';",
      '-----BEGIN RSA PRIVATE KEY-----',
      'token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"',
      'password: "hunter2hunter2"',
      "client_secret = 'q8Zr41mKk2sL0pWx'",
    ];
    for (const s of samples) assert.equal(findCredentials('f.ts', s).length >= 1, true, s);
  });

  it('leaves placeholders and environment reads alone', () => {
    for (const s of ["const password = process.env.DB_PASSWORD;", "password: '<your-password>'", "apiKey: 'changeme-please'", "const secret = '${SECRET}'"]) {
      assert.deepEqual(findCredentials('f.ts', s), [], s);
    }
  });

  it('flags dangerous calls with their line', () => {
    const found = findDangerousCalls('f.js', "const x = 1;\neval(userInput);\nexec(`rm ${dir}`);\nspawn('ls', { shell: true });");
    assert.deepEqual(found.map((f) => f.line), [2, 3, 4]);
    assert.deepEqual(findDangerousCalls('f.js', "execFile('git', ['status']);\nconst evaluate = 1;"), []);
  });

  it('finds syntax errors in TypeScript, JSON and Python, and none in valid files', () => {
    assert.match(findSyntaxErrors('a.ts', 'export function f( {', process.cwd())[0]!.message, /line 1/);
    assert.deepEqual(findSyntaxErrors('a.ts', 'export const f = (x: number): number => x + 1;\n', process.cwd()), []);
    assert.match(findSyntaxErrors('a.json', '{ "a": 1, }', process.cwd())[0]!.message, /invalid JSON/);
    assert.deepEqual(findSyntaxErrors('a.json', '{ "a": 1 }', process.cwd()), []);
    assert.match(findSyntaxErrors('ci.yml', 'jobs:\n  build:\n    steps: [a, b\n', process.cwd())[0]!.message, /invalid YAML/);
    assert.deepEqual(findSyntaxErrors('ci.yml', 'jobs:\n  build:\n    steps: [a, b]\n', process.cwd()), []);
    const py = findSyntaxErrors('tool.py', 'def f(:\n  pass\n', process.cwd());
    assert.equal(py.length, 1);
    assert.match(py[0]!.message, /tool\.py/);
    assert.deepEqual(findSyntaxErrors('tool.py', 'def f():\n    return 1\n', process.cwd()), []);
  });
});
