import assert from 'node:assert/strict';
import { buildPhasePrompt, estimateTokens, renderRepoMap, systemPrompt } from '../../../src/core/ai';
import { DeployAgentError } from '../../../src/core/errors';

const recommendation = { title: 'Add caching', description: 'Cache the product list for 60 seconds.', acceptanceCriteria: ['a second call within 60 s does not hit the database'] };
const files = Array.from({ length: 3000 }, (_, i) => ({ path: `src/module${i % 30}/file${i}.ts`, symbols: [`fn${i}`, `Class${i}`] }));

describe('phase prompts', () => {
  it('the system prompt starts with the phase line and includes the text protocol only without tools', () => {
    assert.match(systemPrompt('tests', true), /^deploy-agent phase: tests\n/);
    assert.doesNotMatch(systemPrompt('tests', true), /```file:/);
    assert.match(systemPrompt('fix', false), /```file:/);
  });

  it('implement: recommendation and criteria first, then ranked integration points, conventions, profile, repository map', () => {
    const p = buildPhasePrompt('implement', { recommendation, integrationPoints: [{ path: 'src/products.ts', reason: 'lists products', score: 0.9 }], conventions: ['camelCase'], profile: { language: 'typescript' }, repoMap: { files: files.slice(0, 5) } }, { maxPromptTokens: 100_000, nativeTools: true });
    const order = ['## Recommendation', '## Acceptance criteria', '## Where the change likely belongs', '## Project conventions', '## Project profile', '## Repository map'].map((h) => p.user.indexOf(h));
    assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), JSON.stringify(order));
    assert.deepEqual(p.shrunk, []);
  });

  it("every phase states the user's choice of integration points, never shortened away", () => {
    const userChoice = { addedFiles: ['src/cache.ts'], excludedIntegrationPoints: ['src/legacy/products.ts'] };
    for (const phase of ['implement', 'tests', 'fix'] as const) {
      const p = buildPhasePrompt(phase, { recommendation, userChoice, failingOutput: 'x', repoMap: { files } }, { maxPromptTokens: 3000, nativeTools: true });
      assert.match(p.user, /## The user's choice of integration points\n.*src\/cache\.ts/, phase);
      assert.match(p.user, /ruled out these places; do not change them.*src\/legacy\/products\.ts/, phase);
      assert.ok(!p.shrunk.includes("The user's choice of integration points"), phase);
    }
    assert.doesNotMatch(buildPhasePrompt('implement', { recommendation }, { maxPromptTokens: 3000, nativeTools: true }).user, /user's choice/);
  });

  it('tests: the framework, the example test and the acceptance criteria come first', () => {
    const p = buildPhasePrompt('tests', { recommendation, testFramework: { name: 'vitest', command: 'npx vitest run', exampleTest: { path: 'test/x.test.ts', content: "import { test } from 'vitest';" } } }, { maxPromptTokens: 50_000, nativeTools: true });
    assert.ok(p.user.indexOf('## Test framework') < p.user.indexOf('## Example test') && p.user.indexOf('## Example test') < p.user.indexOf('## Acceptance criteria'));
    assert.ok(p.user.indexOf('## Acceptance criteria') < p.user.indexOf('## Recommendation'));
  });

  it('fix: failing output, error pattern and changes so far', () => {
    const p = buildPhasePrompt('fix', { recommendation, failingOutput: 'x'.repeat(20_000) + '\nTypeError: cache is undefined', errorPattern: { name: 'undefined access', description: 'a value is used before it is set', suggestion: 'initialise it' }, changesSoFar: [{ path: 'src/cache.ts', summary: 'added' }] }, { maxPromptTokens: 50_000, nativeTools: true });
    assert.match(p.user, /^## Failing test output\n… \(\d+ earlier characters left out\)/);
    assert.match(p.user, /TypeError: cache is undefined\n\n## Known error pattern this matches\nundefined access/);
    assert.match(p.user, /Usual fix: initialise it/);
    assert.match(p.user, /## Changes so far\n- src\/cache\.ts: added/);
  });

  it('shrinks the repository map first to fit, and keeps within the budget', () => {
    const context = { recommendation, conventions: ['use async/await'], repoMap: { files } };
    const roomy = buildPhasePrompt('implement', context, { maxPromptTokens: 200_000, nativeTools: true });
    const tight = buildPhasePrompt('implement', context, { maxPromptTokens: 3000, nativeTools: true });
    assert.ok(roomy.user.includes('fn2999, Class2999'));
    assert.deepEqual(tight.shrunk, ['Repository map']);
    assert.ok(tight.estimatedTokens <= 3000, String(tight.estimatedTokens));
    assert.match(tight.user, /## Project conventions\n- use async\/await/, 'the other sections stay whole');
    assert.match(tight.user, /module\d+\/ \(100 files\)/, 'folders are collapsed instead of the map being cut off');
  });

  it('fails with CONTEXT_TOO_SMALL when even the essentials do not fit', () => {
    assert.throws(
      () => buildPhasePrompt('implement', { recommendation: { ...recommendation, description: 'long '.repeat(4000) } }, { maxPromptTokens: 2000, nativeTools: true }),
      (e: DeployAgentError) => e.code === 'CONTEXT_TOO_SMALL' && /larger context/.test(e.hint),
    );
  });
});

describe('repository map', () => {
  it('renders a tree with symbols when it fits, collapses folders when not', () => {
    const small = renderRepoMap([{ path: 'src/a.ts', symbols: ['a'] }, { path: 'src/lib/b.ts' }, { path: 'README.md' }], 1000);
    assert.equal(small, 'src/\n  lib/\n    b.ts\n  a.ts: a\nREADME.md');
    const collapsed = renderRepoMap(files, 200);
    assert.ok(estimateTokens(collapsed) <= 200);
    assert.match(collapsed, /^src\/\n {2}module0\/ \(100 files\)\n/);
    assert.equal(renderRepoMap(files, 10), 'src/ (3000 files)');
    assert.equal(renderRepoMap(files, 0), '');
  });
});
