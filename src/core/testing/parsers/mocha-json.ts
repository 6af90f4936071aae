import type { TestCaseResult } from '../../deployment/types';
import type { ParsedResults, TestFailure } from '../types';
import { failureLine, firstLines } from './text';

/** Mocha's `json` reporter (written to a file with `--reporter-option output=FILE`). Hook failures count as failures, as mocha counts them. */
interface MochaTest {
  fullTitle?: string;
  title?: string;
  file?: string;
  err?: { message?: string; stack?: string };
}

interface MochaReport {
  stats?: { passes?: number; pending?: number; failures?: number };
  tests?: MochaTest[];
  pending?: MochaTest[];
  failures?: MochaTest[];
}

export function parseMochaJson(json: string): ParsedResults {
  const report = JSON.parse(json) as MochaReport;
  const nameOf = (t: MochaTest) => t.fullTitle || t.title || '(unnamed)';
  // The stack starts with the message and has the test's own frame.
  const messageOf = (t: MochaTest) => firstLines(t.err?.stack?.includes(t.err.message ?? '') ? t.err.stack : t.err?.message || t.err?.stack || '') || 'failed';
  const failures: TestFailure[] = (report.failures ?? []).map((t) => ({ name: nameOf(t), message: messageOf(t) }));
  const key = (t: MochaTest) => `${t.file ?? ''}\u0000${nameOf(t)}`;
  const failed = new Set((report.failures ?? []).map(key));
  const pending = new Set((report.pending ?? []).map(key));
  const cases: TestCaseResult[] = (report.tests ?? []).map((t) => {
    const status = failed.has(key(t)) ? 'failed' : pending.has(key(t)) ? 'skipped' : 'passed';
    const message = status === 'failed' ? messageOf(t) : undefined;
    const line = message ? failureLine(message, t.file) : undefined;
    return { name: nameOf(t), ...(t.file ? { file: t.file } : {}), status, ...(message ? { message } : {}), ...(line ? { line } : {}) };
  });
  // A failing hook is a failure without a test of its own.
  const listed = new Set((report.tests ?? []).map(key));
  for (const t of report.failures ?? []) if (!listed.has(key(t))) cases.push({ name: nameOf(t), ...(t.file ? { file: t.file } : {}), status: 'failed', message: messageOf(t) });
  return {
    counts: { passed: report.stats?.passes ?? 0, failed: report.stats?.failures ?? failures.length, skipped: report.stats?.pending ?? 0 },
    failures,
    ...(cases.length ? { cases } : {}),
  };
}

/** Mocha prints its JSON report on stdout when it cannot write a file (older versions): the last `{ "stats": … }` object. */
export function extractMochaJson(stdout: string): string | undefined {
  const start = stdout.lastIndexOf('{\n  "stats"');
  if (start < 0) return undefined;
  const end = stdout.lastIndexOf('}');
  return end > start ? stdout.slice(start, end + 1) : undefined;
}
