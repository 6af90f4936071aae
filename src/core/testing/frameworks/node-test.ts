import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestCaseResult } from '../../deployment/types';
import { failureLine } from '../parsers/text';
import { coverageFromLcov } from '../parsers/coverage';
import { parseJunit } from '../parsers/junit';
import { isTestFile } from '../scope';
import { atLeast, nodeCommand, nodeVersion } from '../tools';
import type { AdapterContext, CommandPlan, FrameworkAdapter } from './adapter';
import { display, readReport } from './common';

/**
 * `node --test` with two reporters: spec for people on stdout, junit into a file; coverage
 * with `--experimental-test-coverage` and the lcov reporter (Node 20.11+/22). The flags the
 * project's own test script gives node (`--import tsx`, `--require …`, `--experimental-*`) are
 * kept, and so are its test paths when the whole suite runs.
 */
export const nodeTest: FrameworkAdapter = {
  id: 'node-test',
  async plan(ctx: AdapterContext): Promise<CommandPlan> {
    const node = nodeCommand(ctx.env);
    const version = await nodeVersion(node.command, { ...ctx.env, ...node.env });
    const script = scriptFlags(ctx.projectDir);
    const junit = path.join(ctx.scratch, 'junit.xml');
    const lcov = path.join(ctx.scratch, 'lcov.info');
    const files = ctx.files.length ? ctx.files : script.paths;
    const hasJunit = atLeast(version, [20, 13]);
    // junit has no file per test: a third reporter of our own writes each test's file and line (the review groups tests by file).
    const casesFile = path.join(ctx.scratch, 'cases.jsonl');
    const casesReporter = path.join(ctx.scratch, 'cases-reporter.mjs');
    if (hasJunit) writeFileSync(casesReporter, CASES_REPORTER);
    const reporters = [
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      ...(hasJunit ? ['--test-reporter=junit', `--test-reporter-destination=${junit}`, `--test-reporter=${pathToFileURL(casesReporter).href}`, `--test-reporter-destination=${casesFile}`] : []),
    ];
    const canCover = atLeast(version, [20, 11]);
    const coverage = ctx.coverage && canCover ? ['--experimental-test-coverage', '--test-reporter=lcov', `--test-reporter-destination=${lcov}`] : [];
    const concurrency = atLeast(version, [20, 10]) ? [`--test-concurrency=${ctx.workers}`] : [];
    const loaders = script.flags.some((f) => /^(--import|--require|-r|--loader|--experimental-loader)\b/.test(f));
    const typescript = files.some((f) => /\.[cm]?ts$/.test(f)) && !loaders && atLeast(version, [22, 6]) && !atLeast(version, [23, 6]) ? ['--experimental-strip-types'] : [];
    const args = [...script.flags, ...typescript, '--test', ...reporters, ...coverage, ...concurrency, ...files];
    return {
      command: node.command,
      args,
      env: node.env,
      display: display(['node', ...script.flags, ...typescript, '--test', ...(coverage.length ? ['--experimental-test-coverage'] : []), ...concurrency, ...files]),
      ...(ctx.coverage && !canCover ? { coverageNote: `node ${version.join('.')} has no lcov coverage reporter (Node 20.11 or later has)` } : {}),
      parse: (finished) => {
        const xml = readReport(junit);
        const parsed = xml ? parseJunit(xml) : countsFromSpec(finished.output);
        if (!parsed) return { counts: { passed: 0, failed: 0, skipped: 0 }, failures: [], noReport: true };
        const cases = casesFromReporter(readReport(casesFile), parsed.failures);
        const results = cases ? { ...parsed, cases } : parsed;
        const info = coverage.length ? readReport(lcov) : undefined;
        const cov = info ? coverageFromLcov(info, (f) => isTestFile('node-test', f)) : undefined;
        return { ...results, ...(cov !== undefined ? { coverage: cov } : {}), ...(coverage.length && cov === undefined ? { coverageNote: 'node wrote no coverage for the source files' } : {}) };
      },
    };
  },
};

/** Node's test runner events (test:pass / test:fail carry the file and line of each test), one JSON line a test; suites left out. */
const CASES_REPORTER = `export default async function* cases(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details && d.details.type === 'suite') continue;
    const status = event.type === 'test:fail' ? 'failed' : d.skip || d.todo ? 'skipped' : 'passed';
    yield JSON.stringify({ name: d.name, file: d.file, line: d.line, status }) + '\\n';
  }
}
`;

/** The cases our reporter wrote, each failure with the junit reporter's message; undefined when it wrote nothing. */
function casesFromReporter(jsonl: string | undefined, failures: { name: string; message: string }[]): TestCaseResult[] | undefined {
  if (!jsonl?.trim()) return undefined;
  const cases: TestCaseResult[] = [];
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    try {
      const c = JSON.parse(line) as { name?: string; file?: string; line?: number; status?: TestCaseResult['status'] };
      if (!c.name || !c.status) continue;
      const failure = c.status === 'failed' ? failures.find((f) => f.name === c.name || f.name.endsWith(` > ${c.name}`)) : undefined;
      const at = failure ? failureLine(failure.message, c.file) : undefined;
      cases.push({ name: c.name, ...(c.file ? { file: c.file } : {}), status: c.status, ...(failure ? { message: failure.message } : {}), ...(at ?? c.line ? { line: at ?? c.line } : {}) });
    } catch {
      // a line cut by a killed run
    }
  }
  return cases.length ? cases : undefined;
}

/** Counts from the spec reporter's closing lines (`ℹ pass 3`), for a node without the junit reporter. */
function countsFromSpec(output: string): { counts: { passed: number; failed: number; skipped: number }; failures: { name: string; message: string }[] } | undefined {
  const num = (name: string) => Number(new RegExp(`^\\S+ ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? NaN);
  const passed = num('pass');
  if (Number.isNaN(passed)) return undefined;
  const failures = [...output.matchAll(/^\s*✖ (.+?) \([\d.]+m?s\)$/gm)].map((m) => ({ name: m[1]!, message: 'failed (see the output)' }));
  return { counts: { passed, failed: (num('fail') || 0) + (num('cancelled') || 0), skipped: (num('skipped') || 0) + (num('todo') || 0) }, failures };
}

const VALUE_FLAGS = new Set(['--test-reporter', '--test-reporter-destination', '--test-concurrency', '--import', '--require', '-r', '--loader', '--experimental-loader', '--env-file', '--conditions', '-C', '--test-name-pattern', '--test-skip-pattern', '--test-timeout', '--stack-size']);
const DROPPED = /^--(test|watch|test-reporter|test-reporter-destination|test-only|test-concurrency|experimental-test-coverage|test-coverage-.+)(=|$)/;

/** The node flags and test paths of package.json's `test` script, when it runs `node … --test …`. */
export function scriptFlags(projectDir: string): { flags: string[]; paths: string[] } {
  let script: string;
  try {
    script = (JSON.parse(readFileSync(path.join(projectDir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts?.test ?? '';
  } catch {
    return { flags: [], paths: [] };
  }
  const command = script.split(/&&|\|\||;|\|/).find((part) => /(^|\s)node\s.*--test\b/.test(part));
  if (!command) return { flags: [], paths: [] };
  const tokens = tokenize(command);
  const start = tokens.indexOf('node');
  const flags: string[] = [];
  const paths: string[] = [];
  for (let i = start + 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.startsWith('-')) {
      const takesValue = VALUE_FLAGS.has(token);
      const value = takesValue ? tokens[++i] : undefined;
      if (DROPPED.test(token)) continue;
      flags.push(token, ...(value !== undefined ? [value] : []));
    } else paths.push(token);
  }
  return { flags, paths };
}

function tokenize(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}
