import assert from 'node:assert/strict';
import type { LiveEvent, ReviewView } from '../../../src/protocol/panel';
import { reduceAll } from '../../../webview-ui/panel/timeline';
import { stepsView } from '../../../webview-ui/panel/views/deployment';
import { reviewView } from '../../../webview-ui/panel/views/review';

// What a newcomer read in the panel: "Run the tests ✓ 4 passed, 1 failed" (a check mark on failing
// tests) and "Passing" for criteria that no test checked.
describe('the panel marks what is not a success', () => {
  const plan = [
    { name: 'run-tests', title: 'Run the tests' },
    { name: 'repair', title: 'Repair failing tests' },
  ];
  let ts = 0;
  const at = <T extends object>(e: T) => ({ deploymentId: 'd1', ts: ++ts, ...e }) as unknown as LiveEvent;

  it('a step that succeeded with failing tests shows a warning mark and why, not a check mark', () => {
    const t = reduceAll({ plan }, [
      at({ type: 'step.started', step: 'run-tests' }),
      at({ type: 'step.finished', step: 'run-tests', status: 'succeeded', durationMs: 2000, summary: '4 passed, 1 failed, 0 skipped', attention: '1 test failed' }),
      at({ type: 'step.started', step: 'repair' }),
      at({ type: 'step.finished', step: 'repair', status: 'succeeded', durationMs: 2000, summary: '5 passed, 0 failed, 0 skipped after 1 repair round' }),
    ]);
    const markup = stepsView(t).value;
    const runTests = /<li class="step step-succeeded step-attention" data-step="run-tests"[\s\S]*?<\/li>/.exec(markup)?.[0] ?? '';
    assert.match(runTests, /<span class="step-glyph" aria-hidden="true">⚠<\/span>/);
    assert.match(runTests, /<p class="step-warning">1 test failed<\/p>/);
    assert.match(runTests, /done with a warning: 1 test failed/);
    const repair = /<li class="step step-succeeded" data-step="repair"[\s\S]*?<\/li>/.exec(markup)?.[0] ?? '';
    assert.match(repair, /<span class="step-glyph" aria-hidden="true">✓<\/span>/, 'the repair that fixed them is ticked off');
  });

  it('the requirement table says "not covered by a test" for a criterion no test names, and which tags are missing', () => {
    const review = {
      deploymentId: 'd1', title: 'Paginate', status: 'awaiting-review', branch: 'b', worktree: null, files: [], tests: [], counts: { passed: 3, failed: 0, skipped: 0 }, gates: [], changedSinceTests: false,
      requirements: [
        { requirement: 'GET /orders?limit=10 returns 10', tag: 'AC1', files: ['src/orders.js'], tests: ['test/pagination.test.js › [AC1] ten'], result: 'passing' },
        { requirement: 'limit above 100 is answered with 400', tag: 'AC2', files: ['src/orders.js'], tests: [], result: 'not covered' },
      ],
    } as unknown as ReviewView;
    const markup = reviewView(review, {}).value;
    assert.match(markup, /<tr data-result="not covered">[\s\S]*?limit above 100[\s\S]*?not covered by a test/);
    assert.match(markup, /<tr data-result="passing">[\s\S]*?<span class="path" title="test\/pagination.test.js">test\/pagination.test.js<\/span> › \[AC1\] ten/);
    assert.match(markup, /data-testid="requirements-uncovered">No test that ran names AC2/);
  });
});
