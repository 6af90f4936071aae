import * as vscode from 'vscode';

/**
 * Commands that run code or write files refuse in an untrusted workspace and say why.
 * (The manifest's `enablement: isWorkspaceTrusted` greys them out; this covers programmatic calls.)
 */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    `Deploy Agent cannot ${action} in an untrusted workspace. Trust this folder (Workspaces: Manage Workspace Trust) to continue.`,
  );
  return false;
}
