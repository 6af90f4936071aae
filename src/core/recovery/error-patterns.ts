import data from './error-patterns.json';

export type ErrorSeverity = 'warning' | 'error' | 'critical';

/** One entry of the knowledge base (src/core/recovery/error-patterns.json). */
export interface ErrorPattern {
  id: string;
  category: string;
  severity: ErrorSeverity;
  regex: string;
  flags: string;
  explanation: string;
  recovery: string;
  /** A real-looking output it must match (the tests check every one). */
  sample: string;
  /**
   * `release`: output of a release on a target (src/core/release), matched only when a release
   * asks (before the general patterns), so a code deployment's matches stay as they were.
   */
  scope?: 'release';
}

export interface MatchOptions {
  /** `release`: the release patterns first, then the general ones. Absent: the general ones only. */
  scope?: 'release';
}

export interface ErrorPatternMatch {
  id: string;
  category: string;
  severity: ErrorSeverity;
  explanation: string;
  recovery: string;
  /** The matched text, for the fix prompt and the report. */
  excerpt: string;
}

export const errorPatterns: readonly ErrorPattern[] = data as ErrorPattern[];
const compiled = errorPatterns.map((p) => ({ pattern: p, regex: new RegExp(p.regex, p.flags) }));
const general = compiled.filter((c) => c.pattern.scope === undefined);
const forRelease = [...compiled.filter((c) => c.pattern.scope === 'release'), ...general];

/**
 * Every known pattern found in a failure's output, most specific first (the file's order:
 * compiler and framework errors before the generic ones they often also contain).
 */
export function matchAllErrorPatterns(output: string, options: MatchOptions = {}): ErrorPatternMatch[] {
  const matches: ErrorPatternMatch[] = [];
  for (const { pattern, regex } of options.scope === 'release' ? forRelease : general) {
    const found = regex.exec(output);
    if (!found) continue;
    matches.push({
      id: pattern.id,
      category: pattern.category,
      severity: pattern.severity,
      explanation: pattern.explanation,
      recovery: pattern.recovery,
      excerpt: lineAround(output, found.index),
    });
  }
  return matches;
}

/** The most specific known pattern in the output, if any. */
export function matchErrorPattern(output: string, options: MatchOptions = {}): ErrorPatternMatch | undefined {
  return matchAllErrorPatterns(output, options)[0];
}

function lineAround(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? undefined : end).trim().slice(0, 300);
}
