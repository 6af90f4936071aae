import type { ParsedResults, TestFailure } from '../types';
import { firstLines } from './text';

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
  for (const file of report.testResults ?? []) {
    const assertions = file.assertionResults ?? [];
    const fileName = relative(file.name ?? '(unknown file)', projectDir);
    if (!assertions.length && file.status === 'failed') {
      counts.failed++;
      failures.push({ name: fileName, message: firstLines(file.message ?? '') || 'the test file failed to run' });
      continue;
    }
    for (const a of assertions) {
      if (a.status === 'passed') counts.passed++;
      else if (a.status === 'failed') {
        counts.failed++;
        const name = a.fullName || [...(a.ancestorTitles ?? []), a.title ?? ''].filter(Boolean).join(' > ');
        failures.push({ name: `${fileName} > ${name}`, message: firstLines((a.failureMessages ?? []).join('\n')) || 'failed' });
      } else counts.skipped++; // pending, skipped, todo, disabled
    }
    // A file whose tests passed but that failed afterwards (an error in afterAll, a leak check).
    if (file.status === 'failed' && assertions.every((a) => a.status !== 'failed') && file.message) {
      counts.failed++;
      failures.push({ name: fileName, message: firstLines(file.message) });
    }
  }
  return { counts, failures };
}

function relative(file: string, projectDir?: string): string {
  return projectDir && file.startsWith(projectDir + '/') ? file.slice(projectDir.length + 1) : file;
}
