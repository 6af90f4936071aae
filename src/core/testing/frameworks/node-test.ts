import { readFileSync } from 'node:fs';
import path from 'node:path';
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
    const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', ...(hasJunit ? ['--test-reporter=junit', `--test-reporter-destination=${junit}`] : [])];
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
        const results = xml ? parseJunit(xml) : countsFromSpec(finished.output);
        if (!results) return { counts: { passed: 0, failed: 0, skipped: 0 }, failures: [], noReport: true };
        const info = coverage.length ? readReport(lcov) : undefined;
        const cov = info ? coverageFromLcov(info, (f) => isTestFile('node-test', f)) : undefined;
        return { ...results, ...(cov !== undefined ? { coverage: cov } : {}), ...(coverage.length && cov === undefined ? { coverageNote: 'node wrote no coverage for the source files' } : {}) };
      },
    };
  },
};

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
