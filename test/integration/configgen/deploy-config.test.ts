import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseJson, useHarnesses, userState } from '../pipeline/harness';
import { git } from '../pipeline/repos';

/**
 * A built-in deployment-configuration recommendation deployed like any other (built CLI, fake
 * Ollama): `recommendations --missing` offers "Add a Dockerfile", `--save` writes it, `deploy`
 * runs it — the templates write the baseline in the sandbox, the model adapts it and breaks a rule,
 * the checks fail like a test, a fix round repairs it, the checked Dockerfile is committed.
 */
describe('configgen: "Add a Dockerfile" deployed through the pipeline (built CLI)', function () {
  this.timeout(240_000);
  const harnesses = useHarnesses();

  it('is offered when missing, saved, deployed: baseline, adaptation, a failing check repaired, committed on its branch', async () => {
    const h = await harnesses.create('node');
    const repo = h.repo.dir;
    // A server with a start script and a health route, committed (the stash and edits of the harness stay as they are).
    writeFileSync(path.join(repo, 'src', 'server.js'), "const http = require('node:http');\nconst port = Number(process.env.PORT || 8080);\nhttp.createServer((req, res) => res.end(req.url === '/health' ? 'ok' : 'calc')).listen(port);\n");
    const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ ...pkg, engines: { node: '>=22' }, scripts: { start: 'node src/server.js', test: 'node --test' } }, null, 2));
    git(repo, 'add', 'src/server.js', 'package.json');
    git(repo, 'commit', '-q', '-m', 'a server', '--', 'src/server.js', 'package.json');

    const offered = parseJson(await h.cli(['recommendations', '--missing', '--workspace', repo, '--json'])) as { recommendations: { kind: string; recommendation: { title: string } }[] };
    assert.deepEqual(offered.recommendations.map((r) => r.kind).sort(), ['dockerfile', 'env', 'github-actions', 'gitlab-ci', 'jenkins', 'target']);
    const saved = parseJson(await h.cli(['recommendations', '--missing', '--save', 'dockerfile', '--workspace', repo, '--json'])) as { file: string; relativePath: string };
    assert.equal(saved.relativePath, '.deploy-agent/recommendations/add-a-dockerfile.json');

    const finish = (summary: string) => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });
    // The model's adaptation puts the CMD in shell form: a check fails; the fix round puts it back.
    h.ollama.script(
      'implement',
      { toolCalls: [{ name: 'read_file', arguments: { path: 'Dockerfile' } }] },
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'Dockerfile', search: 'CMD ["npm","start"]', replace: 'CMD npm start' } }] },
      finish('Adapted the Dockerfile.'),
    );
    h.ollama.script('fix', { toolCalls: [{ name: 'edit_file', arguments: { path: 'Dockerfile', search: 'CMD npm start', replace: 'CMD ["npm","start"]' } }] }, finish('Exec-form CMD again.'));
    const before = userState(repo);

    const result = await h.cli(['deploy', saved.file, '--workspace', repo, '--mode', 'local-commit', '--strategy', 'balanced', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 0, `${result.stderr}\n${JSON.stringify(out)}`);
    assert.equal(out.status, 'succeeded');
    assert.equal(out.repairs, 1);
    // The model was told about the baseline; no test-writing phase ran (the checks are the tests).
    const implement = h.ollama.chats.find((c) => c.phase === 'implement')!;
    assert.match(JSON.stringify(implement.body.messages), /Deploy Agent generated a baseline from the project profile/);
    assert.ok(!h.ollama.chats.some((c) => c.phase === 'tests'), 'no tests phase for deployment configuration');
    const fix = h.ollama.chats.find((c) => c.phase === 'fix')!;
    assert.match(JSON.stringify(fix.body.messages), /dockerfile:exec-cmd/);
    // What was committed: the checked Dockerfile and its .dockerignore.
    const files = git(repo, 'show', '--name-only', '--format=', String(out.commit)).split('\n').filter(Boolean).sort();
    assert.deepEqual(files, ['.dockerignore', 'Dockerfile']);
    const dockerfile = git(repo, 'show', `${String(out.commit)}:Dockerfile`);
    assert.match(dockerfile, /^FROM node:22-bookworm-slim/m);
    assert.match(dockerfile, /^CMD \["npm","start"\]$/m);
    assert.match(dockerfile, /^HEALTHCHECK .*127\.0\.0\.1:8080\/health/m);
    assert.equal(userState(repo).digest, before.digest, 'the user working tree is untouched');
    const report = await h.cli(['report', String(out.id)]);
    assert.match(report.stdout, /- run 1: 1 passed, 1 failed, 0 skipped \(deployment configuration checks, \d+ ms\)\n- run 2: 2 passed, 0 failed, 0 skipped \(deployment configuration checks/);
  });

  it('`--save` twice: the second says the file is unchanged; an edited file is refused naming it and --force, which replaces it', async () => {
    const h = await harnesses.create('node');
    const save = (...extra: string[]) => h.cli(['recommendations', '--missing', '--save', 'dockerfile', '--workspace', h.repo.dir, ...extra]);
    assert.match((await save()).stdout, /^Saved \.deploy-agent\/recommendations\/add-a-dockerfile\.json: deploy it with/);
    const again = await save();
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^\.deploy-agent\/recommendations\/add-a-dockerfile\.json is already saved with this content \(unchanged\)/);

    const file = path.join(h.repo.dir, '.deploy-agent', 'recommendations', 'add-a-dockerfile.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { description: string };
    const edited = JSON.stringify({ ...saved, description: `${saved.description} Use our own base image.` }, null, 2);
    writeFileSync(file, edited);
    const refused = await save('--json');
    assert.equal(refused.code, 1);
    const error = (parseJson(refused) as { error: { code: string; message: string; hint: string } }).error;
    assert.equal(error.code, 'RECOMMENDATION_EXISTS');
    assert.match(error.message, /^\.deploy-agent\/recommendations\/add-a-dockerfile\.json already exists with other content/);
    assert.match(error.hint, /--force/);
    assert.equal(readFileSync(file, 'utf8'), edited, 'the edit is kept');

    const forced = await save('--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^Replaced \.deploy-agent\/recommendations\/add-a-dockerfile\.json \(its content differed\)/);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /our own base image/);
    assert.deepEqual(readdirSync(path.dirname(file)), ['add-a-dockerfile.json'], 'no add-a-dockerfile-2.json');
    const stray = await h.cli(['recommendations', '--force']);
    assert.equal(stray.code, 1);
    assert.match(stray.stderr, /--force goes with --save/);
  });

  it('with configgen.adaptWithModel off, the templates alone are checked and committed: no model call', async () => {
    const h = await harnesses.create('node');
    const repo = h.repo.dir;
    writeFileSync(path.join(repo, 'src', 'server.js'), "require('node:http').createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT || 3000));\n");
    const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ ...pkg, scripts: { start: 'node src/server.js', test: 'node --test' } }, null, 2));
    git(repo, 'add', 'src/server.js', 'package.json');
    git(repo, 'commit', '-q', '-m', 'a server', '--', 'src/server.js', 'package.json');
    const recommendation = path.join(h.root, 'ci.json');
    writeFileSync(recommendation, JSON.stringify({ id: 'deployment-config/github-actions', title: 'Add CI with GitHub Actions', description: 'A workflow.', category: 'deployment-config' }));
    const config = path.join(h.root, 'config.json');
    writeFileSync(config, JSON.stringify({ 'configgen.adaptWithModel': false }));

    const result = await h.cli(['--config', config, 'deploy', recommendation, '--workspace', repo, '--mode', 'local-commit', '--strategy', 'balanced', '--json']);
    const out = parseJson(result);
    assert.equal(result.code, 0, `${result.stderr}\n${JSON.stringify(out)}`);
    assert.equal(out.status, 'succeeded');
    assert.deepEqual(h.ollama.chats.filter((c) => c.phase), [], 'no phase asked the model');
    const workflow = git(repo, 'show', `${String(out.commit)}:.github/workflows/ci.yml`);
    assert.match(workflow, /run: npm install\n/);
    assert.match(workflow, /run: npm test$/m);
  });
});
