import assert from 'node:assert/strict';
import { chooseFramework, detectFromFiles, isSecretVariable, isTestFile, scrubEnv, selectTests, testEnv, workersFor } from '../../../src/core/testing';
import { scriptFlags } from '../../../src/core/testing/frameworks/node-test';
import { CappedOutput } from '../../../src/core/testing/run-process';
import { tempDir } from '../../support/temp';
import { writeFiles } from '../../integration/testing/fixtures';

/** The runner's decisions without running anything: environment, framework, scope, workers, flags, output cap. */
describe('test runner choices', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => (temp = tempDir('deploy-agent-choices-')));
  afterEach(() => temp.cleanup());

  describe('environment', () => {
    it('drops credentials by name and by value, keeps the rest', () => {
      const env = scrubEnv({
        PATH: '/usr/bin',
        HOME: '/root',
        ANTHROPIC_API_KEY: 'a',
        GITHUB_TOKEN: 'b',
        STRIPE_SECRET: 'c',
        SECRET_KEY_BASE: 'd',
        DB_PASSWORD: 'e',
        GOOGLE_APPLICATION_CREDENTIALS: '/k.json',
        SSH_AUTH_SOCK: '/tmp/s',
        'npm_config_//registry.example/:_authToken': 'f',
        VSCODE_GIT_ASKPASS_NODE: '/x',
        REDIS_URL: 'redis://:pw@localhost:6379',
        PUBLIC_URL: 'https://example.com/app',
        KEYBOARD_LAYOUT: 'us',
        MONKEY: 'banana',
        PWD: '/work',
      });
      assert.deepEqual(Object.keys(env).sort(), ['HOME', 'KEYBOARD_LAYOUT', 'MONKEY', 'PATH', 'PUBLIC_URL', 'PWD']);
    });

    it('also drops a parent test runner\'s state, and sets CI and no colour', () => {
      const env = testEnv({ PATH: '/bin', NODE_TEST_CONTEXT: 'child-v8', NODE_V8_COVERAGE: '/tmp/c', JEST_WORKER_ID: '1', VITEST_POOL_ID: '1', NODE_OPTIONS: '--max-old-space-size=4096' });
      assert.equal(env.NODE_TEST_CONTEXT, undefined);
      assert.equal(env.NODE_V8_COVERAGE, undefined);
      assert.equal(env.JEST_WORKER_ID, undefined);
      assert.equal(env.VITEST_POOL_ID, undefined);
      assert.equal(env.NODE_OPTIONS, '--max-old-space-size=4096');
      assert.equal(env.CI, '1');
      assert.equal(env.NO_COLOR, '1');
      assert.equal(isSecretVariable('GH_ENTERPRISE_TOKEN'), true);
    });
  });

  describe('framework', () => {
    const profile = (framework: string | null, projects: unknown[] = []) => ({ root: '/r', path: '.', tests: { framework, confidence: 0.95, evidence: ['package.json'] }, projects });

    it('takes the profile\'s framework, mapped to the runner\'s names', () => {
      assert.deepEqual(chooseFramework(temp.path, { profile: profile('node-test') }), { id: 'node-test', projectPath: '.', source: 'profile', confidence: 0.95, evidence: ['package.json'] });
      assert.equal((chooseFramework(temp.path, { profile: profile('unittest') }) as { id: string }).id, 'pytest');
    });

    it('in a monorepo, the sub-project the deployment wrote into', () => {
      const choice = chooseFramework(temp.path, {
        profile: profile('jest', [{ path: 'api', tests: { framework: 'pytest', confidence: 0.9 } }, { path: 'web', tests: { framework: 'vitest', confidence: 0.95 } }]),
        filesWritten: ['web/src/a.ts', 'web/src/a.test.ts', 'README.md'],
      });
      assert.deepEqual(choice && 'id' in choice ? [choice.id, choice.projectPath] : choice, ['vitest', 'web']);
    });

    it('names a framework it cannot run rather than guessing another', () => {
      assert.deepEqual(chooseFramework(temp.path, { profile: profile('rspec') }), { unsupported: 'rspec', projectPath: '.' });
    });

    it('without a profile, from the files', () => {
      writeFiles(temp.path, { 'package.json': JSON.stringify({ scripts: { test: 'jest --ci' }, devDependencies: { jest: '^30', mocha: '^11' } }) });
      assert.equal(detectFromFiles(temp.path)?.id, 'jest');
      writeFiles(temp.path, { 'package.json': JSON.stringify({ scripts: { test: 'node --import tsx --test' } }) });
      assert.equal(detectFromFiles(temp.path)?.id, 'node-test');
      writeFiles(temp.path, { 'package.json': '{}', 'go.mod': 'module x\n' });
      assert.equal(detectFromFiles(temp.path)?.id, 'go-test');
      assert.equal(chooseFramework(temp.path, { requested: 'cargo-test' }) && (chooseFramework(temp.path, { requested: 'cargo-test' }) as { source: string }).source, 'requested');
    });

    it('nothing to go on: undefined', () => {
      assert.equal(chooseFramework(temp.path, {}), undefined);
    });
  });

  describe('scope', () => {
    it('recognises each framework\'s test files, not helpers or fixtures', () => {
      assert.equal(isTestFile('jest', 'src/a.test.tsx'), true);
      assert.equal(isTestFile('jest', 'src/__tests__/a.ts'), true);
      assert.equal(isTestFile('mocha', 'test/support/temp.ts'), false);
      assert.equal(isTestFile('mocha', 'test/unit/a.test.ts'), true);
      assert.equal(isTestFile('pytest', 'tests/test_ops.py'), true);
      assert.equal(isTestFile('pytest', 'tests/conftest.py'), false);
      assert.equal(isTestFile('go-test', 'calc/calc_test.go'), true);
      assert.equal(isTestFile('cargo-test', 'tests/it.rs'), true);
      assert.equal(isTestFile('cargo-test', 'src/lib.rs'), false);
    });

    it('generated runs the written tests of the project, paths relative to it', () => {
      writeFiles(temp.path, { 'web/test/a.test.js': '', 'web/src/a.js': '' });
      assert.deepEqual(selectTests('vitest', `${temp.path}/web`, 'web', 'generated', ['web/test/a.test.js', 'web/src/a.js', 'web/test/gone.test.js']), { files: ['test/a.test.js'], scope: 'generated' });
    });

    it('full runs everything; an empty narrower scope widens and says why', () => {
      assert.deepEqual(selectTests('mocha', temp.path, '.', 'full', ['test/a.test.js']), { files: [], scope: 'full' });
      const widened = selectTests('mocha', temp.path, '.', 'related', ['src/nothing.js']);
      assert.deepEqual(widened.files, []);
      assert.equal(widened.scope, 'full');
      assert.match(widened.note ?? '', /no related test file was found, so the whole suite ran/);
    });
  });

  it('workers: the strategy\'s concurrency within its share of the cores, at least one', () => {
    assert.equal(workersFor({ concurrency: 4, cpuLimit: 0.5 }, 2), 1);
    assert.equal(workersFor({ concurrency: 2, cpuLimit: 1 }, 8), 2);
    assert.equal(workersFor({ cpuLimit: 0.75 }, 8), 6);
    assert.equal(workersFor({}, 1), 1);
    assert.equal(workersFor({ concurrency: 0, cpuLimit: 0 }, 4), 1);
  });

  it('node --test keeps the flags and paths of the project\'s test script, not its reporters', () => {
    writeFiles(temp.path, { 'package.json': JSON.stringify({ scripts: { test: "cross-env X=1 node --import tsx --test-reporter spec --enable-source-maps --test 'test/**/*.test.ts' && echo done" } }) });
    assert.deepEqual(scriptFlags(temp.path), { flags: ['--import', 'tsx', '--enable-source-maps'], paths: ['test/**/*.test.ts'] });
  });

  it('caps output to its head and tail, saying how much was left out', () => {
    const out = new CappedOutput(100);
    out.append('H'.repeat(30));
    for (let i = 0; i < 50; i++) out.append('x'.repeat(10));
    out.append('THE END');
    const text = out.text();
    assert.ok(text.startsWith('H'.repeat(25)));
    assert.ok(text.endsWith('THE END'));
    assert.match(text, /… \d+ characters of output left out …/);
    assert.ok(text.length < 160);
  });
});
