// GitHub for pull requests from VS Code: VS Code's GitHub sign-in (`repo` scope), asked for only
// when a push is about to happen (core calls this right before the push step). Already signed in:
// no question. A token in the environment VS Code started with (GITHUB_TOKEN, GH_TOKEN) serves as
// the CLI's does. Otherwise VS Code asks; declined, nothing is pushed and the error says what to do.
import * as vscode from 'vscode';
import { DeployAgentError } from '../../core/errors';

export const GITHUB_PROVIDER = 'github';
export const GITHUB_PUSH_SCOPES = ['repo'];

export async function githubTokenForPush(): Promise<string> {
  const signedIn = await vscode.authentication.getSession(GITHUB_PROVIDER, GITHUB_PUSH_SCOPES, { silent: true }).then(
    (session) => session,
    () => undefined,
  );
  if (signedIn?.accessToken) return signedIn.accessToken;
  const fromEnvironment = process.env.GITHUB_TOKEN || process.env.GH_TOKEN;
  if (fromEnvironment) return fromEnvironment;
  let why = 'GitHub sign-in was declined';
  try {
    const session = await vscode.authentication.getSession(GITHUB_PROVIDER, GITHUB_PUSH_SCOPES, {
      createIfNone: { detail: 'Deploy Agent is about to push the deployment’s branch and open its pull request on GitHub.' },
    });
    if (session?.accessToken) return session.accessToken;
  } catch (error) {
    // VS Code rejects when the user cancels the sign-in (and when no GitHub provider is installed).
    if (!/consent|cancel/i.test(error instanceof Error ? error.message : '')) why = `GitHub sign-in did not complete (${error instanceof Error ? error.message : String(error)})`;
  }
  throw new DeployAgentError(
    'GITHUB_SIGN_IN_DECLINED',
    `Nothing was pushed: the pull request needs GitHub, and ${why}.`,
    'The commit is kept on its branch. Sign in to GitHub (Accounts menu, or when asked) and push again; or start VS Code with GITHUB_TOKEN set.',
  );
}
