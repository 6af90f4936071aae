import assert from 'node:assert/strict';
import { parseCargoTest } from '../../../src/core/testing/parsers/cargo';
import { coverageFromCobertura, coverageFromGoProfile, coverageFromIstanbulSummary, coverageFromLcov } from '../../../src/core/testing/parsers/coverage';
import { parseGoTestJson } from '../../../src/core/testing/parsers/go-json';
import { parseJestJson } from '../../../src/core/testing/parsers/jest-json';
import { parseJunit, pytestModuleFile } from '../../../src/core/testing/parsers/junit';
import { extractMochaJson, parseMochaJson } from '../../../src/core/testing/parsers/mocha-json';
import { firstLines } from '../../../src/core/testing/parsers/text';

/**
 * The reporters' parsers on the cases the real-run tests do not reach: collection and build
 * failures, hooks, subtests, skipped and ignored tests, entities. The samples are cut from
 * real output of pytest 9, node 20, go 1.19 and cargo 1.95.
 */
describe('test runner parsers', () => {
  describe('JUnit XML', () => {
    it('pytest: a collection error is a failure with the E lines, a skip is a skip', () => {
      const xml = `<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="0" skipped="1" tests="3">
<testcase classname="" name="tests.test_broken" time="0.000"><error message="collection failure">ImportError while importing test module '/tmp/x/tests/test_broken.py'.
Traceback:
tests/test_broken.py:1: in &lt;module&gt;
    import nonexistent_mod
E   ModuleNotFoundError: No module named 'nonexistent_mod'</error></testcase>
<testcase classname="tests.test_mix" name="test_ok" time="0.001" />
<testcase classname="tests.test_mix" name="test_skip" time="0.000"><skipped type="pytest.skip" message="later">tests/test_mix.py:6: later</skipped></testcase>
</testsuite></testsuites>`;
      const parsed = parseJunit(xml, { fileOfModule: (m) => pytestModuleFile(m, (f) => ['tests/test_mix.py'].includes(f)) });
      assert.deepEqual(parsed.counts, { passed: 1, failed: 1, skipped: 1 });
      assert.deepEqual(parsed.failures, [{ name: 'tests.test_broken', message: "collection failure: ModuleNotFoundError: No module named 'nonexistent_mod'" }]);
      // Each test with its file, for the review's grouping by file.
      assert.deepEqual(parsed.cases!.map((c) => [c.name, c.file, c.status]), [
        ['tests.test_broken', undefined, 'failed'],
        ['tests.test_mix::test_ok', 'tests/test_mix.py', 'passed'],
        ['tests.test_mix::test_skip', 'tests/test_mix.py', 'skipped'],
      ]);
      assert.equal(pytestModuleFile('tests.test_mix.TestClass', (f) => f === 'tests/test_mix.py'), 'tests/test_mix.py');
    });

    it('pytest: a failure points at its line (the body names file:line)', () => {
      const xml = `<testsuites><testsuite name="pytest"><testcase classname="tests.test_calc" name="test_mul"><failure message="assert 6 == 5">def test_mul():
&gt;       assert mul(2, 3) == 5
E       assert 6 == 5

tests/test_calc.py:8: AssertionError</failure></testcase></testsuite></testsuites>`;
      const parsed = parseJunit(xml, { fileOfModule: () => 'tests/test_calc.py' });
      assert.deepEqual({ ...parsed.cases![0], message: undefined }, { name: 'tests.test_calc::test_mul', file: 'tests/test_calc.py', status: 'failed', message: undefined, line: 8 });
    });

    it('pytest: an assertion keeps its E lines, dedented', () => {
      const xml = `<testsuites><testsuite name="pytest"><testcase classname="tests.test_calc" name="test_multiplies"><failure message="AssertionError: two times three&#10;assert 6 == 5&#10; +  where 6 = mul(2, 3)">def test_multiplies():
&gt;       assert mul(2, 3) == 5, "two times three"
E       AssertionError: two times three
E       assert 6 == 5
E        +  where 6 = mul(2, 3)</failure></testcase></testsuite></testsuites>`;
      assert.deepEqual(parseJunit(xml).failures, [{ name: 'tests.test_calc::test_multiplies', message: 'AssertionError: two times three\nassert 6 == 5\n +  where 6 = mul(2, 3)' }]);
    });

    it('node: describe() blocks name the test, the message comes whole from the body, entities decoded once more', () => {
      const xml = `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
	<testcase name="passes" time="0.007212" classname="test"/>
	<testsuite name="group" time="0.005127" disabled="0" errors="0" tests="2" failures="1" skipped="1" hostname="vm">
		<testcase name="inner fails" time="0.000590" classname="test" failure="boom &lt;x> &amp; &amp;quot;y&amp;quot;">
			<failure type="testCodeFailure" message="boom &lt;x> &amp; &amp;quot;y&amp;quot;">
Error [ERR_TEST_FAILURE]: boom &lt;x> &amp; "y"
    at new Promise (&lt;anonymous>) {
  code: 'ERR_TEST_FAILURE',
  cause: Error: boom &lt;x> &amp; "y"
      at TestContext.&lt;anonymous> (/tmp/nt/a.test.js:5:69)
}
			</failure>
		</testcase>
		<testcase name="skipped one" time="0.000318" classname="test">
			<skipped type="skipped" message="true"/>
		</testcase>
	</testsuite>
</testsuites>`;
      const parsed = parseJunit(xml);
      assert.deepEqual(parsed.counts, { passed: 1, failed: 1, skipped: 1 });
      assert.equal(parsed.failures[0]!.name, 'group > inner fails');
      assert.equal(parsed.failures[0]!.message, 'boom <x> & "y"\n    at /tmp/nt/a.test.js:5:69');
      // node's junit names no file: a failure's frame does.
      assert.deepEqual(parsed.cases!.map((c) => [c.name, c.file, c.status, c.line]), [
        ['passes', undefined, 'passed', undefined],
        ['group > inner fails', '/tmp/nt/a.test.js', 'failed', 5],
        ['group > skipped one', undefined, 'skipped', undefined],
      ]);
    });

    it('an empty report counts nothing', () => {
      assert.deepEqual(parseJunit('  '), { counts: { passed: 0, failed: 0, skipped: 0 }, failures: [] });
    });
  });

  describe('jest / vitest JSON', () => {
    it('a test file that failed to run is one failure named after the file; pending and todo are skipped', () => {
      const report = {
        testResults: [
          { name: '/p/test/broken.test.js', status: 'failed', message: '\u001b[1mTest suite failed to run\u001b[22m\n\n    Cannot find module \'./missing\' from \'test/broken.test.js\'', assertionResults: [] },
          {
            name: '/p/test/calc.test.js',
            status: 'failed',
            assertionResults: [
              { ancestorTitles: ['calc'], title: 'adds', fullName: 'calc adds', status: 'passed', failureMessages: [] },
              { ancestorTitles: ['calc'], title: 'later', fullName: 'calc later', status: 'pending', failureMessages: [] },
              { ancestorTitles: ['calc'], title: 'soon', fullName: 'calc soon', status: 'todo', failureMessages: [] },
              { ancestorTitles: ['calc'], title: 'multiplies', fullName: 'calc multiplies', status: 'failed', failureMessages: ['Error: expect(received).toBe(expected)\n\nExpected: 5\nReceived: 6\n    at Object.toBe (/p/test/calc.test.js:5:46)\n    at node_modules/jest-circus/build/x.js:1:1'] },
            ],
          },
        ],
      };
      const parsed = parseJestJson(JSON.stringify(report), '/p');
      assert.deepEqual(parsed.counts, { passed: 1, failed: 2, skipped: 2 });
      assert.deepEqual(parsed.failures, [
        { name: 'test/broken.test.js', message: "Test suite failed to run\n    Cannot find module './missing' from 'test/broken.test.js'" },
        { name: 'test/calc.test.js > calc multiplies', message: 'Error: expect(received).toBe(expected)\nExpected: 5\nReceived: 6\n    at /p/test/calc.test.js:5:46' },
      ]);
      assert.deepEqual(parsed.cases!.map((c) => [c.file, c.name, c.status, c.line]), [
        ['test/broken.test.js', 'test/broken.test.js', 'failed', undefined],
        ['test/calc.test.js', 'calc adds', 'passed', undefined],
        ['test/calc.test.js', 'calc later', 'skipped', undefined],
        ['test/calc.test.js', 'calc soon', 'skipped', undefined],
        ['test/calc.test.js', 'calc multiplies', 'failed', 5],
      ]);
    });
  });

  describe('mocha JSON', () => {
    it('a hook failure counts as mocha counts it; the stack gives the test\'s frame', () => {
      const report = {
        stats: { suites: 1, tests: 2, passes: 1, pending: 1, failures: 1 },
        failures: [{ title: '"before each" hook for "x"', fullTitle: 'db "before each" hook for "x"', err: { message: 'connect ECONNREFUSED 127.0.0.1:5432', stack: 'Error: connect ECONNREFUSED 127.0.0.1:5432\n    at test/db.test.js:4:11\n    at node:internal/x:1:1' } }],
      };
      const parsed = parseMochaJson(JSON.stringify(report));
      assert.deepEqual(parsed.counts, { passed: 1, failed: 1, skipped: 1 });
      assert.deepEqual(parsed.failures, [{ name: 'db "before each" hook for "x"', message: 'Error: connect ECONNREFUSED 127.0.0.1:5432\n    at test/db.test.js:4:11' }]);
      assert.deepEqual(parsed.cases, [{ name: 'db "before each" hook for "x"', status: 'failed', message: 'Error: connect ECONNREFUSED 127.0.0.1:5432\n    at test/db.test.js:4:11' }]);
    });

    it('every test with its file and status; a failure with the line its stack names', () => {
      const file = '/p/test/mul.test.js';
      const report = {
        stats: { passes: 1, pending: 1, failures: 1 },
        tests: [
          { title: 'mul', fullTitle: 'calc mul', file, err: {} },
          { title: 'neg', fullTitle: 'calc neg', file, err: { message: 'expected 4 to equal -4', stack: `AssertionError: expected 4 to equal -4\n    at Context.<anonymous> (${file}:9:12)` } },
          { title: 'later', fullTitle: 'calc later', file, err: {} },
        ],
        pending: [{ title: 'later', fullTitle: 'calc later', file, err: {} }],
        failures: [{ title: 'neg', fullTitle: 'calc neg', file, err: { message: 'expected 4 to equal -4', stack: `AssertionError: expected 4 to equal -4\n    at Context.<anonymous> (${file}:9:12)` } }],
      };
      const cases = parseMochaJson(JSON.stringify(report)).cases!;
      assert.deepEqual(cases.map((c) => [c.name, c.file, c.status, c.line]), [
        ['calc mul', file, 'passed', undefined],
        ['calc neg', file, 'failed', 9],
        ['calc later', file, 'skipped', undefined],
      ]);
    });

    it('finds the report in stdout after what the tests printed (older mocha)', () => {
      const json = extractMochaJson('hello from a test\n{\n  "stats": {\n    "passes": 2\n  }\n}\n');
      assert.deepEqual(JSON.parse(json!), { stats: { passes: 2 } });
      assert.equal(extractMochaJson('no report'), undefined);
    });
  });

  describe('go test -json', () => {
    const ev = (o: Record<string, unknown>) => JSON.stringify(o);
    it('counts leaves of subtests, names failures by package, keeps what the test printed', () => {
      const stream = [
        ev({ Action: 'run', Package: 'ex.com/m/p', Test: 'TestTable' }),
        ev({ Action: 'run', Package: 'ex.com/m/p', Test: 'TestTable/a' }),
        ev({ Action: 'output', Package: 'ex.com/m/p', Test: 'TestTable/a', Output: '=== RUN   TestTable/a\n' }),
        ev({ Action: 'pass', Package: 'ex.com/m/p', Test: 'TestTable/a' }),
        ev({ Action: 'output', Package: 'ex.com/m/p', Test: 'TestTable/b', Output: '    p_test.go:12: want 2, got 3\n' }),
        ev({ Action: 'fail', Package: 'ex.com/m/p', Test: 'TestTable/b' }),
        ev({ Action: 'fail', Package: 'ex.com/m/p', Test: 'TestTable' }),
        ev({ Action: 'skip', Package: 'ex.com/m/p', Test: 'TestLater' }),
        ev({ Action: 'fail', Package: 'ex.com/m/p' }),
      ].join('\n');
      const parsed = parseGoTestJson(stream);
      assert.deepEqual(parsed.counts, { passed: 1, failed: 1, skipped: 1 });
      assert.deepEqual(parsed.failures, [{ name: 'ex.com/m/p.TestTable/b', message: 'p_test.go:12: want 2, got 3' }]);
      assert.match(parsed.text, /=== RUN {3}TestTable\/a/);
    });

    it('a package that did not build is one failure with the compiler\'s words (go 1.19 prints it as plain text)', () => {
      const parsed = parseGoTestJson('FAIL\tex.com/m/p [build failed]\n', '# ex.com/m/p [ex.com/m/p.test]\np/p.go:3:23: cannot use "x" (untyped string constant) as int value in return statement\n');
      assert.deepEqual(parsed.counts, { passed: 0, failed: 1, skipped: 0 });
      assert.deepEqual(parsed.failures, [{ name: 'ex.com/m/p', message: '# ex.com/m/p [ex.com/m/p.test]\np/p.go:3:23: cannot use "x" (untyped string constant) as int value in return statement' }]);
    });

    it('a test still running when its package died (panic, -timeout) is a failure', () => {
      const stream = [ev({ Action: 'run', Package: 'ex.com/m/p', Test: 'TestHang' }), ev({ Action: 'output', Package: 'ex.com/m/p', Output: 'panic: test timed out after 1s\n' }), ev({ Action: 'fail', Package: 'ex.com/m/p' })].join('\n');
      assert.deepEqual(parseGoTestJson(stream).counts, { passed: 0, failed: 1, skipped: 0 });
    });
  });

  describe('cargo test (stable human output)', () => {
    const out = `
running 3 tests
test tests::ignored ... ignored
test tests::panics_not - should panic ... FAILED
test tests::unit_ok ... ok

failures:

---- tests::panics_not stdout ----
note: test did not panic as expected at src/lib.rs:8:6

failures:
    tests::panics_not

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s


running 1 test
test integ ... FAILED

failures:

---- integ stdout ----

thread 'integ' (6976) panicked at tests/it.rs:2:43:
called \`Option::unwrap()\` on a \`None\` value
stack backtrace:
   0: __rustc::rust_begin_unwind
             at /rustc/5980/library/std/src/panicking.rs:689:5
note: Some details are omitted, run with \`RUST_BACKTRACE=full\` for a verbose backtrace.


failures:
    integ

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.07s
`;
    it('adds up every test binary; should-panic and panics are failures with their message, not the backtrace', () => {
      const parsed = parseCargoTest(out, 101);
      assert.deepEqual(parsed.counts, { passed: 1, failed: 2, skipped: 1 });
      assert.deepEqual(parsed.failures, [
        { name: 'tests::panics_not', message: 'note: test did not panic as expected at src/lib.rs:8:6' },
        { name: 'integ', message: 'panicked at tests/it.rs:2:43:\ncalled `Option::unwrap()` on a `None` value' },
      ]);
    });

    it('a compile error (no result line) is one failure with the compiler\'s error', () => {
      const stderr = '   Compiling m v0.1.0 (/tmp/m)\nerror[E0308]: mismatched types\n --> src/lib.rs:1:21\n  |\n1 | pub fn f() -> i32 { "x" }\n  |                     ^^^ expected `i32`, found `&str`\n\nerror: could not compile `m` (lib) due to 1 previous error\n';
      const parsed = parseCargoTest('', 101, stderr);
      assert.deepEqual(parsed.counts, { passed: 0, failed: 1, skipped: 0 });
      assert.equal(parsed.failures[0]!.name, 'cargo build');
      assert.match(parsed.failures[0]!.message, /^error\[E0308\]: mismatched types\n --> src\/lib\.rs:1:21/);
    });
  });

  describe('coverage', () => {
    it('istanbul json-summary: covered over total lines; none when nothing was counted', () => {
      assert.equal(coverageFromIstanbulSummary(JSON.stringify({ total: { lines: { total: 6, covered: 4, skipped: 0, pct: 66.66 } } })), 66.67);
      assert.equal(coverageFromIstanbulSummary(JSON.stringify({ total: { lines: { total: 0, covered: 0, pct: 'Unknown' } } })), undefined);
    });

    it('lcov: test files and node_modules left out', () => {
      const lcov = 'TN:\nSF:test/calc.test.js\nLF:5\nLH:5\nend_of_record\nSF:src/calc.js\nLF:6\nLH:4\nend_of_record\nSF:node_modules/x/index.js\nLF:10\nLH:0\nend_of_record\n';
      assert.equal(coverageFromLcov(lcov, (f) => f.includes('.test.')), 66.67);
    });

    it('go cover profile: statements, each block once across packages', () => {
      const profile = 'mode: set\nex.com/m/p/p.go:3.20,5.2 2 1\nex.com/m/p/p.go:7.20,9.2 3 0\nex.com/m/p/p.go:7.20,9.2 3 1\nex.com/m/p/p.go:11.1,12.2 5 0\n';
      assert.equal(coverageFromGoProfile(profile), 50);
    });

    it('Cobertura (pytest-cov): lines-covered over lines-valid, else line-rate', () => {
      assert.equal(coverageFromCobertura('<?xml version="1.0" ?>\n<coverage version="7.2" timestamp="1" lines-valid="9" lines-covered="6" line-rate="0.6667" branches-covered="0">'), 66.67);
      assert.equal(coverageFromCobertura('<coverage line-rate="0.5">'), 50);
      assert.equal(coverageFromCobertura('<nothing/>'), undefined);
    });
  });

  it('messages: first lines without the stack, colours stripped, the first frame outside node and node_modules kept', () => {
    const text = '\u001b[31mAssertionError\u001b[39m: nope\n\n  1 !== 2\n    at Object.<anonymous> (node_modules/lib/x.js:1:1)\n    at node:internal/y:2:2\n    at Context.<anonymous> (test/a.test.js:3:9)\n';
    assert.equal(firstLines(text), 'AssertionError: nope\n  1 !== 2\n    at test/a.test.js:3:9');
  });
});
