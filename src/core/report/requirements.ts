import type { Recommendation } from '../recommendation/types';
import { looksLikeTestFile } from '../testing/scope';

/**
 * The recommendation is the spec: each acceptance criterion (or the title when there are none)
 * is a requirement, traced to the files the deployment wrote, the tests it wrote, and the result
 * of the last test run. Shared by the report and the pull request body.
 */
export interface RequirementRow {
  requirement: string;
  files: string[];
  tests: string[];
  result: 'passing' | 'failing' | 'not run';
}

/** The test runner's notion of a test file, for any framework. */
export const isTestFile = looksLikeTestFile;

export function requirementRows(rec: Pick<Recommendation, 'title' | 'acceptanceCriteria'>, filesWritten: readonly string[], tests: { passed: number; failed: number } | null): RequirementRow[] {
  const criteria = rec.acceptanceCriteria?.length ? rec.acceptanceCriteria : [rec.title];
  const files = filesWritten.filter((f) => !isTestFile(f));
  const testFiles = filesWritten.filter(isTestFile);
  const result: RequirementRow['result'] = !tests || tests.passed + tests.failed === 0 ? 'not run' : tests.failed === 0 ? 'passing' : 'failing';
  return criteria.map((requirement) => ({ requirement, files, tests: testFiles, result }));
}

export function renderRequirementTable(rows: readonly RequirementRow[]): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const list = (items: readonly string[]) => items.map((f) => `\`${cell(f)}\``).join(', ') || '—';
  const mark = { passing: '✅ passing', failing: '❌ failing', 'not run': '— not run' } as const;
  return ['| Requirement | Files | Tests | Result |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${cell(r.requirement)} | ${list(r.files)} | ${list(r.tests)} | ${mark[r.result]} |`)];
}
