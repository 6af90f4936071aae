import assert from 'node:assert/strict';
import path from 'node:path';
import { analyzeIntegration, analyzeWorkspace } from '../../../src/core/analysis';

// The example workspace of the README (an orders API: src/app.js handles requests, src/orders.js
// is the order book, src/server.js listens), ranked for the two recommendations a newcomer tried.
const EXAMPLE = path.resolve(__dirname, '../../../examples/workspace');

describe('integration points a newcomer can trust', () => {
  it('"GET /health": the request handler and the server, not getOrder because of the verb GET; every file says why', async () => {
    const profile = await analyzeWorkspace(EXAMPLE);
    const report = await analyzeIntegration(profile.root, profile, {
      title: 'Add a health check',
      description: 'Add GET /health returning {"ok": true}.',
      acceptanceCriteria: ['GET /health answers 200'],
    });
    const paths = report.rankedFiles.map((f) => f.path);
    assert.equal(paths[0], 'src/app.js', JSON.stringify(report.rankedFiles));
    assert.ok(paths.includes('src/server.js'), `the server is a candidate: ${JSON.stringify(paths)}`);
    assert.ok(!report.rankedFiles.some((f) => f.reasons.some((r) => /getOrder/.test(r))), `"GET" is an HTTP verb, not getOrder: ${JSON.stringify(report.rankedFiles)}`);
    for (const f of report.rankedFiles) assert.ok(f.reasons.length > 0, `${f.path} is ranked without a reason`);
  });

  it('pagination with targetFiles: the named files first (tests included), no doc "mentions test", and the change goes into the named files', async () => {
    const profile = await analyzeWorkspace(EXAMPLE);
    const report = await analyzeIntegration(profile.root, profile, {
      title: 'Paginate the order list',
      description: 'GET /orders (src/app.js) returns every order at once. Add pagination with `limit` and `offset` query parameters.',
      acceptanceCriteria: ['Without parameters the first 20 orders are returned', 'Tests cover the defaults, the bounds and the error cases'],
      targetFiles: ['src/app.js', 'src/orders.js', 'test/orders.test.js'],
    });
    const paths = report.rankedFiles.map((f) => f.path);
    assert.deepEqual(paths.slice(0, 3).sort(), ['src/app.js', 'src/orders.js', 'test/orders.test.js'], JSON.stringify(report.rankedFiles));
    assert.ok(!report.rankedFiles.some((f) => f.reasons.some((r) => /mentions "test"|matches "src"/.test(r))), JSON.stringify(report.rankedFiles));
    assert.ok(!report.rankedFiles.find((f) => f.path === 'test/orders.test.js')!.reasons.some((r) => /serves HTTP/.test(r)), 'a test that makes requests serves nothing');
    assert.ok(['src/app.js', 'src/orders.js'].includes(report.suggestedLocations.code), `new code suggested in ${report.suggestedLocations.code}`);
    assert.equal(report.suggestedLocations.tests, 'test/orders.test.js');
    assert.match(report.suggestedLocations.reason, /targetFiles/);
  });
});
