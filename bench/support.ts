// Small helpers the benchmarks share.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The middle value (the upper middle for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs `fn` once and measures it with the monotonic high-resolution clock. */
export function time<T>(fn: () => T): { ms: number; value: T } {
  const started = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/**
 * Median, spread (min and max) and count of the runs of one benchmark, for its JSON line; the
 * table in docs/benchmarks.md shows all four. `digits`: decimals kept.
 */
export function timing(values: number[], digits = 1): { medianMs: number; minMs: number; maxMs: number; runs: number } {
  if (!values.length) throw new RangeError('timing: no runs');
  return { medianMs: round(median(values), digits), minMs: round(Math.min(...values), digits), maxMs: round(Math.max(...values), digits), runs: values.length };
}

/** One target of a benchmark: `value op limit` (e.g. median < 1500 ms), and whether it was met. */
export interface TargetCheck {
  figure: string;
  value: number | null;
  op: '<' | '<=' | '>' | '>=';
  limit: number;
  unit: string;
  met: boolean;
  /** A requirement that is a statement, not a comparison (e.g. "the model made the decision"). */
  text?: string;
}

export function target(figure: string, value: number | null, op: TargetCheck['op'], limit: number, unit = ''): TargetCheck {
  const met = value !== null && Number.isFinite(value) && (op === '<' ? value < limit : op === '<=' ? value <= limit : op === '>' ? value > limit : value >= limit);
  return { figure, value, op, limit, unit, met };
}

/** A requirement that holds or not, shown as its statement. */
export function requirement(text: string, met: boolean): TargetCheck {
  return { figure: text, value: null, op: '>=', limit: 0, unit: '', met, text };
}

/** Every target of a line with its verdict (bench/table.mjs shows each); `pass` only when all are met. */
export function verdict(...checks: TargetCheck[]): { targets: TargetCheck[]; pass: boolean } {
  return { targets: checks, pass: checks.every((c) => c.met) };
}

/** The DL-CIBuild CSVs (../shared/data/ci-builds beside the repository); BENCH_CI_BUILDS points elsewhere (e.g. from a worktree). */
export const CI_BUILDS = process.env.BENCH_CI_BUILDS ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'ci-builds', 'dl-cibuild');

/** What `npm run test:e2e` wrote last (test-results/e2e/last-run.json): the figures measured inside VS Code. */
export interface LastE2eRun {
  finishedAt: string;
  passed: number;
  failed: number;
  figures?: Record<string, number>;
  /** The extension-host suite's results, with the figures its tests recorded (`extras`). */
  suite?: { extras?: Record<string, unknown> };
}

/**
 * The last e2e run and a line saying where it came from, or why there is none (a benchmark
 * then prints `skipped` with that reason instead of inventing a number).
 */
export function lastE2eRun(): { run: LastE2eRun; source: string } | { run: undefined; reason: string } {
  const file = path.resolve(import.meta.dirname, '..', 'test-results', 'e2e', 'last-run.json');
  try {
    const run = JSON.parse(readFileSync(file, 'utf8')) as LastE2eRun;
    const age = Math.round((Date.now() - statSync(file).mtimeMs) / 60000);
    return { run, source: `test-results/e2e/last-run.json (e2e run finished ${run.finishedAt}, ${run.passed} passed, ${run.failed} failed; file age ${age} min)` };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no e2e results (${path.relative(process.cwd(), file)} is missing): run npm run test:e2e first` : `unreadable e2e results: ${(error as Error).message}`;
    return { run: undefined, reason };
  }
}
