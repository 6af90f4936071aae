import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DeployAgentError } from '../errors';

const run = promisify(execFile);

/**
 * The workspace must be an existing folder. Checked before anything reads inside it, so that a
 * mistyped path or a file given as the workspace is named as such (not as "not a git repository",
 * nor as an unreadable configuration file inside it).
 */
export function assertWorkspaceFolder(dir: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DeployAgentError('WORKSPACE_NOT_FOUND', `The workspace folder ${dir} does not exist.`, 'Check the path (--workspace DIR, default: the current folder).', { cause: error });
    }
    throw new DeployAgentError('WORKSPACE_UNREADABLE', `The workspace folder ${dir} cannot be read: ${(error as Error).message}.`, 'Check its permissions, or deploy into another folder with --workspace DIR.', { cause: error });
  }
  if (!isFolder) {
    throw new DeployAgentError('WORKSPACE_NOT_A_FOLDER', `${dir} is a file; the workspace must be the repository's folder.`, `Pass the folder of the repository instead, e.g. --workspace ${path.dirname(dir)}.`);
  }
}

/**
 * The root of the working tree the workspace is in, after checking that there is one to deploy
 * into: an existing folder, inside a git repository that is not bare (nor its .git folder), with
 * at least one commit (the sandbox branches from HEAD).
 */
export async function repositoryRootOf(workspaceDir: string): Promise<string> {
  assertWorkspaceFolder(workspaceDir);
  let answer: string[];
  try {
    answer = (await run('git', ['rev-parse', '--is-bare-repository', '--is-inside-git-dir'], { cwd: workspaceDir })).stdout.trim().split('\n');
  } catch (error) {
    throw new DeployAgentError('NOT_A_GIT_REPO', `${workspaceDir} is not inside a git repository.`, 'Run `git init` and commit your files, or pass --workspace DIR.', { cause: error });
  }
  if (answer[0] === 'true') {
    throw new DeployAgentError(
      'BARE_REPOSITORY',
      `${workspaceDir} is a bare git repository: it has no working tree to deploy into.`,
      `Clone it (\`git clone ${workspaceDir} my-work\`) and deploy into the clone.`,
    );
  }
  if (answer[1] === 'true') {
    throw new DeployAgentError('INSIDE_GIT_FOLDER', `${workspaceDir} is inside a repository's .git folder, not its working tree.`, 'Pass the folder that contains .git instead.');
  }
  const root = (await run('git', ['rev-parse', '--show-toplevel'], { cwd: workspaceDir })).stdout.trim();
  try {
    await run('git', ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: root });
  } catch (error) {
    throw new DeployAgentError('NO_COMMITS', `The repository at ${root} has no commit yet.`, 'Commit your files first (`git add -A && git commit -m "initial"`): the sandbox branches from HEAD.', { cause: error });
  }
  return root;
}
