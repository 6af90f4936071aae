import { DeployAgentError } from '../errors';
import { git } from './run';

/**
 * The git repository root of `workspaceDir`, which must have a commit (the sandbox branches from
 * HEAD). Throws NOT_A_GIT_REPO or NO_COMMITS with what to do.
 */
export async function repositoryRoot(workspaceDir: string): Promise<string> {
  let root: string;
  try {
    root = await git(workspaceDir, ['rev-parse', '--show-toplevel']);
  } catch (error) {
    throw new DeployAgentError('NOT_A_GIT_REPO', `${workspaceDir} is not inside a git repository.`, 'Run `git init` and commit your files, or pass --workspace DIR.', { cause: error });
  }
  try {
    await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  } catch (error) {
    throw new DeployAgentError('NO_COMMITS', `The repository at ${root} has no commit yet.`, 'Commit your files first (`git add -A && git commit -m "initial"`): the sandbox branches from HEAD.', { cause: error });
  }
  return root;
}
