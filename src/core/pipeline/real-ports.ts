import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Database from 'better-sqlite3';
import { DeployAgentError } from '../errors';
import type { PipelinePorts } from './ports';
import { restoreSandboxTree, snapshotSandboxTree } from './sandbox-state';

const run = promisify(execFile);

export interface RealPortsOptions {
  db: Database.Database;
  env: NodeJS.ProcessEnv;
  /** Settings resolver for the workspace (CLI: ctx.config, extension: its own). */
  config(workspaceDir: string): { get<T>(key: string): T };
}

function notYet(what: string): never {
  throw new DeployAgentError('NOT_AVAILABLE', `${what} is not wired into the pipeline yet.`, 'This build of Deploy Agent cannot deploy yet.');
}

/** The pipeline's ports backed by the real modules of every area. */
export function createRealPorts(_options: RealPortsOptions): PipelinePorts {
  return {
    loadRecommendation: async () => notYet('Loading recommendations'),
    repositoryRoot: async (workspaceDir) => {
      try {
        const { stdout } = await run('git', ['rev-parse', '--show-toplevel'], { cwd: workspaceDir });
        return stdout.trim();
      } catch (error) {
        throw new DeployAgentError('NOT_A_GIT_REPO', `${workspaceDir} is not inside a git repository.`, 'Run `git init` and commit your files, or pass --workspace DIR.', { cause: error });
      }
    },
    snapshotRepoState: async () => notYet('Repository snapshots'),
    acquireLock: async () => notYet('The repository lock'),
    checkCircuitBreaker: async () => notYet('The circuit breaker'),
    preflightModels: async () => notYet('Model preflight'),
    gatherContext: async () => notYet('Workspace analysis'),
    decideStrategy: async () => notYet('Strategy decisions'),
    createSandbox: async () => notYet('Sandboxes'),
    sandboxExists: async () => notYet('Sandboxes'),
    snapshotSandbox: (sandbox) => snapshotSandboxTree(sandbox.path),
    restoreSandbox: (sandbox, tree) => restoreSandboxTree(sandbox.path, tree),
    removeSandbox: async () => notYet('Sandboxes'),
    runPhase: async () => notYet('The agent'),
    runTests: async () => notYet('The test runner'),
    matchErrorPattern: () => undefined,
    review: async () => notYet('Review'),
    commit: async () => notYet('Commits'),
    push: async () => notYet('Push'),
    openPullRequest: async () => notYet('Pull requests'),
    recordOutcome: async () => undefined,
    writeReport: async () => undefined,
  };
}
