import { createHash } from 'node:crypto';

/**
 * Small facts about one file's unified diff and its content, shared by the recording (at commit)
 * and the lenses (at every file open): git's blob id of a text, and where each hunk's change starts.
 */

/** git's blob id of `text` as UTF-8 (what `git hash-object` prints for the same bytes). */
export function gitBlobSha(text: string | Buffer): string {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** One hunk of a file's change: its first changed line on the new side (1-based) and its size. */
export interface HunkSummary {
  line: number;
  added: number;
  removed: number;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * The hunks of one file's unified diff: the first line that changed (context lines skipped; for a
 * pure deletion, the line that now follows the removed ones) and the lines added and removed.
 */
export function hunksOfPatch(patch: string): HunkSummary[] {
  const hunks: HunkSummary[] = [];
  let current: (HunkSummary & { found: boolean }) | undefined;
  let newLine = 0;
  const close = () => {
    if (current) hunks.push({ line: Math.max(1, current.line), added: current.added, removed: current.removed });
  };
  for (const text of patch.split('\n')) {
    const header = HUNK_HEADER.exec(text);
    if (header) {
      close();
      newLine = Number(header[3]);
      current = { line: newLine, added: 0, removed: 0, found: false };
      continue;
    }
    if (!current) continue;
    const changed = text.startsWith('+') || text.startsWith('-');
    if (changed && !current.found) {
      current.line = newLine;
      current.found = true;
    }
    if (text.startsWith('+')) {
      current.added++;
      newLine++;
    } else if (text.startsWith('-')) {
      current.removed++;
    } else if (text.startsWith(' ')) {
      newLine++;
    }
  }
  close();
  return hunks;
}
