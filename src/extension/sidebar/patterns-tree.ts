// The Patterns tree: the pattern learner's three answers — recommendations (patterns to follow,
// ranked by the Wilson lower bound), environment adaptations (what successful deployments did
// differently between two environments) and rollback scenarios (failure signatures and the
// recovery that worked) — with the figures and the "why" the CLI prints, in each tooltip.
import * as vscode from 'vscode';
import { environmentAdaptations, environmentPairs, formatDuration, formatPercent, recommendPatterns, rollbackScenarios } from '../../core/learning';
import type { LeverComparison, PatternRecommendation, RollbackScenario } from '../../core/learning';
import type { SidebarContext } from './sidebar';

export type PatternNode =
  | { kind: 'section'; section: 'recommendations' | 'adaptations' | 'scenarios'; count: number }
  | { kind: 'pattern'; pattern: PatternRecommendation }
  | { kind: 'pair'; source: string; target: string; differing: number; levers: LeverComparison[]; note?: string }
  | { kind: 'lever'; lever: LeverComparison; pair: string }
  | { kind: 'scenario'; scenario: RollbackScenario }
  | { kind: 'empty'; text: string };

const SECTIONS = {
  // Named for what they hold, not for the CLI commands that print them: "Recommendations" read as
  // recommendation files, and "Rollback scenarios" as rollbacks when most are failures a repair fixed.
  recommendations: { label: 'Patterns that succeed', icon: 'lightbulb', tooltip: 'Environment × stack × strategy × kind of change, ranked by the lower bound of their success rate (`deploy-agent recommendations`). Learned from your deployments; not recommendation files.', empty: 'No pattern yet: patterns come from deployments that chose a strategy and ended.' },
  adaptations: { label: 'Environment adaptations', icon: 'arrow-swap', tooltip: 'What successful deployments did differently in two environments (`deploy-agent adaptations`).', empty: 'Needs finished deployments in two environments.' },
  scenarios: { label: 'Failures and their recovery', icon: 'history', tooltip: 'Each failure seen (error pattern, step) and what recovered from it: a repair round, a retry or a rollback (`deploy-agent rollback-scenarios`).', empty: 'No failure recorded yet.' },
} as const;

export class PatternsTree implements vscode.TreeDataProvider<PatternNode> {
  private changed: vscode.EventEmitter<never | undefined> | undefined;
  private answers: Promise<Answers> | undefined;

  constructor(private readonly ctx: SidebarContext) {}

  attach<T>(_view: vscode.TreeView<T>, changed: vscode.EventEmitter<T | undefined>): void {
    this.changed = changed as unknown as vscode.EventEmitter<never | undefined>;
  }

  refresh(): void {
    this.answers = undefined;
    this.changed?.fire(undefined);
  }

  async getChildren(node?: PatternNode): Promise<PatternNode[]> {
    const answers = await (this.answers ??= this.read());
    if (!node) {
      return [
        { kind: 'section', section: 'recommendations', count: answers.patterns.length },
        { kind: 'section', section: 'adaptations', count: answers.pairs.length },
        { kind: 'section', section: 'scenarios', count: answers.scenarios.length },
      ];
    }
    switch (node.kind) {
      case 'section': {
        const children: PatternNode[] =
          node.section === 'recommendations'
            ? answers.patterns.map((pattern) => ({ kind: 'pattern', pattern }))
            : node.section === 'adaptations'
              ? answers.pairs
              : answers.scenarios.map((scenario) => ({ kind: 'scenario', scenario }));
        return children.length ? children : [{ kind: 'empty', text: SECTIONS[node.section].empty }];
      }
      case 'pair':
        return node.levers.length ? node.levers.map((lever) => ({ kind: 'lever', lever, pair: `${node.source} → ${node.target}` })) : [{ kind: 'empty', text: node.note ?? 'Nothing to compare yet.' }];
      default:
        return [];
    }
  }

  getTreeItem(node: PatternNode): vscode.TreeItem {
    const None = vscode.TreeItemCollapsibleState.None;
    switch (node.kind) {
      case 'section': {
        const section = SECTIONS[node.section];
        const item = new vscode.TreeItem(section.label, node.section === 'recommendations' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `section:${node.section}`;
        item.description = String(node.count);
        item.tooltip = section.tooltip;
        item.iconPath = new vscode.ThemeIcon(section.icon);
        return item;
      }
      case 'pattern': {
        const p = node.pattern;
        const item = new vscode.TreeItem(`${p.rank}. ${p.strategy} · ${p.category}`, None);
        item.id = `pattern:${p.id}`;
        item.description = `${p.stack} · ${p.environment} — ${p.successes}/${p.executions}, ≥ ${formatPercent(p.confidence)}`;
        item.iconPath = new vscode.ThemeIcon(p.advice === 'follow' ? 'thumbsup' : p.advice === 'avoid' ? 'thumbsdown' : 'question', new vscode.ThemeColor(p.advice === 'follow' ? 'testing.iconPassed' : p.advice === 'avoid' ? 'testing.iconFailed' : 'disabledForeground'));
        item.tooltip = markdown(
          `**${p.advice}**: ${p.strategy} · ${p.category} · ${p.stack} · ${p.environment}`,
          `${p.successes} of ${p.executions} succeeded (${formatPercent(p.successRate)}); with 95% confidence at least ${formatPercent(p.confidence)}, at most ${formatPercent(p.upperBound)}; median ${formatDuration(p.medianDurationMs)}`,
          p.why,
        );
        return item;
      }
      case 'pair': {
        const item = new vscode.TreeItem(`${node.source} → ${node.target}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `pair:${node.source}:${node.target}`;
        item.description = node.note ? 'nothing to compare' : `${node.differing} lever${node.differing === 1 ? '' : 's'} differ${node.differing === 1 ? 's' : ''}`;
        item.tooltip = markdown(`What successful deployments did in **${node.target}** compared with **${node.source}**.`, node.note ?? '');
        return item;
      }
      case 'lever': {
        const l = node.lever;
        const item = new vscode.TreeItem(`${l.differs ? '≠' : '='} ${l.lever}`, None);
        item.description = l.usual.source === l.usual.target ? (l.usual.source ?? '—') : `${l.usual.source ?? '—'} → ${l.usual.target ?? '—'}`;
        item.iconPath = new vscode.ThemeIcon(l.differs ? 'diff-modified' : 'circle-small');
        const values = (side: 'source' | 'target') => l[side].map((v) => `${v.value}: ${v.succeeded} of ${v.executions} succeeded (${formatPercent(v.successRate)})`).join('; ') || '—';
        item.tooltip = markdown(l.sentence, `${node.pair.split(' → ')[0]}: ${values('source')}`, `${node.pair.split(' → ')[1]}: ${values('target')}`);
        return item;
      }
      case 'scenario': {
        const s = node.scenario;
        const label = [s.signature.errorPattern ?? 'unknown error', s.signature.step ? `in ${s.signature.step}` : undefined].filter(Boolean).join(' ');
        const item = new vscode.TreeItem(label, None);
        item.description = `${s.failures} failure${s.failures === 1 ? '' : 's'}${s.best ? ` · best: ${s.best.action} (${formatPercent(s.best.successRate)})` : ''}`;
        item.iconPath = new vscode.ThemeIcon(s.best?.automatic ? 'wand' : 'tools');
        item.tooltip = markdown(
          s.sentence,
          s.explanation ?? '',
          s.recoveries.map((r) => `${r.action}${r.automatic ? ' (automatic)' : ''}: ${r.worked} of ${r.attempts} worked (≥ ${formatPercent(r.confidence)}), median ${formatDuration(r.medianRecoveryMs)}`).join('  \n'),
        );
        return item;
      }
      case 'empty': {
        const item = new vscode.TreeItem(node.text, None);
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
    }
  }

  /** The three answers, computed together once per refresh (each runs the learning's catch-up first). */
  private async read(): Promise<Answers> {
    const store = this.ctx.openStore();
    const patterns = recommendPatterns(store).patterns;
    const pairs: PatternNode[] = environmentPairs(store).map(({ source, target }) => {
      const a = environmentAdaptations(store, { source, target, catchUp: false });
      return { kind: 'pair', source, target, differing: a.levers.filter((l) => l.differs).length, levers: a.levers, ...(a.note ? { note: a.note } : {}) };
    });
    const scenarios = rollbackScenarios(store, { catchUp: false }).scenarios;
    return { patterns, pairs, scenarios };
  }
}

interface Answers {
  patterns: PatternRecommendation[];
  pairs: PatternNode[];
  scenarios: RollbackScenario[];
}

function markdown(...paragraphs: string[]): vscode.MarkdownString {
  return new vscode.MarkdownString(paragraphs.filter(Boolean).join('\n\n'));
}
