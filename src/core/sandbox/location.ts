import os from 'node:os';
import path from 'node:path';

/** The folder every sandbox worktree is created under (outside any workspace). */
export function sandboxesDir(): string {
  return path.join(os.tmpdir(), 'deploy-agent-worktrees');
}

/** Whether `dir` is a sandbox worktree (or inside one): editors use it to keep sandboxes out of the user's Source Control view. */
export function isSandboxPath(dir: string): boolean {
  const relative = path.relative(sandboxesDir(), path.resolve(dir));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
