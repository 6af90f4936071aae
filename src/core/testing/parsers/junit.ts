import { XMLParser } from 'fast-xml-parser';
import type { TestCaseResult } from '../../deployment/types';
import type { ParsedResults, TestFailure } from '../types';
import { failureLine, firstLines, frameFile } from './text';

/**
 * JUnit XML (pytest `--junitxml`, node `--test-reporter=junit`): counted from the test cases
 * themselves rather than the suites' attributes, which not every writer fills in. Node's
 * writer escapes some entities twice, so text is decoded once more where it still has them.
 */
interface XmlNode {
  [key: string]: unknown;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
  trimValues: false,
});

export interface JunitOptions {
  /** pytest: the file of a test module named by its classname (`tests.test_calc` → `tests/test_calc.py`), when it exists. */
  fileOfModule?(classname: string): string | undefined;
}

export function parseJunit(xml: string, options: JunitOptions = {}): ParsedResults {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const failures: TestFailure[] = [];
  const cases: TestCaseResult[] = [];
  if (!xml.trim()) return { counts, failures };
  const root = parser.parse(xml) as XmlNode;
  const visit = (node: XmlNode, suites: string[]) => {
    for (const testcase of asArray(node.testcase)) {
      const outcome = failureOf(testcase);
      const name = nameOf(testcase, suites);
      // The file: the writer's own attribute (pytest's xunit1), the module (pytest), else a failure's first frame (node).
      const classname = attr(testcase, 'classname');
      const file = attr(testcase, 'file') ?? (classname && classname !== 'test' ? options.fileOfModule?.(decode(classname)) : undefined) ?? (outcome ? frameFile(outcome) : undefined);
      const at = file ? { file } : {};
      if (outcome) {
        counts.failed++;
        failures.push({ name, message: outcome });
        const line = failureLine(outcome, file) ?? failureLine(rawProblem(testcase), file) ?? numberOr(attr(testcase, 'line'));
        cases.push({ name, ...at, status: 'failed', message: outcome, ...(line ? { line } : {}) });
      } else if (asArray(testcase.skipped).length) {
        counts.skipped++;
        cases.push({ name, ...at, status: 'skipped' });
      } else {
        counts.passed++;
        cases.push({ name, ...at, status: 'passed' });
      }
    }
    for (const suite of asArray(node.testsuite)) {
      const name = attr(suite, 'name');
      // pytest names its single suite "pytest"; node nests describe() blocks as suites.
      visit(suite, name && name !== 'pytest' ? [...suites, name] : suites);
    }
  };
  visit((root.testsuites as XmlNode | undefined) ?? root, []);
  return { counts, failures, ...(cases.length ? { cases } : {}) };
}

/** pytest's module name to its file: `tests.test_calc` or `tests.test_calc.TestCalc` → `tests/test_calc.py` when `exists` says so. */
export function pytestModuleFile(classname: string, exists: (relative: string) => boolean): string | undefined {
  const parts = classname.split('.');
  for (let n = parts.length; n > 0; n--) {
    const candidate = `${parts.slice(0, n).join('/')}.py`;
    if (exists(candidate)) return candidate;
  }
  return undefined;
}

/** A failure's whole text (pytest puts `tests/test_x.py:8: AssertionError` after the E lines the message keeps). */
function rawProblem(testcase: XmlNode): string {
  const problem = asArray(testcase.failure)[0] ?? asArray(testcase.error)[0];
  if (problem === undefined) return '';
  return typeof problem === 'string' ? decode(problem) : decode(String(problem['#text'] ?? ''));
}

function numberOr(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

function failureOf(testcase: XmlNode): string | undefined {
  const problem = asArray(testcase.failure)[0] ?? asArray(testcase.error)[0];
  if (problem === undefined) return undefined;
  if (typeof problem === 'string') return firstLines(decode(problem)) || 'failed';
  const message = decode(attr(problem, 'message') ?? '');
  const body = decode(String(problem['#text'] ?? ''));
  // node's writer squeezes a multi-line message into the attribute ("three squared9 !== 10"); its body has it whole.
  const nodeBody = /^\s*\[?Error \[ERR_TEST_FAILURE\]: ([\s\S]*?)(?:\n\]? \{|\n\s+at )/.exec(body);
  if (nodeBody) return firstLines(`${nodeBody[1]!}\n${body.split('\n').filter((l) => /^\s+at\s/.test(l)).join('\n')}`) || 'failed';
  // pytest: the body's `E   ` lines say what happened ("collection failure" alone does not).
  const raw = body
    .split('\n')
    .filter((l) => /^E\s{3}/.test(l))
    .map((l) => l.slice(1));
  const indent = Math.min(...raw.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  const said = raw.map((l) => l.slice(Number.isFinite(indent) ? indent : 0));
  if (said.length) return firstLines(said.some((l) => message && l.includes(message.split('\n')[0]!)) || !message ? said.join('\n') : `${message}: ${said.join('\n')}`);
  return firstLines(message || body) || 'failed';
}

function nameOf(testcase: XmlNode, suites: string[]): string {
  const name = decode(attr(testcase, 'name') ?? '(unnamed)');
  const classname = attr(testcase, 'classname');
  // pytest: classname "tests.test_calc" or "tests.test_calc.TestCalc"; node: classname "test" (meaningless).
  if (classname && classname !== 'test') return `${decode(classname)}::${name}`;
  return [...suites, name].join(' > ');
}

function attr(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return value === undefined ? undefined : String(value);
}

function asArray(value: unknown): XmlNode[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as XmlNode[];
}

function decode(text: string): string {
  return text.replace(/&(quot|apos|lt|gt|amp|#10|#13);/g, (_m, e: string) => ({ quot: '"', apos: "'", lt: '<', gt: '>', amp: '&', '#10': '\n', '#13': '' })[e] ?? '');
}
