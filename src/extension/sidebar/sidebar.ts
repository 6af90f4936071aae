// The Deploy Agent sidebar: the Analytics view, the Deployments and Patterns trees and the status
// bar item, over one history database. Created the first time a view shows or a sidebar command
// runs (register.ts). Everything here translates between VS Code and core; the figures come from
// src/core/learning and src/core/store.
import * as vscode from 'vscode';
import path from 'node:path';
import { describeError } from '../../core/errors';
import { git } from '../../core/git/run';
import type { PipelineEventBus } from '../../core/pipeline/events';
import type { DeploymentOutcome } from '../../core/pipeline/orchestrator';
import type { HistoryStore } from '../../core/store/database';
import type { AnalyticsScope } from '../../protocol/analytics';
import { AnalyticsViewHost } from './analytics-view';
import { DeploymentActions } from './actions';
import type { CiSource } from './ci-import';
import { DeploymentsTree, type DeploymentNode } from './deployments-tree';
import { PatternsTree, type PatternNode } from './patterns-tree';
import type { SidebarCommand } from './register';
import { DeploymentStatusBar } from './status-bar';

export type SidebarNode = DeploymentNode | PatternNode;

export interface SidebarDeps {
  context: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  openStore(): HistoryStore;
  workspaceDir(): string | undefined;
  /** Every deployment the extension runs emits here (deploy, resume): the views follow it. */
  events: PipelineEventBus;
  deploy(): Promise<unknown>;
  resume(deploymentId: string): Promise<DeploymentOutcome | undefined>;
}

/** The open repository: the git root of the workspace folder (what deployments record as repo_path). */
export interface Repository {
  path: string;
  name: string;
}

/** What each view of the sidebar is given. */
export interface SidebarContext {
  output: vscode.LogOutputChannel;
  openStore(): HistoryStore;
  repository(): Promise<Repository | undefined>;
  /** Every repository, or the open one (only when a folder is open). */
  scope(): Promise<AnalyticsScope>;
}

export class Sidebar implements vscode.Disposable {
  readonly analytics: AnalyticsViewHost;
  readonly deployments: DeploymentsTree;
  readonly patterns: PatternsTree;
  readonly status: DeploymentStatusBar;
  private readonly actions: DeploymentActions;
  private readonly disposables: vscode.Disposable[] = [];
  private repository: Promise<Repository | undefined> | undefined;
  private scope: AnalyticsScope;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SidebarDeps) {
    this.scope = deps.context.workspaceState.get<AnalyticsScope>('deployAgent.sidebar.scope') ?? 'repository';
    const shared: SidebarContext = { output: deps.output, openStore: deps.openStore, repository: () => this.repositoryOf(), scope: () => this.effectiveScope() };
    this.actions = new DeploymentActions({ ...shared, resume: deps.resume, refresh: () => this.refresh('action') });
    this.analytics = new AnalyticsViewHost({
      ...shared,
      extensionUri: deps.context.extensionUri,
      memento: deps.context.workspaceState,
      setScope: (scope) => this.setScope(scope),
      importCiHistory: (source) => this.actions.importCiHistory(source),
      deploy: () => deps.deploy(),
    });
    this.deployments = new DeploymentsTree(shared);
    this.patterns = new PatternsTree(shared);
    this.status = new DeploymentStatusBar(shared);
    this.disposables.push(this.status, { dispose: deps.events.on((event) => this.onPipelineEvent(event)) });
    deps.context.subscriptions.push(this);
    // Started now: every view needs it, and it costs a git process.
    void this.repositoryOf();
    void this.setScopeContext();
    void this.status.refresh();
  }

  /** The tree views and their change events, made at activation by register.ts. */
  attach(views: {
    deploymentsView: vscode.TreeView<SidebarNode>;
    patternsView: vscode.TreeView<SidebarNode>;
    deploymentsChanged: vscode.EventEmitter<SidebarNode | undefined>;
    patternsChanged: vscode.EventEmitter<SidebarNode | undefined>;
  }): void {
    this.deployments.attach(views.deploymentsView, views.deploymentsChanged);
    this.patterns.attach(views.patternsView, views.patternsChanged);
  }

  /** A sidebar command (register.ts). */
  async run(command: SidebarCommand, ...args: unknown[]): Promise<unknown> {
    try {
      switch (command) {
        case 'deployAgent.sidebar.refresh':
          return this.refresh('refresh');
        case 'deployAgent.sidebar.showAllRepositories':
          return this.setScope('all');
        case 'deployAgent.sidebar.showThisRepository':
          return this.setScope('repository');
        case 'deployAgent.sidebar.showMore':
          return this.deployments.showMore(args[0] as DeploymentNode);
        case 'deployAgent.importCiHistory':
          return await this.actions.importCiHistory(args[0] === 'github' || args[0] === 'travistorrent' ? args[0] : undefined, typeof args[1] === 'string' ? { file: args[1] } : {});
        default:
          return await this.actions.run(command, args[0]);
      }
    } catch (error) {
      this.deps.output.error(`${command}: ${describeError(error)}`);
      void vscode.window.showErrorMessage(`Deploy Agent: ${(error as Error).message}`);
      return undefined;
    }
  }

  /**
   * "Import CI history" with what the user would be asked given (tests: a CSV file, or a token
   * standing for the GitHub sign-in and the repository to read); the views redraw after it.
   */
  importCiHistory(source: CiSource, options: { file?: string; token?: string; repository?: Repository } = {}): Promise<string | undefined> {
    return this.actions.importCiHistory(source, options);
  }

  /** Redraws every view from the database (debounced: a burst of events is one refresh). */
  refresh(reason: string): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    return new Promise((resolve) => {
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = undefined;
        this.deps.output.debug(`Sidebar: refresh (${reason})`);
        this.deployments.refresh();
        this.patterns.refresh();
        void Promise.all([this.analytics.refresh(), this.status.refresh()]).finally(resolve);
      }, 150);
    });
  }

  async setScope(scope: AnalyticsScope): Promise<void> {
    if (scope === this.scope) return;
    this.scope = scope;
    await this.deps.context.workspaceState.update('deployAgent.sidebar.scope', scope);
    await this.setScopeContext();
    this.deployments.refresh();
    await this.analytics.refresh();
  }

  /** `repository` needs an open folder; without one every repository is shown. */
  private async effectiveScope(): Promise<AnalyticsScope> {
    return this.scope === 'repository' && (await this.repositoryOf()) ? 'repository' : 'all';
  }

  private async setScopeContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'deployAgent.sidebar.scope', await this.effectiveScope());
  }

  private repositoryOf(): Promise<Repository | undefined> {
    this.repository ??= (async () => {
      const dir = this.deps.workspaceDir();
      if (!dir) return undefined;
      const root = await git(dir, ['rev-parse', '--show-toplevel']).then((out) => out.trim()).catch(() => path.resolve(dir));
      return { path: root, name: path.basename(root) };
    })();
    return this.repository;
  }

  private onPipelineEvent(event: Parameters<Parameters<PipelineEventBus['on']>[0]>[0]): void {
    this.status.onEvent(event);
    if (event.type === 'deployment.started') {
      this.deployments.refresh();
    } else if (event.type === 'deployment.finished') {
      void this.refresh(`deployment ${event.deploymentId} ${event.status}`);
    }
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export function createSidebar(deps: SidebarDeps): Sidebar {
  return new Sidebar(deps);
}
