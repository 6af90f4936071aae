import assert from 'node:assert/strict';
import { checkGeneratedFiles } from '../../../src/core/configgen/checks';
import { generateConfigs } from '../../../src/core/configgen/generate';
import { CONFIG_KINDS, type GeneratedFile } from '../../../src/core/configgen/types';
import { Redactor } from '../../../src/core/security/redactor';
import { fixtureRepo } from './fixture-repo';

/**
 * Each rule, planted once: a good generated file is broken the way the rule forbids, and the check
 * must name that rule (and the good file passes). A check that cannot fail would pass these too.
 */
describe('configgen: the checks of generated files find what they are for', function () {
  this.timeout(60_000);
  let files: GeneratedFile[];
  const secrets = new Redactor([{ name: 'DB_PASSWORD', value: 'pl4nted-Secret-Value-93xq' }]);

  before(async () => {
    const repo = fixtureRepo('node-express');
    try {
      files = (await generateConfigs(repo.dir, CONFIG_KINDS, { env: {} })).flatMap((r) => r.files);
    } finally {
      repo.cleanup();
    }
  });

  const original = (path: string) => files.find((f) => f.path === path)!;
  /** The rules the broken file fails (the others in the set are checked too). */
  const failing = async (path: string, edit: (text: string) => string, extra: GeneratedFile[] = []): Promise<string[]> => {
    const file = original(path);
    const broken = { ...file, content: edit(file.content) };
    assert.notEqual(broken.content, file.content, 'the edit changed nothing');
    const [report] = await checkGeneratedFiles([broken, ...extra], secrets);
    return [...new Set(report!.problems.map((p) => p.rule))];
  };

  it('passes the good files', async () => {
    const reports = await checkGeneratedFiles(files, secrets);
    assert.deepEqual(reports.flatMap((r) => r.problems), []);
    assert.deepEqual(reports.map((r) => r.file).sort(), ['.deploy-agent/config.json', '.dockerignore', '.env.example', '.github/workflows/ci.yml', '.gitlab-ci.yml', 'Dockerfile', 'Jenkinsfile', 'compose.yaml']);
  });

  it('Dockerfile: a base image without a pinned tag, or with latest', async () => {
    assert.deepEqual(await failing('Dockerfile', (t) => t.replace(/^FROM node:\S+ AS deps$/m, 'FROM node AS deps')), ['dockerfile:pinned-base']);
    assert.deepEqual(await failing('Dockerfile', (t) => t.replace(/^FROM node:\S+$/m, 'FROM node:latest')), ['dockerfile:no-latest']);
    assert.deepEqual(await failing('Dockerfile', (t) => t.replace(/^FROM node:\S+$/m, 'FROM node:${NODE}')), ['dockerfile:pinned-base']);
  });

  it('Dockerfile: root, a secret in ENV or ARG, the source copied before the install, a shell-form CMD', async () => {
    assert.deepEqual(await failing('Dockerfile', (t) => t.replace(/^USER node$/m, '')), ['dockerfile:non-root']);
    assert.deepEqual(await failing('Dockerfile', (t) => t.replace(/^USER node$/m, 'USER root')), ['dockerfile:non-root']);
    assert.deepEqual(await failing('Dockerfile', (t) => t.replace(/^WORKDIR \/app$/m, 'ARG NPM_TOKEN\nWORKDIR /app')), ['dockerfile:no-secret-env']);
    assert.deepEqual(await failing('Dockerfile', (t) => t.replace(/^ENV NODE_ENV=production$/m, 'ENV NODE_ENV=production SESSION_SECRET=x8Kq2mZ7pL4vN9wR3tY6')), ['dockerfile:no-secret-env']);
    assert.deepEqual(await failing('Dockerfile', (t) => t.replace(/^COPY package\.json package-lock\.json \.\/$/m, 'COPY . .')), ['dockerfile:manifests-first']);
    assert.deepEqual(await failing('Dockerfile', (t) => t.replace(/^CMD .*$/m, 'CMD npm start')), ['dockerfile:exec-cmd']);
    assert.deepEqual(await failing('Dockerfile', (t) => t.replace(/^ENV NODE_ENV=production$/m, 'ENV NODE_ENV')), ['dockerfile:syntax']);
  });

  it('.dockerignore: a secret file let into the context, a copied manifest ignored', async () => {
    assert.deepEqual(await failing('.dockerignore', (t) => t.replace(/^\.env$/m, '')), ['dockerignore:secrets']);
    assert.deepEqual(await failing('.dockerignore', (t) => `${t}package-lock.json\n`, [original('Dockerfile')]), ['dockerignore:copied']);
  });

  it('GitHub Actions: a schema error, a missing trigger, an unpinned action, broken YAML', async () => {
    assert.ok((await failing('.github/workflows/ci.yml', (t) => t.replace('runs-on:', 'runs-onn:'))).includes('workflow'));
    assert.deepEqual(await failing('.github/workflows/ci.yml', (t) => t.replace(/ {2}pull_request:\n {4}branches:\n {6}- main\n/, '')), ['workflow:triggers']);
    assert.deepEqual(await failing('.github/workflows/ci.yml', (t) => t.replace('actions/checkout@v4', 'actions/checkout@main')), ['workflow:pinned-actions']);
    assert.ok((await failing('.github/workflows/ci.yml', (t) => t.replace('jobs:', 'jobs:\n  - broken: [\n'))).includes('yaml'));
  });

  it('GitLab CI: a job without a script, an unknown keyword, an unpinned image, an undeclared stage', async () => {
    assert.deepEqual(await failing('.gitlab-ci.yml', (t) => t.replace(/ {2}script:\n {4}- npm test\n/, '')), ['gitlab:script']);
    assert.deepEqual(await failing('.gitlab-ci.yml', (t) => t.replace('  stage: test', '  stage: test\n  scripts: []')), ['gitlab:keywords']);
    assert.deepEqual(await failing('.gitlab-ci.yml', (t) => t.replace(/image: node:\S+/, 'image: node:latest')), ['gitlab:pinned-image']);
    assert.deepEqual(await failing('.gitlab-ci.yml', (t) => t.replace('  stage: test', '  stage: deploy')), ['gitlab:stages']);
  });

  it('compose: an unpinned image, no health check, an undeclared volume', async () => {
    assert.deepEqual(await failing('compose.yaml', (t) => t.replace(/image: postgres:\S+/, 'image: postgres')), ['compose:pinned-image']);
    assert.deepEqual(await failing('compose.yaml', (t) => t.replace(/ {4}healthcheck:[\s\S]*?start_period: 10s\n/, '')), ['compose:healthcheck']);
    assert.deepEqual(await failing('compose.yaml', (t) => t.replace(/^volumes:\n {2}postgres-data:\n?/m, '')), ['compose:volumes']);
  });

  it('Jenkinsfile: an unclosed brace or string, a stage without steps', async () => {
    assert.deepEqual(await failing('Jenkinsfile', (t) => t.replace(/\}\n$/, '\n')), ['jenkins:syntax']);
    assert.deepEqual(await failing('Jenkinsfile', (t) => t.replace("sh 'npm test'", "sh 'npm test")), ['jenkins:syntax']);
    assert.deepEqual(await failing('Jenkinsfile', (t) => t.replace(/steps \{\n\s*sh 'npm test'\n\s*\}/, "echo 'no steps'")), ['jenkins:declarative']);
  });

  it('.env.example: a value; the release target: the wrong shape', async () => {
    assert.deepEqual(await failing('.env.example', (t) => t.replace(/^PORT=$/m, 'PORT=3000')), ['env:no-values']);
    assert.deepEqual(await failing('.deploy-agent/config.json', (t) => t.replace('"type": "local"', '"type": "ftp"')), ['target:schema']);
    assert.deepEqual(await failing('.deploy-agent/config.json', (t) => t.replace(/"start": "[^"]*",?/, '')), ['target:resolve']);
  });

  it('any file: a secret value of the repository, or a token, is found without being repeated', async () => {
    for (const f of files) {
      const rules = await failing(f.path, (t) => `${t}${f.path.endsWith('.json') ? '' : '# '}pl4nted-Secret-Value-93xq\n`);
      assert.ok(rules.includes('secret:repository-value'), `${f.path}: ${rules.join(', ')}`);
    }
    const [report] = await checkGeneratedFiles([{ path: 'Jenkinsfile', content: `${original('Jenkinsfile').content}// ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}\n` }], secrets);
    assert.deepEqual(report!.problems.map((p) => p.rule), ['secret:token-shape']);
    assert.ok(!JSON.stringify(report).includes('pl4nted'));
  });
});
