import type { TestCaseResult } from '../../deployment/types';
import type { ParsedResults, TestFailure } from '../types';
import { firstLines } from './text';

/**
 * `go test -json` (test2json events, one JSON object a line). Tests with subtests count through
 * their leaves only. A package that failed without a failing test (it did not build, or a
 * TestMain exited) is one failure named after the package, with what the compiler said.
 * Also renders the events back into the plain `go test -v` text people and the fix phase read.
 */
interface GoEvent {
  Action?: string;
  Package?: string;
  Test?: string;
  Output?: string;
}

export function parseGoTestJson(stream: string, stderr = ''): ParsedResults & { text: string } {
  const tests = new Map<string, { pkg: string; test: string; action?: string; output: string[] }>();
  const packages = new Map<string, { action?: string; output: string[] }>();
  const text: string[] = [];
  for (const line of stream.split('\n')) {
    if (!line.startsWith('{')) {
      if (line.trim()) text.push(line);
      // Go before 1.24 reports a package that did not build as a plain line, the compiler's words on stderr.
      const broken = /^FAIL\s+(\S+)\s+\[(build|setup) failed\]/.exec(line);
      if (broken) packages.set(broken[1]!, { action: 'fail', output: [] });
      continue;
    }
    let event: GoEvent;
    try {
      event = JSON.parse(line) as GoEvent;
    } catch {
      text.push(line);
      continue;
    }
    const pkg = event.Package ?? '';
    if (event.Output) text.push(event.Output.replace(/\n$/, ''));
    if (event.Test) {
      const key = `${pkg}\u0000${event.Test}`;
      let t = tests.get(key);
      if (!t) tests.set(key, (t = { pkg, test: event.Test, output: [] }));
      if (event.Action === 'output' && event.Output) t.output.push(event.Output);
      else if (event.Action === 'pass' || event.Action === 'fail' || event.Action === 'skip') t.action = event.Action;
    } else if (pkg) {
      let p = packages.get(pkg);
      if (!p) packages.set(pkg, (p = { output: [] }));
      if (event.Action === 'output' && event.Output) p.output.push(event.Output);
      else if (event.Action === 'pass' || event.Action === 'fail' || event.Action === 'skip') p.action = event.Action;
    }
  }
  const names = [...tests.values()];
  const isParent = (t: { pkg: string; test: string }) => names.some((o) => o.pkg === t.pkg && o.test.startsWith(`${t.test}/`));
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const failures: TestFailure[] = [];
  // test2json names no file: the review places a failure by the `x_test.go:12:` its message names.
  const cases: TestCaseResult[] = [];
  const failingPackages = new Set<string>();
  for (const t of names) {
    if (isParent(t)) continue;
    const name = `${t.pkg}.${t.test}`;
    if (t.action === 'pass') {
      counts.passed++;
      cases.push({ name, status: 'passed' });
    } else if (t.action === 'skip') {
      counts.skipped++;
      cases.push({ name, status: 'skipped' });
    } else if (t.action === 'fail' || t.action === undefined) {
      // undefined: the package died (panic, timeout) while this test ran.
      counts.failed++;
      failingPackages.add(t.pkg);
      const message = goMessage(t.output);
      failures.push({ name, message });
      cases.push({ name, status: 'failed', message });
    }
  }
  for (const [pkg, p] of packages) {
    if (p.action !== 'fail' || failingPackages.has(pkg)) continue;
    counts.failed++;
    const said = firstLines(stderr.split('\n').filter((l) => l.trim() && !/^(FAIL|ok)\s/.test(l)).join('\n') || p.output.join(''), 8);
    failures.push({ name: pkg, message: said || 'the package failed before its tests ran' });
  }
  if (stderr.trim()) text.push(stderr.trim());
  return { counts, failures, ...(cases.length ? { cases } : {}), text: text.join('\n') };
}

/** The lines a failing test printed, without the `=== RUN` / `--- FAIL` frame. */
function goMessage(output: string[]): string {
  const lines = output
    .join('')
    .split('\n')
    .filter((l) => l.trim() && !/^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (FAIL|PASS|SKIP):)/.test(l))
    .map((l) => l.replace(/^\s{4}/, ''));
  return firstLines(lines.join('\n'), 8) || 'failed';
}
