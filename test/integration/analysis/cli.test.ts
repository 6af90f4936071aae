import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runBuiltCli } from '../../support/cli';
import { tempDir } from '../../support/temp';
import { STACKS_DIR } from '../../unit/analysis/expectations';

const FIELDS = ['root', 'languages', 'primaryLanguage', 'frameworks', 'packageManager', 'buildTool', 'runtime', 'commands', 'port', 'dependencies', 'envVars', 'ci', 'docker', 'tests', 'projects', 'structure', 'durationMs'];

describe('deploy-agent analyze (built CLI)', function () {
  this.timeout(60000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('analysis-cli-')));
  afterEach(() => dir.cleanup());
  const env = () => ({ DEPLOY_AGENT_DB: path.join(dir.path, 'history.db') });

  it('--json prints exactly one JSON object with the profile fields', async () => {
    const result = await runBuiltCli(['--db', path.join(dir.path, 'h.db'), 'analyze', path.join(STACKS_DIR, 'python-django'), '--json'], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    const profile = JSON.parse(result.stdout) as Record<string, unknown>;
    for (const field of FIELDS) assert.ok(field in profile, `missing ${field}`);
    assert.equal(profile.primaryLanguage, 'python');
    assert.equal(profile.packageManager, 'pip');
    assert.deepEqual(profile.commands, { install: 'pip install -r requirements.txt', build: null, test: 'python -m pytest', start: 'gunicorn shop.wsgi --bind 0.0.0.0:8000', dev: 'python manage.py runserver 0.0.0.0:8000', migrate: 'python manage.py migrate' });
    const structure = profile.structure as { files: number; sourceFiles: number; testFiles: number; skipped: { count: number } };
    assert.ok(structure.files >= 10 && structure.sourceFiles >= 6 && structure.testFiles === 1);
  });

  it('prints a readable profile by default and uses the cache on the second run', async () => {
    const work = path.join(dir.path, 'app');
    cpSync(path.join(STACKS_DIR, 'go-gin'), work, { recursive: true });
    const args = ['--db', path.join(dir.path, 'h.db'), 'analyze', work];
    const first = await runBuiltCli(args, { env: env() });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /frameworks\s+gin 1\.10\.0/);
    assert.match(first.stdout, /package manager\s+go/);
    assert.match(first.stdout, /start\s+\.\/bin\/go-gin {2}\(90%: go.mod\)/);
    assert.match(first.stdout, /dev\s+go run \./);
    const second = await runBuiltCli([...args, '--json'], { env: env() });
    assert.equal((JSON.parse(second.stdout) as { structure: { readCount: number } }).structure.readCount, 0);
  });

  it('exits 1 with a coded error for a folder that does not exist', async () => {
    const result = await runBuiltCli(['--db', path.join(dir.path, 'h.db'), 'analyze', path.join(dir.path, 'missing'), '--json'], { env: env() });
    assert.equal(result.code, 1);
    assert.equal((JSON.parse(result.stdout) as { error: { code: string } }).error.code, 'ANALYSIS_NO_FOLDER');
  });

  it('--recommendation adds an integration section', async () => {
    const rec = path.join(dir.path, 'rec.json');
    writeFileSync(rec, JSON.stringify({ title: 'Add product reviews', description: 'Customers can review a product; store reviews next to products.', dataRequirements: { tables: ['reviews', 'products'] } }));
    const result = await runBuiltCli(['--db', path.join(dir.path, 'h.db'), 'analyze', path.join(STACKS_DIR, 'python-django'), '--recommendation', rec, '--json'], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { integration: { rankedFiles: { path: string }[]; repoMap: string; dataGaps: { name: string; status: string }[] } };
    assert.ok(out.integration.rankedFiles.slice(0, 3).some((f) => f.path.startsWith('catalog/')), JSON.stringify(out.integration.rankedFiles.slice(0, 5)));
    assert.match(out.integration.repoMap, /catalog/);
    assert.deepEqual(out.integration.dataGaps.map((g) => g.name), ['reviews']);
  });
});
