import type { TestCaseResult } from '../deployment/types';
import type { Recommendation } from '../recommendation/types';
import { looksLikeTestFile } from '../testing/scope';

/**
 * The recommendation is the spec: each acceptance criterion (or the title when there are none)
 * is a requirement, traced to the files the deployment wrote and to the tests that ran and say
 * they check it. A requirement reads "passing" only when such a test ran and passed — never
 * because the run as a whole was green: a criterion no test names is "not covered by a test",
 * however many other tests passed. Shared by the review, the report and the pull request body.
 *
 * The link is the criterion's tag (`AC1`, `AC2` … in the order of the recommendation) in the
 * test's name: the tests phase is asked to put it there (src/core/ai/prompts.ts), and the
 * reviewer sees which test claims which criterion. A name alone cannot prove that the test
 * exercises the behaviour, so the table names the tests; what it never does is claim a
 * criterion that no test even names.
 */
export interface RequirementRow {
  requirement: string;
  /** Its tag in test names (`AC1`). */
  tag: string;
  files: string[];
  /** The tests that ran and name this requirement: `file › test name` (or the name when the reporter gave no file). */
  tests: string[];
  /**
   * `passing`: tests naming it ran and all passed; `failing`: one of them failed; `not covered`:
   * tests ran but none names it; `not run`: no test run reported results.
   */
  result: 'passing' | 'failing' | 'not covered' | 'not run';
}

/** The test runner's notion of a test file, for any framework. */
export const isTestFile = looksLikeTestFile;

/** What a requirement row needs of the last test run: its counts and, when the reporter names them, its tests. */
export interface TestRunForRequirements {
  passed: number;
  failed: number;
  cases?: readonly TestCaseResult[] | undefined;
}

export function requirementTag(index: number): string {
  return `AC${index + 1}`;
}

/** The criteria a test name claims: `[AC2]`, `AC 2`, `ac_2`, pytest `test_ac2_…`, Go `TestAC2…`. */
export function tagsInTestName(name: string): Set<number> {
  const found = new Set<number>();
  for (const m of name.matchAll(/(?:^|[^a-z0-9]|test)ac[ _-]?0*([1-9]\d*)(?!\d)/gi)) found.add(Number(m[1]) - 1);
  return found;
}

export function requirementRows(rec: Pick<Recommendation, 'title' | 'acceptanceCriteria'>, filesWritten: readonly string[], tests: TestRunForRequirements | null): RequirementRow[] {
  const criteria = rec.acceptanceCriteria?.length ? rec.acceptanceCriteria : [rec.title];
  const files = filesWritten.filter((f) => !isTestFile(f));
  const ran = Boolean(tests && tests.passed + tests.failed > 0);
  const claims = criteria.map(() => [] as TestCaseResult[]);
  for (const c of tests?.cases ?? []) {
    if (c.status === 'skipped') continue;
    for (const i of tagsInTestName(c.name)) claims[i]?.push(c);
  }
  return criteria.map((requirement, i) => {
    const cases = claims[i]!;
    const result: RequirementRow['result'] = !ran ? 'not run' : !cases.length ? 'not covered' : cases.some((c) => c.status === 'failed') ? 'failing' : 'passing';
    return { requirement, tag: requirementTag(i), files, tests: ran ? cases.map(testLabel) : [], result };
  });
}

function testLabel(c: TestCaseResult): string {
  return c.file && !c.name.includes(c.file) ? `${c.file} › ${c.name}` : c.name;
}

/** How a result reads to a person (the panel and the Markdown tables). */
export const REQUIREMENT_RESULT_TEXT: Record<RequirementRow['result'], string> = {
  passing: 'passing',
  failing: 'failing',
  'not covered': 'not covered by a test',
  'not run': 'not run',
};

export function renderRequirementTable(rows: readonly RequirementRow[]): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const list = (items: readonly string[]) => items.map((f) => `\`${cell(f)}\``).join(', ') || '—';
  const mark = { passing: '✅', failing: '❌', 'not covered': '⚠️', 'not run': '—' } as const;
  const table = ['| Requirement | Files | Tests | Result |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${r.tag}: ${cell(r.requirement)} | ${list(r.files)} | ${list(r.tests)} | ${mark[r.result]} ${REQUIREMENT_RESULT_TEXT[r.result]} |`)];
  const uncovered = rows.filter((r) => r.result === 'not covered').length;
  if (uncovered) table.push('', `${uncovered} of ${rows.length} requirement${rows.length === 1 ? '' : 's'} not covered by a test: no test that ran names ${uncovered === 1 ? 'its tag' : 'their tags'} (${rows.filter((r) => r.result === 'not covered').map((r) => r.tag).join(', ')}). Check ${uncovered === 1 ? 'it' : 'them'} by hand, or add a test whose name carries the tag.`);
  return table;
}
