import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * What a test run wrote into the sandbox. Files a test writes stay: they are in the sandbox
 * like the change and go through the same review (a credential a test wrote is refused there).
 * They are only named in the output. A tool's own by-product that did not exist before the run
 * (cargo's Cargo.lock for a library that does not commit one) is removed, as it is no part of
 * the change.
 */
export function untrackedFiles(dir: string): Set<string> | undefined {
  try {
    const out = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    return new Set(out.split('\0').filter(Boolean));
  } catch {
    return undefined; // not a git worktree: nothing to compare with
  }
}

export function newUntracked(dir: string, before: Set<string> | undefined): string[] {
  if (!before) return [];
  const after = untrackedFiles(dir);
  return after ? [...after].filter((f) => !before.has(f)) : [];
}

/** The by-products (project-relative) that do not exist yet: remove these after the run. */
export function absentByproducts(projectDir: string, byproducts: string[] = []): string[] {
  return byproducts.filter((f) => !existsSync(path.join(projectDir, f)));
}

export function removeByproducts(projectDir: string, absent: string[]): string[] {
  const removed = absent.filter((f) => existsSync(path.join(projectDir, f)));
  for (const f of removed) rmSync(path.join(projectDir, f), { force: true });
  return removed;
}
