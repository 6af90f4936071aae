import * as vscode from 'vscode';
import type { TargetStatus } from '../../core/release/inspect';
import type { ReleaseTarget } from '../../core/release/types';

/** A node of the Targets view: a target, one of its hosts, or a line that says what to do. */
export type TargetNode =
  | { kind: 'target'; target: ReleaseTarget; status: TargetStatus | undefined; problem?: string }
  | { kind: 'host'; target: ReleaseTarget; host: TargetStatus['hosts'][number] }
  | { kind: 'message'; text: string; detail?: string; command?: vscode.Command };

export interface TargetsSource {
  /** The configured targets (null: no folder open), or the reason they cannot be read. */
  targets(): Promise<{ targets: ReleaseTarget[] | null; problem?: string }>;
  /** The target now (asked on its hosts); cached by the caller until a refresh. */
  status(target: ReleaseTarget): Promise<TargetStatus>;
}

/**
 * The Targets view: each target of .deploy-agent/config.json with its current release and health
 * (asked on its hosts when the view shows it, again on Refresh and after a release), its hosts as
 * children; Release / Roll Back / Check on each target. With none, the welcome content says how to add one.
 */
export class TargetsTree implements vscode.TreeDataProvider<TargetNode> {
  private readonly statuses = new Map<string, Promise<TargetStatus | { error: string }>>();

  constructor(private readonly source: TargetsSource) {}

  forget(): void {
    this.statuses.clear();
  }

  async getChildren(node?: TargetNode): Promise<TargetNode[]> {
    if (!node) {
      const { targets, problem } = await this.source.targets();
      if (problem) return [{ kind: 'message', text: 'The targets cannot be read', detail: problem, command: { command: 'deployAgent.showDiagnostics', title: 'Show Diagnostics' } }];
      if (targets === null) return [{ kind: 'message', text: 'Open a folder to see its release targets' }];
      // No targets: an empty tree, so VS Code shows the view's welcome content (package.json
      // viewsWelcome), which has room for what a target is and a button; a tree item is one line.
      if (!targets.length) return [];
      return Promise.all(
        targets.map(async (target): Promise<TargetNode> => {
          const status = await this.statusOf(target);
          return 'error' in status ? { kind: 'target', target, status: undefined, problem: status.error } : { kind: 'target', target, status };
        }),
      );
    }
    if (node.kind === 'target') return (node.status?.hosts ?? []).map((host) => ({ kind: 'host', target: node.target, host }));
    return [];
  }

  getTreeItem(node: TargetNode): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text);
      item.tooltip = node.detail;
      item.description = node.detail;
      if (node.command) item.command = node.command;
      item.iconPath = new vscode.ThemeIcon('info');
      return item;
    }
    if (node.kind === 'host') {
      const h = node.host;
      const item = new vscode.TreeItem(h.host);
      item.description = h.error ? `unreachable: ${h.error.code}` : `${h.current ?? 'no release'}${h.health ? ` · ${h.health.ok ? 'healthy' : 'unhealthy'}` : ''}`;
      item.tooltip = h.error ? `${h.error.message}\n${h.error.hint}` : [`current: ${h.current ?? 'none'}`, `kept: ${h.releases.join(', ') || 'none'}`, h.health ? `health: ${h.health.ok ? `${h.health.status}` : h.health.error}` : 'no health check', h.lock ? `locked by ${h.lock.deploymentId} (pid ${h.lock.pid} on ${h.lock.client})` : ''].filter(Boolean).join('\n');
      item.iconPath = new vscode.ThemeIcon(h.error ? 'error' : h.health && !h.health.ok ? 'warning' : 'server');
      return item;
    }
    const { target, status, problem } = node;
    const item = new vscode.TreeItem(target.name, status && status.hosts.length > 1 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.contextValue = 'deployAgent.target';
    const hosts = status?.hosts ?? [];
    const healthy = hosts.filter((h) => h.health?.ok).length;
    const current = [...new Set(hosts.map((h) => h.current))];
    // Most telling first (the side bar is narrow): reachable and healthy, then the release, then the environment.
    const unreachable = hosts.filter((h) => h.error).length;
    const state = problem || (hosts.length && unreachable === hosts.length)
      ? 'unreachable'
      : unreachable
        ? `${unreachable} of ${hosts.length} unreachable`
        : !current[0]
          ? 'nothing released'
          : target.healthCheck
            ? `${healthy}/${hosts.length} healthy`
            : 'no health check';
    const release = current.length > 1 ? 'hosts differ' : current[0] ? shortRelease(current[0]) : '';
    item.description = [state, release, target.environment].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(
      [
        `**${target.name}** (${target.type}, ${target.environment}) — ${target.type === 'ssh' ? target.hosts.join(', ') : 'this machine'}: \`${target.path}\``,
        problem ? `\n\n${problem}` : '',
        ...hosts.map((h) => `\n\n- ${h.host}: ${h.error ? `unreachable (${h.error.message})` : `${h.current ?? 'no release'}${h.health ? `, ${h.health.ok ? 'healthy' : `unhealthy: ${h.health.error ?? ''}`}` : ''}`}`),
        status?.history[0] ? `\n\nLast release: ${status.history[0].id} ${status.history[0].status}` : '',
      ].join(''),
    );
    const sick = problem || hosts.some((h) => h.error || (h.health && !h.health.ok));
    item.iconPath = new vscode.ThemeIcon(sick ? 'warning' : target.type === 'local' ? 'vm' : 'cloud-upload', sick ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
    return item;
  }

  private statusOf(target: ReleaseTarget): Promise<TargetStatus | { error: string }> {
    let status = this.statuses.get(target.name);
    if (!status) {
      status = this.source.status(target).catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
      this.statuses.set(target.name, status);
    }
    return status;
  }
}

/** `20250102T030405678Z-3f2a1b4c` (or without the milliseconds, as before) → `2025-01-02 03:04 (3f2a1b4c)`. */
export function shortRelease(release: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})\d{2}(?:\d{3})?Z-(\w+)$/.exec(release);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]} (${m[6]})` : release;
}
