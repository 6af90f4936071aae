/** Small text helpers shared by the reporters' parsers. */

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** A message for a person: the first lines, without a stack trace. */
export function firstLines(text: string, maxLines = 6, maxChars = 600): string {
  const lines: string[] = [];
  for (const line of stripAnsi(text).replace(/\r/g, '').split('\n')) {
    if (/^\s+at\s/.test(line) && lines.length) break;
    if (!line.trim() && !lines.length) continue;
    lines.push(line.trimEnd());
    if (lines.length >= maxLines) break;
  }
  const joined = lines.join('\n').trim();
  return joined.length > maxChars ? `${joined.slice(0, maxChars)}…` : joined;
}
