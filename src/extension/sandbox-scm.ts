// Sandbox worktrees stay out of Source Control. VS Code's git extension opens every worktree of
// an open repository as a repository of its own (git.detectWorktrees), so a deployment's sandbox
// showed up with its own Commit box: one click committed into the sandbox, past the review. The
// sandbox is closed there as soon as the git extension opens it ("Git: Reopen Closed
// Repositories" brings it back for whoever wants it). No setting of the user's is written.
import * as vscode from 'vscode';
import { isSandboxPath } from '../core/sandbox/location';

/** The part of the git extension's API (vscode.git, getAPI(1)) used here. */
interface GitRepositoryLike {
  readonly rootUri: vscode.Uri;
}
interface GitApiLike {
  readonly repositories: readonly GitRepositoryLike[];
  readonly onDidOpenRepository: vscode.Event<GitRepositoryLike>;
}

export function keepSandboxesOutOfSourceControl(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  const extension = vscode.extensions.getExtension<{ getAPI(version: 1): GitApiLike }>('vscode.git');
  if (!extension) return;
  const close = (repository: GitRepositoryLike) => {
    if (!isSandboxPath(repository.rootUri.fsPath)) return;
    output.debug(`Source Control: closing the sandbox worktree ${repository.rootUri.fsPath} (it is reviewed in the Deploy Agent panel)`);
    void vscode.commands.executeCommand('git.close', repository.rootUri).then(undefined, (error: unknown) => output.warn(`Could not close the sandbox ${repository.rootUri.fsPath} in Source Control: ${String(error)}`));
  };
  // Not awaited: activation stays short; the git extension activates on its own.
  void Promise.resolve(extension.isActive ? extension.exports : extension.activate()).then(
    (exports) => {
      const api = exports.getAPI(1);
      context.subscriptions.push(api.onDidOpenRepository(close));
      for (const repository of api.repositories) close(repository);
    },
    (error: unknown) => output.debug(`The git extension is not available: ${String(error)}`),
  );
}
