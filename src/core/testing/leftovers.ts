import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Files a test run created in the sandbox that git would commit (untracked and not ignored:
 * a Cargo.lock cargo wrote for a library, a report a test left behind). The run must not
 * change the change, so they are removed afterwards and named in the output.
 */
export function untrackedFiles(dir: string): Set<string> | undefined {
  try {
    const out = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    return new Set(out.split('\0').filter(Boolean));
  } catch {
    return undefined; // not a git worktree: nothing to compare with
  }
}

export function removeNewUntracked(dir: string, before: Set<string> | undefined): string[] {
  if (!before) return [];
  const after = untrackedFiles(dir);
  if (!after) return [];
  const created = [...after].filter((f) => !before.has(f));
  for (const file of created) rmSync(path.join(dir, file), { force: true });
  return created;
}
