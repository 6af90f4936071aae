import type { TestCaseResult } from '../../deployment/types';
import type { ParsedResults, TestFailure } from '../types';
import { failureLine, firstLines } from './text';

/**
 * Jest's `--json` report, which Vitest's `json` reporter writes in the same shape. A test file
 * that failed before any test ran (a syntax error, a missing module) has no assertion results
 * but a message: it counts as one failure named after the file.
 */
interface Assertion {
  ancestorTitles?: string[];
  title?: string;
  fullName?: string;
  status?: string;
  failureMessages?: string[];
  location?: { line?: number } | null;
}

interface FileResult {
  name?: string;
  status?: string;
  message?: string;
  assertionResults?: Assertion[];
}

interface JestReport {
  testResults?: FileResult[];
}

export function parseJestJson(json: string, projectDir?: string): ParsedResults {
  const report = JSON.parse(json) as JestReport;
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const failures: TestFailure[] = [];
  const cases: TestCaseResult[] = [];
  for (const file of report.testResults ?? []) {
    const assertions = file.assertionResults ?? [];
    const fileName = relative(file.name ?? '(unknown file)', projectDir);
    const at = file.name ? { file: fileName } : {};
    if (!assertions.length && file.status === 'failed') {
      counts.failed++;
      const message = firstLines(file.message ?? '') || 'the test file failed to run';
      failures.push({ name: fileName, message });
      cases.push({ name: fileName, ...at, status: 'failed', message, ...lineOf(message, fileName) });
      continue;
    }
    for (const a of assertions) {
      const name = a.fullName || [...(a.ancestorTitles ?? []), a.title ?? ''].filter(Boolean).join(' > ');
      if (a.status === 'passed') {
        counts.passed++;
        cases.push({ name, ...at, status: 'passed' });
      } else if (a.status === 'failed') {
        counts.failed++;
        const message = firstLines((a.failureMessages ?? []).join('\n')) || 'failed';
        failures.push({ name: `${fileName} > ${name}`, message });
        cases.push({ name, ...at, status: 'failed', message, ...(a.location?.line ? { line: a.location.line } : lineOf(message, fileName)) });
      } else {
        counts.skipped++; // pending, skipped, todo, disabled
        cases.push({ name, ...at, status: 'skipped' });
      }
    }
    // A file whose tests passed but that failed afterwards (an error in afterAll, a leak check).
    if (file.status === 'failed' && assertions.every((a) => a.status !== 'failed') && file.message) {
      counts.failed++;
      const message = firstLines(file.message);
      failures.push({ name: fileName, message });
      cases.push({ name: fileName, ...at, status: 'failed', message });
    }
  }
  return { counts, failures, ...(cases.length ? { cases } : {}) };
}

function lineOf(message: string, file: string): { line?: number } {
  const line = failureLine(message, file);
  return line ? { line } : {};
}

function relative(file: string, projectDir?: string): string {
  return projectDir && file.startsWith(projectDir + '/') ? file.slice(projectDir.length + 1) : file;
}
