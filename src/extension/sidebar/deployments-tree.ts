// The Deployments tree: the history of this repository (or of all), grouped by where each
// deployment stands, newest first, a page at a time. Rows come from core (deployment-states.ts).
import * as vscode from 'vscode';
import path from 'node:path';
import { formatDuration } from '../../core/learning/format';
import { countByState, DEPLOYMENT_STATES, historyCounts, listByState, type DeploymentState, type DeploymentSummary } from '../../core/store/deployment-states';
import type { SidebarContext } from './sidebar';

export type DeploymentNode =
  | { kind: 'state'; state: DeploymentState; count: number; scope: string }
  | { kind: 'deployment'; deployment: DeploymentSummary; showRepository: boolean }
  | { kind: 'more'; state: DeploymentState; shown: number; count: number };

/** How many deployments a group shows at first, and how many more each "Show more" adds. */
export const PAGE = 50;

export const STATE_LABELS: Record<DeploymentState, string> = {
  running: 'Running',
  'awaiting-review': 'Awaiting review',
  interrupted: 'Interrupted',
  shipped: 'Shipped',
  tested: 'Tested (dry runs)',
  failed: 'Failed',
  stopped: 'Stopped before the work',
  cancelled: 'Cancelled',
  'rolled-back': 'Rolled back',
};

const STATE_ICONS: Record<DeploymentState, [string, string?]> = {
  running: ['sync~spin'],
  'awaiting-review': ['eye', 'charts.blue'],
  interrupted: ['debug-pause', 'charts.yellow'],
  shipped: ['pass', 'testing.iconPassed'],
  tested: ['beaker'],
  failed: ['error', 'testing.iconFailed'],
  stopped: ['warning', 'charts.yellow'],
  cancelled: ['circle-slash'],
  'rolled-back': ['discard', 'charts.orange'],
};

/** Groups open at first: what needs attention, and what shipped or failed lately while they are short. */
const EXPANDED: ReadonlySet<DeploymentState> = new Set(['running', 'awaiting-review', 'interrupted', 'shipped', 'failed']);
const ALWAYS_EXPANDED: ReadonlySet<DeploymentState> = new Set(['running', 'awaiting-review']);
const EXPANDED_UP_TO = 25;

const STATE_HINTS: Partial<Record<DeploymentState, string>> = {
  interrupted: 'Their process stopped before they ended: Resume continues each from its last completed step.',
  tested: 'Dry runs (and deployments that committed nothing): tested in a sandbox that was removed.',
  'awaiting-review': 'Tested and waiting for you: open one to review its change, then ship or discard it.',
  stopped: 'Refused by the safety checks (repository busy, circuit breaker open) or stopped at setup (no model reachable, an invalid recommendation, …): no model or test ran, so they are not counted as failures.',
};

export class DeploymentsTree implements vscode.TreeDataProvider<DeploymentNode> {
  private view: vscode.TreeView<never> | undefined;
  private changed: vscode.EventEmitter<never | undefined> | undefined;
  private readonly shown = new Map<DeploymentState, number>();

  constructor(private readonly ctx: SidebarContext) {}

  attach<T>(view: vscode.TreeView<T>, changed: vscode.EventEmitter<T | undefined>): void {
    this.view = view as unknown as vscode.TreeView<never>;
    this.changed = changed as unknown as vscode.EventEmitter<never | undefined>;
  }

  refresh(): void {
    this.changed?.fire(undefined);
  }

  showMore(node: DeploymentNode): void {
    if (node?.kind !== 'more') return;
    this.shown.set(node.state, node.shown + PAGE);
    this.refresh();
  }

  async getChildren(node?: DeploymentNode): Promise<DeploymentNode[]> {
    const scope = await this.ctx.scope();
    const repository = await this.ctx.repository();
    const repoPath = scope === 'repository' ? repository?.path : undefined;
    const db = this.ctx.openStore().db;
    if (!node) {
      const counts = countByState(db, repoPath === undefined ? {} : { repoPath });
      const total = Object.values(counts).reduce((n, c) => n + c, 0);
      if (this.view) this.view.description = scope === 'repository' && repository ? repository.name : 'all repositories';
      // The welcome content (package.json viewsWelcome) tells an empty repository from an empty history.
      void vscode.commands.executeCommand('setContext', 'deployAgent.sidebar.otherHistory', total === 0 && repoPath !== undefined && historyCounts(db).all > 0);
      return DEPLOYMENT_STATES.filter((state) => counts[state] > 0).map((state) => ({ kind: 'state', state, count: counts[state], scope: repoPath ?? 'all' }));
    }
    if (node.kind !== 'state') return [];
    const limit = this.shown.get(node.state) ?? PAGE;
    const rows = listByState(db, node.state, { limit, ...(repoPath === undefined ? {} : { repoPath }) });
    const items: DeploymentNode[] = rows.map((deployment) => ({ kind: 'deployment', deployment, showRepository: repoPath === undefined }));
    if (node.count > rows.length) items.push({ kind: 'more', state: node.state, shown: rows.length, count: node.count });
    return items;
  }

  getTreeItem(node: DeploymentNode): vscode.TreeItem {
    if (node.kind === 'state') {
      const open = ALWAYS_EXPANDED.has(node.state) || (EXPANDED.has(node.state) && node.count <= EXPANDED_UP_TO);
      const item = new vscode.TreeItem(STATE_LABELS[node.state], open ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      // Per scope: VS Code keeps a group's expansion by id, and a group of this repository is not everyone's.
      item.id = `state:${node.scope}:${node.state}`;
      if (STATE_HINTS[node.state]) item.tooltip = STATE_HINTS[node.state];
      item.description = node.count.toLocaleString('en-US');
      item.iconPath = icon(node.state);
      item.contextValue = 'deploymentState';
      return item;
    }
    if (node.kind === 'more') {
      const item = new vscode.TreeItem(`Show ${Math.min(PAGE, node.count - node.shown)} more`);
      item.description = `${(node.count - node.shown).toLocaleString('en-US')} not shown`;
      item.id = `more:${node.state}:${node.shown}`;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: 'deployAgent.sidebar.showMore', title: 'Show More', arguments: [node] };
      return item;
    }
    const d = node.deployment;
    const item = new vscode.TreeItem(d.title);
    item.id = `deployment:${d.id}`;
    item.description = describe(d, node.showRepository);
    item.tooltip = tooltip(d);
    item.iconPath = icon(d.state);
    item.contextValue = contextOf(d);
    item.command = { command: 'deployAgent.sidebar.open', title: 'Open', arguments: [d.id] };
    item.accessibilityInformation = { label: `${d.title}, ${STATE_LABELS[d.state]}, ${describe(d, node.showRepository)}` };
    return item;
  }
}

function icon(state: DeploymentState): vscode.ThemeIcon {
  const [id, color] = STATE_ICONS[state];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/** "balanced · 4 min 10 s · 12 passed, 1 failed · 2 repairs" (and the repository when all are shown). */
export function describe(d: DeploymentSummary, showRepository: boolean): string {
  const parts = [
    showRepository ? path.basename(d.repoPath) : undefined,
    d.strategy ?? undefined,
    d.durationMs !== null ? formatDuration(d.durationMs) : d.state === 'running' ? `started ${ago(d.createdAt)}` : undefined,
    d.tests ? `${d.tests.passed} passed${d.tests.failed ? `, ${d.tests.failed} failed` : ''}` : undefined,
    d.repairs ? `${d.repairs} repair${d.repairs === 1 ? '' : 's'}` : undefined,
  ];
  return parts.filter(Boolean).join(' · ');
}

function tooltip(d: DeploymentSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(d.title)}**\n\n`);
  const rows: [string, string | null | undefined][] = [
    ['State', STATE_LABELS[d.state]],
    ['Started', `${new Date(d.createdAt).toLocaleString()} (${ago(d.createdAt)})`],
    ['Duration', d.durationMs === null ? null : formatDuration(d.durationMs)],
    ['Strategy', d.strategy],
    ['Mode', d.mode],
    ['Environment', d.environment],
    ['Tests (last run)', d.tests ? `${d.tests.passed} passed, ${d.tests.failed} failed, ${d.tests.skipped} skipped` : 'none ran'],
    ['Repair rounds', String(d.repairs)],
    ['Branch', d.branch],
    ['Commit', d.commitSha?.slice(0, 12)],
    ['Pull request', d.prUrl],
    ['Repository', d.repoPath],
    ['Error', d.errorCode ? `${d.errorCode}: ${d.errorMessage ?? ''}` : null],
    ['Id', d.id],
  ];
  md.appendMarkdown(rows.filter(([, v]) => v).map(([k, v]) => `${k}: ${escape(v!)}`).join('  \n'));
  return md;
}

/** Space-separated facts the context menu's `when` clauses match (viewItem =~ /\bresumable\b/). */
function contextOf(d: DeploymentSummary): string {
  const facts = ['deployment', `state-${d.state}`, 'report'];
  if (d.state === 'interrupted' || (d.state === 'failed' && d.commitSha)) facts.push('resumable');
  if (d.state === 'shipped') facts.push('rollbackable');
  if (d.prUrl) facts.push('pullRequest');
  return facts.join(' ');
}

function ago(ms: number): string {
  const s = Math.max(0, Date.now() - ms);
  return `${formatDuration(s).replace(/ \d+ s$/, '')} ago`;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
