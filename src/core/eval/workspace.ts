import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { git } from '../git/run';
import type { EvalTask } from './types';

/** Author and committer of the task repositories (the user's git configuration is not needed, nor touched). */
const GIT_IDENTITY = { GIT_AUTHOR_NAME: 'Deploy Agent eval', GIT_AUTHOR_EMAIL: 'eval@deploy-agent.invalid', GIT_COMMITTER_NAME: 'Deploy Agent eval', GIT_COMMITTER_EMAIL: 'eval@deploy-agent.invalid' };

/**
 * A task's repository as the agent finds it, in `parent`: the base repository with the task's
 * `setup/` files over it, committed on `main` in a fresh git repository, and the recommendation
 * beside it (outside the repository). The hidden tests and the solution stay in the task folder.
 */
export async function materializeTask(task: EvalTask, parent: string, options: { withSolution?: boolean } = {}): Promise<{ repoDir: string; recommendationFile: string }> {
  const repoDir = path.join(parent, 'repo');
  mkdirSync(repoDir, { recursive: true });
  cpSync(task.repoDir, repoDir, { recursive: true });
  overlay(task, 'setup', repoDir);
  if (options.withSolution) overlay(task, 'solution', repoDir);
  const env = { ...process.env, ...GIT_IDENTITY };
  await git(repoDir, ['init', '-q', '-b', 'main'], { env });
  await git(repoDir, ['config', 'commit.gpgsign', 'false'], { env });
  await git(repoDir, ['add', '-A'], { env });
  await git(repoDir, ['commit', '-q', '-m', `eval task ${task.id}`], { env });
  const recommendationFile = path.join(parent, 'recommendation.json');
  writeFileSync(recommendationFile, `${JSON.stringify(task.recommendation, null, 2)}\n`);
  return { repoDir, recommendationFile };
}

/** Lays one of the task's folders (`setup`, `solution`, `hidden`) over `dir`, at the same relative paths. */
export function overlay(task: EvalTask, folder: 'setup' | 'solution' | 'hidden', dir: string): void {
  try {
    cpSync(path.join(task.dir, folder), dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
