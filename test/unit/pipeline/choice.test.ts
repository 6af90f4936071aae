import assert from 'node:assert/strict';
import { applyChoice, normalizeChoice, withChoice } from '../../../src/core/pipeline/choice';
import { DeployAgentError } from '../../../src/core/errors';

describe("the user's choice of integration points", () => {
  const ranked = [
    { path: 'src/products.ts', score: 0.9, reason: 'lists products', symbols: ['listProducts'] },
    { path: 'src/legacy/products.ts', score: 0.7, reason: 'old list' },
    { path: 'src/db.ts', score: 0.4, reason: 'database access' },
  ];

  it('drops the excluded points and puts the added files first, keeping what the ranking knew of them', () => {
    const points = applyChoice(ranked, { excludedIntegrationPoints: ['src/legacy/products.ts'], addedFiles: ['src/cache.ts', 'src/db.ts'] });
    assert.deepEqual(points.map((p) => p.path), ['src/cache.ts', 'src/db.ts', 'src/products.ts']);
    assert.equal(points[0]!.reason, 'added by the user');
    assert.equal(points[1]!.reason, 'added by the user; database access');
    assert.equal(points[1]!.score, 0.4);
  });

  it('normalises paths and refuses any that leave the workspace, with what to do', () => {
    assert.deepEqual(normalizeChoice({ addedFiles: ['./src\\app.ts', 'src/app.ts', 'lib/'] }), { addedFiles: ['src/app.ts', 'lib'], excludedIntegrationPoints: [] });
    assert.equal(normalizeChoice({ addedFiles: [], excludedIntegrationPoints: [] }), undefined);
    for (const bad of ['../outside.ts', '/etc/passwd', 'C:/x.ts', 'src/../../x', '.git/config', '', 'a\u0000b']) {
      assert.throws(
        () => normalizeChoice({ excludedIntegrationPoints: [bad] }),
        (e: unknown) => e instanceof DeployAgentError && e.code === 'INVALID_CHOICE' && /relative to the workspace/.test(e.hint),
        JSON.stringify(bad),
      );
    }
  });

  it('the context step keeps the choice in the context, where every phase prompt finds it', () => {
    const context = withChoice({ environment: 'development', dataGaps: [], integration: { integrationPoints: ranked } }, { excludedIntegrationPoints: ['src/products.ts'] }, '/nonexistent');
    assert.deepEqual((context.integration!.integrationPoints as { path: string }[]).map((p) => p.path), ['src/legacy/products.ts', 'src/db.ts']);
    assert.deepEqual(context.choice, { excludedIntegrationPoints: ['src/products.ts'], addedFiles: [] });
  });
});
