import assert from 'node:assert/strict';
import type { TestCaseResult } from '../../../src/core/deployment/types';
import { renderBody } from '../../../src/core/git/pull-request';
import { renderRequirementTable, requirementRows, tagsInTestName } from '../../../src/core/report/requirements';

// The newcomer's run: the model changed src/orders.js only, its tests called listOrders() and
// named no criterion; the run was green. Before, every criterion read "passing".
const PAGINATION = {
  title: 'Paginate the order list',
  acceptanceCriteria: [
    'GET /orders?limit=10&offset=20 returns at most 10 orders, starting with the 21st',
    'Without parameters the first 20 orders are returned',
    'limit above 100 or a negative offset is answered with 400 and a message',
  ],
};
const WRITTEN = ['src/orders.js', 'test/pagination.test.js'];
const passed = (name: string): TestCaseResult => ({ name, file: 'test/pagination.test.js', status: 'passed' });

describe('requirements → files → tests', () => {
  it('a green run whose tests name no criterion covers none of them: "not covered", never "passing"', () => {
    const cases = [passed('without parameters the first 20 orders are returned'), passed('limit=10&offset=20 starts with the 21st'), passed('limit above 100 is refused')];
    const rows = requirementRows(PAGINATION, WRITTEN, { passed: 3, failed: 0, cases });
    assert.deepEqual(
      rows.map((r) => [r.tag, r.result, r.tests]),
      [
        ['AC1', 'not covered', []],
        ['AC2', 'not covered', []],
        ['AC3', 'not covered', []],
      ],
    );
    assert.deepEqual(rows[0]!.files, ['src/orders.js'], 'the files column keeps the change without its tests');
  });

  it('a criterion passes through the tests that carry its tag and ran; one failing test of it fails it', () => {
    const cases: TestCaseResult[] = [
      passed('[AC1] limit=10&offset=20 starts with the 21st'),
      passed('pagination > [AC2] defaults'),
      { name: '[AC2] twenty by default over HTTP', file: 'test/pagination.test.js', status: 'failed', message: 'expected 20' },
      { name: '[AC3] limit 101 answers 400', file: 'test/pagination.test.js', status: 'skipped' },
    ];
    const rows = requirementRows(PAGINATION, WRITTEN, { passed: 2, failed: 1, cases });
    assert.deepEqual(
      rows.map((r) => [r.tag, r.result, r.tests.length]),
      [
        ['AC1', 'passing', 1],
        ['AC2', 'failing', 2],
        ['AC3', 'not covered', 0],
      ],
      'a skipped test did not run, so it covers nothing',
    );
    assert.equal(rows[0]!.tests[0], 'test/pagination.test.js › [AC1] limit=10&offset=20 starts with the 21st');
  });

  it('counts without named tests (an older record, a counts-only reporter) prove no criterion', () => {
    assert.deepEqual(
      requirementRows(PAGINATION, WRITTEN, { passed: 5, failed: 0 }).map((r) => r.result),
      ['not covered', 'not covered', 'not covered'],
    );
    assert.deepEqual(
      requirementRows(PAGINATION, WRITTEN, null).map((r) => r.result),
      ['not run', 'not run', 'not run'],
    );
    assert.deepEqual(
      requirementRows(PAGINATION, WRITTEN, { passed: 0, failed: 0, cases: [] }).map((r) => r.result),
      ['not run', 'not run', 'not run'],
    );
  });

  it('reads the tag the way each framework names tests, and AC1 is not AC10', () => {
    assert.deepEqual([...tagsInTestName('[AC2] limit above 100')], [1]);
    assert.deepEqual([...tagsInTestName('tests/test_pages.py::test_ac3_limit')], [2]);
    assert.deepEqual([...tagsInTestName('example.com/m.TestAC1Defaults')], [0]);
    assert.deepEqual([...tagsInTestName('AC 4, ac-5: both')].sort(), [3, 4]);
    assert.deepEqual([...tagsInTestName('[AC10] tenth')], [9]);
    assert.deepEqual([...tagsInTestName('mac1 address vacuum; back2front; AC0')], [], 'words that merely contain "ac" and a digit are no tag');
  });

  it('the Markdown table and the pull request body say which criteria no test covers', () => {
    const cases = [passed('[AC1] limit=10&offset=20 starts with the 21st'), passed('limit above 100 is refused')];
    const table = renderRequirementTable(requirementRows(PAGINATION, WRITTEN, { passed: 2, failed: 0, cases })).join('\n');
    assert.match(table, /\| AC1: GET \/orders\?limit=10&offset=20 .* \| ✅ passing \|/);
    assert.match(table, /\| AC3: limit above 100 .* \| — \| ⚠️ not covered by a test \|/);
    assert.match(table, /2 of 3 requirements not covered by a test: .* \(AC2, AC3\)/);

    const strategy = { name: 'balanced', testScope: 'affected', repairRounds: 2, reasons: [] } as never;
    const untagged = renderBody({ ...PAGINATION, description: 'd' }, { summary: 's', tests: { passed: 3, failed: 0, skipped: 0 }, testCases: [passed('limit above 100 is refused')], repairs: 0, strategy, filesWritten: WRITTEN });
    assert.doesNotMatch(untagged, /✅ passing/, 'the PR body claims no criterion that no test names');
    assert.match(untagged, /3 of 3 requirements not covered by a test/);
    const tagged = renderBody({ ...PAGINATION, description: 'd' }, { summary: 's', tests: { passed: 1, failed: 0, skipped: 0 }, testCases: [passed('[AC3] limit 101 answers 400')], repairs: 0, strategy, filesWritten: WRITTEN });
    assert.match(tagged, /\| AC3: limit above 100 .* \| ✅ passing \|/);
  });
});
