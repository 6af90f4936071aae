import type { ParsedResults, TestFailure } from '../types';
import { firstLines } from './text';

/** Mocha's `json` reporter (written to a file with `--reporter-option output=FILE`). Hook failures count as failures, as mocha counts them. */
interface MochaTest {
  fullTitle?: string;
  title?: string;
  file?: string;
  err?: { message?: string; stack?: string };
}

interface MochaReport {
  stats?: { passes?: number; pending?: number; failures?: number };
  failures?: MochaTest[];
}

export function parseMochaJson(json: string): ParsedResults {
  const report = JSON.parse(json) as MochaReport;
  const failures: TestFailure[] = (report.failures ?? []).map((t) => ({
    name: t.fullTitle || t.title || '(unnamed)',
    // The stack starts with the message and has the test's own frame.
    message: firstLines(t.err?.stack?.includes(t.err.message ?? '') ? t.err.stack : t.err?.message || t.err?.stack || '') || 'failed',
  }));
  return {
    counts: { passed: report.stats?.passes ?? 0, failed: report.stats?.failures ?? failures.length, skipped: report.stats?.pending ?? 0 },
    failures,
  };
}

/** Mocha prints its JSON report on stdout when it cannot write a file (older versions): the last `{ "stats": … }` object. */
export function extractMochaJson(stdout: string): string | undefined {
  const start = stdout.lastIndexOf('{\n  "stats"');
  if (start < 0) return undefined;
  const end = stdout.lastIndexOf('}');
  return end > start ? stdout.slice(start, end + 1) : undefined;
}
