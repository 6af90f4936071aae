// The Targets view and the release commands, registered at activation (this file is in the tiny
// extension.js). Each forwards to the release controller (controller.ts, in extension-services.js),
// loaded the first time the view shows or a command runs.
import * as vscode from 'vscode';
import type { ReleaseController } from './controller';
import type { TargetNode } from './targets-tree';

export const RELEASE_COMMANDS = [
  'deployAgent.releaseToTarget',
  'deployAgent.targets.refresh',
  'deployAgent.targets.release',
  'deployAgent.targets.rollBack',
  'deployAgent.targets.check',
  'deployAgent.targets.openConfig',
] as const;
export type ReleaseCommand = (typeof RELEASE_COMMANDS)[number];

export function registerRelease(context: vscode.ExtensionContext, load: () => ReleaseController): void {
  const changed = new vscode.EventEmitter<TargetNode | undefined>();
  let attached: ReleaseController | undefined;
  const controller = (): ReleaseController => {
    if (!attached) {
      attached = load();
      attached.attach(changed);
    }
    return attached;
  };
  const view = vscode.window.createTreeView('deployAgent.targets', {
    treeDataProvider: { onDidChangeTreeData: changed.event, getTreeItem: (node: TargetNode) => controller().tree.getTreeItem(node), getChildren: (node?: TargetNode) => controller().tree.getChildren(node) },
  });
  context.subscriptions.push(changed, view, ...RELEASE_COMMANDS.map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => controller().run(id, ...args))));
}
