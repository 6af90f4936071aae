import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RECOMMENDATION_CATEGORIES, recommendationProblems } from '../../../src/core/recommendation/load';
import { describeRecommendationFiles, findRecommendationFiles, saveGeneratedRecommendation, saveRecommendation, slugOf } from '../../../src/core/recommendation/workspace';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { lastDeploymentsOf } from '../../../src/core/store/recommendation-status';
import { EventsRepository } from '../../../src/core/store/steps';
import { tempDir } from '../../support/temp';
import schema from '../../../schemas/recommendation.schema.json';

// The panel's list and form, core side: a workspace's recommendation files described (valid or
// not, and why), a form's recommendation checked per field and saved as a file, each file's last deployment.
describe('recommendations of a workspace', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  const write = (rel: string, value: unknown) => {
    const file = path.join(dir.path, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  it('describes valid files with their title and category, and invalid ones with every schema problem; valid first, by title', async () => {
    const files = [
      write('.deploy-agent/recommendations/b.json', { title: 'Zebra', description: 'z', category: 'fix' }),
      write('.deploy-agent/recommendations/a.json', { title: 'Alpha', description: 'a' }),
      write('docs/bad.recommendation.json', { title: '', category: 'magic' }),
      write('docs/not-json.recommendation.json', '{ nope'),
    ];
    const entries = await describeRecommendationFiles(dir.path, files);
    assert.deepEqual(
      entries.map((e) => [e.relativePath, e.recommendation?.title ?? null, e.problem?.code ?? null]),
      [
        ['.deploy-agent/recommendations/a.json', 'Alpha', null],
        ['.deploy-agent/recommendations/b.json', 'Zebra', null],
        ['docs/bad.recommendation.json', null, 'RECOMMENDATION_INVALID'],
        ['docs/not-json.recommendation.json', null, 'RECOMMENDATION_INVALID_JSON'],
      ],
    );
    assert.equal(entries[1]!.recommendation?.category, 'fix');
    const bad = entries[2]!.problem!;
    assert.ok(bad.problems.some((p) => p.includes('"description" is required')), bad.problems.join('; '));
    assert.ok(bad.problems.some((p) => p.includes('"category" must be one of')), bad.problems.join('; '));
    assert.ok(bad.problems.some((p) => p.includes('"title" must not be empty')), bad.problems.join('; '));
  });

  it('finds the recommendation files of a git workspace, tracked or not, but not ignored nor nested in the recommendations folder', async () => {
    write('.deploy-agent/recommendations/a.json', {});
    write('.deploy-agent/recommendations/old/b.json', {});
    write('.deploy-agent/config.json', {});
    write('docs/c.recommendation.json', {});
    write('ignored/d.recommendation.json', {});
    write('.gitignore', 'ignored/\n');
    write('src/app.json', {});
    execFileSync('git', ['init', '-q'], { cwd: dir.path });
    execFileSync('git', ['add', 'docs'], { cwd: dir.path });
    const found = (await findRecommendationFiles(dir.path))!.map((f) => path.relative(dir.path, f).split(path.sep).join('/')).sort();
    assert.deepEqual(found, ['.deploy-agent/recommendations/a.json', 'docs/c.recommendation.json']);
    // Outside a git repository the caller searches another way.
    const plain = tempDir();
    try {
      assert.equal(await findRecommendationFiles(plain.path), undefined);
    } finally {
      plain.cleanup();
    }
  });

  it('gives each problem of a form its field, so the panel can show it under that field', () => {
    assert.deepEqual(recommendationProblems({ title: 'ok', description: 'ok' }), []);
    const problems = recommendationProblems({ title: '', acceptanceCriteria: ['fine', ''], category: 'magic', colour: 'red' });
    const byField = Object.fromEntries(problems.map((p) => [p.field, p.message]));
    assert.match(byField.title!, /must not be empty/);
    assert.match(byField.description!, /is required/);
    assert.match(byField['acceptanceCriteria[1]']!, /must not be empty/);
    assert.match(byField.category!, /must be one of/);
    assert.match(byField.colour!, /is not a recommendation field/);
  });

  it('takes the form’s categories from the schema itself', () => {
    assert.deepEqual([...RECOMMENDATION_CATEGORIES], schema.properties.category.enum);
  });

  it('saves a form’s recommendation as a new file named after its title, never over an existing one', async () => {
    const value = { title: 'Add a /health endpoint!', description: 'GET /health answers 200.', acceptanceCriteria: ['GET /health returns 200'] };
    const first = await saveRecommendation(dir.path, value);
    const second = await saveRecommendation(dir.path, value);
    assert.equal(first.relativePath, '.deploy-agent/recommendations/add-a-health-endpoint.json');
    assert.equal(second.relativePath, '.deploy-agent/recommendations/add-a-health-endpoint-2.json');
    assert.deepEqual(JSON.parse(readFileSync(first.file, 'utf8')), value);
    // What was saved is a valid recommendation for a deployment.
    const [entry] = await describeRecommendationFiles(dir.path, [first.file]);
    assert.equal(entry!.recommendation?.title, value.title);
  });

  it('saves a generated recommendation once: again with the same content it is unchanged, other content is refused naming the file, replaced only with force', async () => {
    const value = { id: 'deployment-config/dockerfile', title: 'Add a Dockerfile', description: 'Containerize the application.', category: 'deployment-config' };
    const first = await saveGeneratedRecommendation(dir.path, value);
    assert.deepEqual([first.relativePath, first.outcome], ['.deploy-agent/recommendations/add-a-dockerfile.json', 'created']);
    assert.equal((await saveGeneratedRecommendation(dir.path, value)).outcome, 'unchanged');
    // Laid out differently by an editor, it is still the same recommendation.
    writeFileSync(first.file, JSON.stringify(value));
    assert.equal((await saveGeneratedRecommendation(dir.path, value, { force: true })).outcome, 'unchanged');
    assert.equal(readFileSync(first.file, 'utf8'), JSON.stringify(value), 'an unchanged file is not rewritten');

    const edited = { ...value, description: 'Containerize the application, with my own base image.' };
    writeFileSync(first.file, JSON.stringify(edited, null, 2));
    await assert.rejects(
      saveGeneratedRecommendation(dir.path, value),
      (error: Error & { code?: string; hint?: string }) =>
        error.code === 'RECOMMENDATION_EXISTS' && error.message.startsWith('.deploy-agent/recommendations/add-a-dockerfile.json already exists with other content') && /--force/.test(error.hint ?? ''),
    );
    assert.deepEqual(JSON.parse(readFileSync(first.file, 'utf8')), edited, 'the user’s edit is kept');
    assert.equal((await saveGeneratedRecommendation(dir.path, value, { force: true })).outcome, 'replaced');
    assert.deepEqual(JSON.parse(readFileSync(first.file, 'utf8')), value);
    assert.deepEqual(readdirSync(path.dirname(first.file)), ['add-a-dockerfile.json'], 'never a second copy beside it');
  });

  it('refuses to save an invalid recommendation and writes nothing', async () => {
    await assert.rejects(saveRecommendation(dir.path, { title: 'No description' }), (error: Error & { code?: string }) => error.code === 'RECOMMENDATION_INVALID' && /description/.test(error.message));
    assert.throws(() => readdirSync(path.join(dir.path, '.deploy-agent', 'recommendations')), /ENOENT/);
  });

  it('makes file names from any title', () => {
    assert.equal(slugOf('Crème brûlée: the café’s menu'), 'creme-brulee-the-cafe-s-menu');
    assert.equal(slugOf('!!!'), 'recommendation');
    assert.ok(slugOf('word '.repeat(40)).length <= 60);
    assert.doesNotMatch(slugOf('word '.repeat(40)), /-$/);
  });

  it('finds the last deployment of each file among the workspace’s deployments', () => {
    const store = openHistoryStore(path.join(dir.path, 'history.db'));
    try {
      const deployments = new DeploymentsRepository(store.db);
      const events = new EventsRepository(store.db);
      const add = (id: string, repoPath: string, file: string, createdAt: number, status: 'succeeded' | 'failed') => {
        deployments.insert({ id, repoPath, title: id, createdAt, status });
        events.insert(id, createdAt, 'request', { recommendationFile: file, mode: 'review' });
      };
      add('old', '/repo', '/repo/a.json', 1000, 'failed');
      add('new', '/repo', '/repo/a.json', 2000, 'succeeded');
      add('b1', '/repo', '/repo/b.json', 1500, 'failed');
      add('elsewhere', '/other', '/repo/c.json', 3000, 'succeeded');
      const last = lastDeploymentsOf(store.db, ['/repo'], ['/repo/a.json', '/repo/b.json', '/repo/c.json']);
      assert.deepEqual([...last.entries()].map(([file, d]) => [file, d.id, d.status]).sort(), [
        ['/repo/a.json', 'new', 'succeeded'],
        ['/repo/b.json', 'b1', 'failed'],
      ]);
      assert.equal(lastDeploymentsOf(store.db, [], ['/repo/a.json']).size, 0);
    } finally {
      store.close();
    }
  });
});
