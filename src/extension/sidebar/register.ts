// The sidebar's registrations, made at activation (this file is in the tiny extension.js): the
// Analytics webview view, the Deployments and Patterns trees and their commands. Each only
// forwards to the sidebar itself (sidebar.ts, in extension-services.js), which is loaded the
// first time a view shows or a sidebar command runs (or a deployment starts: services.ts) — never
// during activation.
import * as vscode from 'vscode';
import type { Sidebar, SidebarNode } from './sidebar';
import { loadAnalyticsDocument } from './analytics-document';
import { HAND_OVER_MS } from '../hand-over';

export const SIDEBAR_COMMANDS = [
  'deployAgent.sidebar.refresh',
  'deployAgent.sidebar.showAllRepositories',
  'deployAgent.sidebar.showThisRepository',
  'deployAgent.sidebar.open',
  'deployAgent.sidebar.openReport',
  'deployAgent.sidebar.resume',
  'deployAgent.sidebar.rollBack',
  'deployAgent.sidebar.openPullRequest',
  'deployAgent.sidebar.showMore',
  'deployAgent.importCiHistory',
] as const;

export type SidebarCommand = (typeof SIDEBAR_COMMANDS)[number];

export function registerSidebar(context: vscode.ExtensionContext, load: () => Sidebar): void {
  let attached: Sidebar | undefined;
  const deploymentsChanged = new vscode.EventEmitter<SidebarNode | undefined>();
  const patternsChanged = new vscode.EventEmitter<SidebarNode | undefined>();
  const tree = (which: 'deployments' | 'patterns', changed: vscode.EventEmitter<SidebarNode | undefined>): vscode.TreeDataProvider<SidebarNode> => {
    // Each tree gets back only the nodes it made.
    const provider = () => sidebar()[which] as unknown as vscode.TreeDataProvider<SidebarNode>;
    // The first children wait for the hand-over too: the trees resolve together with the Analytics view.
    return {
      onDidChangeTreeData: changed.event,
      getTreeItem: (node) => provider().getTreeItem(node),
      getChildren: async (node) => {
        await sidebarSoon();
        return provider().getChildren(node);
      },
    };
  };
  const deploymentsView = vscode.window.createTreeView('deployAgent.deployments', { treeDataProvider: tree('deployments', deploymentsChanged), showCollapseAll: true });
  const patternsView = vscode.window.createTreeView('deployAgent.patterns', { treeDataProvider: tree('patterns', patternsChanged) });
  const sidebar = (): Sidebar => {
    if (!attached) {
      attached = load();
      attached.attach({ deploymentsView, patternsView, deploymentsChanged, patternsChanged });
    }
    return attached;
  };
  /**
   * The sidebar for a view that is showing: loaded HAND_OVER_MS later the first time, so that the
   * Analytics view's document, set just before, reaches VS Code before the services' load (about a
   * second of synchronous work the first time in a window) holds the extension host.
   */
  const sidebarSoon = async (): Promise<Sidebar> => {
    if (!attached) await new Promise((resolve) => setTimeout(resolve, HAND_OVER_MS));
    return sidebar();
  };
  context.subscriptions.push(
    deploymentsChanged,
    patternsChanged,
    deploymentsView,
    patternsView,
    vscode.window.registerWebviewViewProvider('deployAgent.analytics', {
      resolveWebviewView: (view) => {
        // The view's document first: it loads while the sidebar (about a second the first time in a
        // window, with the services) loads, once the HTML has left (main.ts, HAND_OVER_MS).
        const htmlSetAt = loadAnalyticsDocument(view, context.extensionUri);
        return sidebarSoon().then((loaded) => loaded.analytics.resolveWebviewView(view, htmlSetAt));
      },
    }),
    ...SIDEBAR_COMMANDS.map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => sidebar().run(id, ...args))),
  );
}
