/** Small text helpers shared by the reporters' parsers. */

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * A message for a person: the first non-blank lines, without a stack trace but with the first
 * frame in the project's own code (`at test/calc.test.js:6:33`), which tells the fix phase where.
 */
export function firstLines(text: string, maxLines = 6, maxChars = 600): string {
  const all = stripAnsi(text).replace(/\r/g, '').split('\n');
  const lines: string[] = [];
  let i = 0;
  for (; i < all.length; i++) {
    const line = all[i]!;
    if (/^\s+at\s/.test(line) && lines.length) break;
    if (!line.trim()) continue;
    lines.push(line.trimEnd());
    if (lines.length >= maxLines) break;
  }
  const frame = all
    .slice(i)
    .map((l) => /^\s+at\s+(?:.*\()?([^()\s]+:\d+:\d+)\)?\s*$/.exec(l)?.[1])
    .find((loc) => loc && !loc.startsWith('node:') && !/node_modules|internal\//.test(loc));
  let joined = lines.join('\n').trim();
  if (joined.length > maxChars) joined = `${joined.slice(0, maxChars)}…`;
  return frame ? `${joined}\n    at ${frame}` : joined;
}

/**
 * The line a failure points at in `file`: the first `file:LINE` (a stack frame `at …/x.test.js:6:33`,
 * pytest's `tests/test_x.py:12: AssertionError`, go's `x_test.go:12:`) that names the file.
 */
export function failureLine(message: string, file: string | undefined): number | undefined {
  if (!file) return undefined;
  const base = file.split(/[\\/]/).pop()!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?:^|[\\s(/\\\\])${base}:(\\d+)`, 'm').exec(message);
  return match ? Number(match[1]) : undefined;
}

/** The file of the first frame in a message (`at /abs/test/x.test.js:6:33` → `/abs/test/x.test.js`), as `firstLines` keeps it. */
export function frameFile(message: string): string | undefined {
  return /(?:^|\s)at\s+(?:.*\()?([^()\s]+?):\d+:\d+\)?\s*$/m.exec(message)?.[1];
}
