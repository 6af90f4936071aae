import type { TestCaseResult } from '../../deployment/types';
import type { ParsedResults, TestFailure } from '../types';
import { firstLines, stripAnsi } from './text';

/**
 * `cargo test`'s human output (libtest's JSON format needs nightly, so the stable text is read):
 * every binary prints `test NAME ... ok|FAILED|ignored`, then for failures a
 * `---- NAME stdout ----` block with the panic, then `test result: … N passed; N failed; N ignored`.
 * Counts come from the result lines; a compile error (no result line) is reported as one failure.
 */
export function parseCargoTest(stdout: string, exitCode: number | null, stderr = ''): ParsedResults {
  const text = stripAnsi(stdout).replace(/\r/g, '');
  const counts = { passed: 0, failed: 0, skipped: 0 };
  let sawResult = false;
  for (const m of text.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored(?:; (\d+) measured)?/gm)) {
    sawResult = true;
    counts.passed += Number(m[1]);
    counts.failed += Number(m[2]);
    counts.skipped += Number(m[3]);
  }
  const failing = [...text.matchAll(/^test (\S+)(?: - should panic)? \.\.\. FAILED$/gm)].map((m) => m[1]!);
  const failures: TestFailure[] = failing.map((name) => ({ name, message: blockOf(text, name) }));
  // libtest names no file; a failure's panic location (`src/lib.rs:9:5`) is in its message.
  const cases: TestCaseResult[] = [...text.matchAll(/^test (\S+)(?: - should panic)? \.\.\. (ok|FAILED|ignored)/gm)].map((m) => {
    const status = m[2] === 'ok' ? 'passed' : m[2] === 'ignored' ? 'skipped' : 'failed';
    const failure = status === 'failed' ? failures.find((f) => f.name === m[1]) : undefined;
    return { name: m[1]!, status, ...(failure ? { message: failure.message } : {}) };
  });
  if (!sawResult && exitCode !== 0) {
    const said = stripAnsi(`${stderr}\n${text}`);
    const errors = [...said.matchAll(/^error(\[E\d+\])?: .+$(\n(?!error).*){0,6}/gm)].map((m) => m[0]);
    counts.failed++;
    failures.push({ name: 'cargo build', message: firstLines(errors.join('\n') || said.slice(-1500), 10) || 'the tests did not build' });
  }
  return { counts, failures, ...(cases.length ? { cases } : {}) };
}

function blockOf(text: string, name: string): string {
  const header = `---- ${name} stdout ----\n`;
  const start = text.indexOf(header);
  if (start < 0) return 'failed';
  const body = text.slice(start + header.length);
  const end = body.search(/^(---- \S+ stdout ----|failures:|test result:)/m);
  // The backtrace (RUST_BACKTRACE set) says nothing the panic location does not.
  const block = (end < 0 ? body : body.slice(0, end))
    .split(/^stack backtrace:$/m)[0]!
    .split('\n')
    .filter((l) => !/^note: (run with `RUST_BACKTRACE|Some details are omitted)/.test(l))
    .join('\n');
  // "thread 'x' panicked at src/lib.rs:9:5:\nassertion `left == right` failed …": the panic message is what matters.
  return firstLines(block.replace(/^thread '[^']*'(?: \(\d+\))? panicked at /m, 'panicked at '), 8) || 'failed';
}
