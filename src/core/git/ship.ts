import { DeployAgentError } from '../errors';
import type { Recommendation } from '../recommendation/types';
import type { RepoSnapshot, ReviewFindings, SandboxInfo, ShipPush } from '../deployment/types';
import { snapshotSandboxTree } from '../sandbox/sandbox-state';
import { secretRegistry } from '../security/registry';
import { shapesIn, TOKEN_SHAPES } from '../security/token-shapes';
import { git } from './run';
import { changedPaths, snapshotRepoState } from '../sandbox/repo-state';

/**
 * Review (secrets and writes outside the sandbox), commit and push.
 */
const ASSIGNED_SECRET = /\b(?:api[_-]?key|secret|password|passwd|token)\b\s*[:=]\s*['"][^'"\s]{12,}['"]/i;
const BLOCKING_SHAPES = TOKEN_SHAPES.filter((shape) => shape.blocksWrite);

/**
 * What makes an added line a credential: a token shape (src/core/security), a literal assigned to a
 * secret-looking name, or a value this process knows to be secret — the user's environment
 * credentials and the values of the repository's secret files, which a test or hook could have
 * copied into a committed file.
 */
function secretKinds(line: string): string[] {
  const kinds = shapesIn(line, BLOCKING_SHAPES).map((shape) => shape.id);
  if (ASSIGNED_SECRET.test(line)) kinds.push('assigned-secret');
  if (secretRegistry.redactor().hasKnownValue(line)) kinds.push('known-secret-value');
  return kinds;
}

export async function review(repoRoot: string, sandbox: SandboxInfo, before: RepoSnapshot): Promise<ReviewFindings> {
  const tree = await snapshotSandboxTree(sandbox.path);
  const numstat = await git(sandbox.path, ['diff', '--numstat', sandbox.baseSha, tree]);
  let insertions = 0;
  let deletions = 0;
  const paths: string[] = [];
  for (const line of numstat.split('\n').filter(Boolean)) {
    const [add, del, file] = line.split('\t');
    insertions += Number(add) || 0;
    deletions += Number(del) || 0;
    paths.push(file!);
  }
  const secrets: ReviewFindings['secrets'] = [];
  const diff = await git(sandbox.path, ['diff', '-U0', '--no-color', sandbox.baseSha, tree]);
  let file = '';
  let line = 0;
  for (const text of diff.split('\n')) {
    if (text.startsWith('+++ ')) file = text.replace(/^\+\+\+ (b\/)?/, '');
    else if (text.startsWith('@@')) line = Number(/\+(\d+)/.exec(text)?.[1] ?? 0) - 1;
    else if (text.startsWith('+')) {
      line++;
      for (const kind of secretKinds(text)) secrets.push({ path: file, line, kind });
    }
  }
  const after = await snapshotRepoState(repoRoot);
  const configChanges = paths.filter(isDeployAgentConfig);
  return {
    secrets,
    outsideSandbox: after.digest === before.digest ? [] : changedPaths(before, after),
    ...(configChanges.length ? { configChanges } : {}),
    diffStat: { files: paths.length, insertions, deletions, paths },
  };
}

/** A path in a `.deploy-agent/` folder (the repository's or a sub-project's configuration). */
function isDeployAgentConfig(file: string): boolean {
  return /(^|\/)\.deploy-agent\//.test(file);
}

const IDENTITY = ['-c', 'user.name=Deploy Agent', '-c', 'user.email=deploy-agent@localhost'];

export async function commit(sandbox: SandboxInfo, input: { recommendation: Recommendation; deploymentId: string; summary: string }): Promise<{ sha: string }> {
  await git(sandbox.path, ['add', '-A']);
  const staged = await git(sandbox.path, ['diff', '--cached', '--name-only']);
  if (!staged) throw new DeployAgentError('NOTHING_TO_COMMIT', 'The deployment changed no file, so there is nothing to commit.', 'Check the recommendation: the model made no change.');
  const message = [
    input.recommendation.title,
    '',
    ...(input.recommendation.id ? [`Recommendation: ${input.recommendation.id}`, ''] : []),
    input.summary.trim() || input.recommendation.description.trim(),
    '',
    `Deployed by Deploy Agent (deployment ${input.deploymentId}).`,
  ].join('\n');
  const hasIdentity = await git(sandbox.path, ['config', 'user.email']).then(Boolean, () => false);
  await git(sandbox.path, [...(hasIdentity ? [] : IDENTITY), 'commit', '--quiet', '--no-verify', '-m', message]);
  return { sha: await git(sandbox.path, ['rev-parse', 'HEAD']) };
}

export async function push(repoRoot: string, sandbox: SandboxInfo, signal: AbortSignal): Promise<ShipPush> {
  const remotes = (await git(repoRoot, ['remote'])).split('\n').filter(Boolean);
  const remote = remotes.includes('origin') ? 'origin' : remotes[0];
  if (!remote) throw new DeployAgentError('NO_REMOTE', 'The repository has no remote to push to.', `The commit is kept on the local branch ${sandbox.branch}. Add a remote (git remote add origin URL) and push it.`);
  try {
    // From the repository itself (not the worktree), so that a retried push works after the worktree is gone.
    await git(repoRoot, ['push', '--quiet', remote, `refs/heads/${sandbox.branch}:refs/heads/${sandbox.branch}`], { signal });
  } catch (error) {
    throw new DeployAgentError('PUSH_FAILED', `Pushing ${sandbox.branch} to ${remote} failed: ${(error as Error).message}`, `The commit is kept on the local branch ${sandbox.branch}; fix the cause and push it yourself, or resume.`, { cause: error });
  }
  return { remote, branch: sandbox.branch };
}

/**
 * The change as one unified diff, from the base commit to a sandbox tree (`snapshotSandboxTree`),
 * renames detected. `cwd` is any working tree of the repository (the objects are shared), so the
 * diff can still be made after the sandbox is gone, as long as the tree was recorded.
 */
export async function unifiedDiff(cwd: string, baseSha: string, tree: string, options: { signal?: AbortSignal } = {}): Promise<string> {
  const diff = await git(cwd, ['diff', '--no-color', '--no-ext-diff', '--find-renames', baseSha, tree], options);
  return diff ? `${diff}\n` : '';
}
