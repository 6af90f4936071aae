import assert from 'node:assert/strict';
import path from 'node:path';
import { analyzeWorkspace } from '../../../src/core/analysis';
import { checkProfile, expectedOf, listFigures, stackFixtures, STACKS_DIR, type FieldCheck } from './expectations';

const CORE_FIELDS = /^(primaryLanguage|frameworks|packageManager|commands\.\w+)$/;

describe('analysis: stack detection over the fixture projects', () => {
  const names = stackFixtures();

  it('has at least 25 fixture projects, each with its expected profile', () => {
    assert.ok(names.length >= 25, `only ${names.length} fixtures`);
  });

  for (const name of names) {
    it(`${name}: language, frameworks, package manager and commands`, async () => {
      const profile = await analyzeWorkspace(path.join(STACKS_DIR, name));
      const wrong = checkProfile(profile, expectedOf(name)).filter((c) => CORE_FIELDS.test(c.field) && !c.ok);
      assert.deepEqual(wrong, []);
      for (const fw of profile.frameworks) {
        assert.ok(fw.confidence > 0 && fw.confidence <= 1);
        assert.ok(fw.evidence.length > 0, `${fw.name} has no evidence`);
      }
    });
  }

  it('gets at least 95% of all fields right, a wrongly detected framework, env var or table counting as a wrong field (share, precision and recall reported)', async function () {
    let right = 0;
    let total = 0;
    const misses: string[] = [];
    const all: FieldCheck[] = [];
    for (const name of names) {
      const checks = checkProfile(await analyzeWorkspace(path.join(STACKS_DIR, name)), expectedOf(name));
      all.push(...checks);
      right += checks.filter((c) => c.ok).length;
      total += checks.length;
      for (const c of checks.filter((x) => !x.ok)) misses.push(c.extra ? `${name} ${c.field}: detected ${JSON.stringify(c.actual)}, not expected` : `${name} ${c.field}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)}`);
    }
    const share = right / total;
    const lists = listFigures(all);
    this.test!.title += ` — ${right}/${total} = ${(share * 100).toFixed(1)}%; list items: precision ${(lists.precision * 100).toFixed(1)}%, recall ${(lists.recall * 100).toFixed(1)}% (${lists.falsePositives} false positive(s))`;
    assert.ok(share >= 0.95, `share ${share}\n${misses.join('\n')}`);
    assert.ok(lists.precision >= 0.95, `precision ${lists.precision}\n${misses.join('\n')}`);
  });

  it('the expectation check counts false positives (a profile claiming extra frameworks, env vars and tables scores lower)', async () => {
    const name = 'python-flask';
    const profile = await analyzeWorkspace(path.join(STACKS_DIR, name));
    const honest = checkProfile(profile, expectedOf(name));
    assert.deepEqual(honest.filter((c) => !c.ok), []);
    const padded = {
      ...profile,
      frameworks: [...profile.frameworks, { ...profile.frameworks[0]!, name: 'django' }],
      envVars: [...profile.envVars, 'NOT_READ_ANYWHERE'],
      dataInventory: { ...profile.dataInventory, models: [...profile.dataInventory.models, { ...profile.dataInventory.models[0]!, name: 'ghosts' }] },
    };
    const wrong = checkProfile(padded, expectedOf(name)).filter((c) => !c.ok);
    assert.deepEqual(wrong.map((c) => [c.field, c.actual, c.extra]), [['frameworks', 'django', true], ['envVars', 'NOT_READ_ANYWHERE', true], ['tables', 'ghosts', true]]);
    assert.deepEqual(listFigures(checkProfile(padded, expectedOf(name))), { expectedItems: 3, found: 6, foundAndExpected: 3, falsePositives: 3, precision: 0.5, recall: 1 });
  });

  it('gives a monorepo a profile per workspace package and one for the root', async () => {
    const profile = await analyzeWorkspace(path.join(STACKS_DIR, 'monorepo-npm-workspaces'));
    assert.deepEqual(profile.projects.map((p) => p.path).sort(), ['packages/api', 'packages/shared', 'packages/web']);
    const api = profile.projects.find((p) => p.path === 'packages/api')!;
    assert.equal(api.name, '@acme/api');
    // the lockfile at the workspace root resolves the package's versions
    assert.deepEqual(api.dependencies.find((d) => d.name === 'express'), { name: 'express', version: '4.19.2', dev: false, ecosystem: 'npm', locked: true });
  });

  it('resolves dependency versions from the lockfile and keeps declared ranges where none is locked', async () => {
    const flask = await analyzeWorkspace(path.join(STACKS_DIR, 'python-flask'));
    assert.equal(flask.dependencies.find((d) => d.name === 'flask-sqlalchemy')?.version, '3.1.1');
    const fastapi = await analyzeWorkspace(path.join(STACKS_DIR, 'python-fastapi'));
    assert.equal(fastapi.dependencies.find((d) => d.name === 'uvicorn')?.version, '^0.30.1');
    assert.equal(fastapi.dependencies.find((d) => d.name === 'pytest')?.dev, true);
    const rails = await analyzeWorkspace(path.join(STACKS_DIR, 'ruby-rails'));
    assert.equal(rails.frameworks.find((f) => f.name === 'rails')?.version, '7.1.3.4');
  });
});
