import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_NODE_MODULES } from '../testing/fixtures';
import { useHarnesses, parseJson, userState } from './harness';
import { git } from './repos';

/**
 * The lint gate with the project's real ESLint: the implementation the (fake) model writes breaks
 * a lint rule, the gate finds it, a fix round gets the problem, and the fixed change ships.
 */
describe('deploy-agent deploy: lint problems in the change are repaired (built CLI, real ESLint)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();

  it('a no-var problem in the generated code goes to a fix round; the tests and the gate run again; the clean change is committed', async () => {
    const h = await harnesses.create('node');
    const repo = h.repo.dir;
    writeFileSync(path.join(repo, 'eslint.config.mjs'), "export default [{ files: ['**/*.js'], rules: { 'no-var': 'error' } }];\n");
    writeFileSync(path.join(repo, '.gitignore'), 'node_modules\n');
    // The project declares its linter, so the sandbox gets the user's node_modules (here: this repository's).
    writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'calc', version: '1.0.0', private: true, type: 'commonjs', scripts: { test: 'node --test' }, devDependencies: { eslint: '*' } }, null, 2));
    symlinkSync(REPO_NODE_MODULES, path.join(repo, 'node_modules'), 'dir');
    git(repo, 'add', 'eslint.config.mjs', '.gitignore', 'package.json');
    git(repo, 'commit', '-q', '-m', 'lint with eslint', '--', 'eslint.config.mjs', '.gitignore', 'package.json');
    const config = path.join(h.root, 'config.json');
    writeFileSync(config, JSON.stringify({ 'strategy.levers': { balanced: { lintGate: true, typecheckGate: false, repairRounds: 2 } } }));

    const finish = (summary: string) => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });
    h.ollama.script(
      'implement',
      { toolCalls: [{ name: 'write_file', arguments: { path: 'src/calc.js', content: 'function add(a, b) {\n  return a + b;\n}\n\nfunction mul(a, b) {\n  var product = a * b;\n  return product;\n}\n\nmodule.exports = { add, mul };\n' } }] },
      finish('Added mul(a, b).'),
    );
    h.ollama.script(
      'tests',
      { toolCalls: [{ name: 'write_file', arguments: { path: 'test/mul.test.js', content: "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { mul } = require('../src/calc');\n\ntest('mul(2, 3) returns 6', () => {\n  assert.equal(mul(2, 3), 6);\n});\n" } }] },
      finish('Wrote test/mul.test.js.'),
    );
    h.ollama.script(
      'fix',
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/calc.js', search: 'var product', replace: 'const product' } }] },
      finish('Replaced var with const.'),
    );
    const before = userState(repo);

    const result = await h.cli(['--config', config, 'deploy', h.recommendation, '--workspace', repo, '--mode', 'local-commit', '--strategy', 'balanced', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 0, `${result.stderr}\n${JSON.stringify(out)}`);
    assert.equal(out.status, 'succeeded');
    assert.equal(out.repairs, 1);
    const fixChat = h.ollama.chats.find((c) => c.phase === 'fix');
    assert.ok(fixChat, 'a fix round ran');
    const asked = (fixChat.body.messages as { role: string; content: string }[]).find((m) => m.role === 'user')!.content;
    assert.match(asked, /eslint src\/calc\.js test\/mul\.test\.js found these problems in files of the change:\nsrc\/calc\.js:6:3: Unexpected var.*\[no-var\]/);
    const committed = git(repo, 'show', `${String(out.commit)}:src/calc.js`);
    assert.match(committed, /const product = a \* b;/);
    assert.doesNotMatch(committed, /\bvar\b/);
    const report = await h.cli(['report', String(out.id)]);
    // Both gate runs are in the report: the failure the fix answered, then the pass.
    assert.match(report.stdout, /## Quality gates\n\n- lint \(`eslint [^`]+`\): \*\*failed\*\* — src\/calc\.js:6:3: Unexpected var.*\n- lint \(`eslint [^`]+`\): passed/);
    assert.match(report.stdout, /round 1 \(fix, automatic\): error pattern .* — lint problems gone afterwards/);
    assert.equal(userState(repo).digest, before.digest, 'the user working tree is untouched');
  });
});
