// Pieces every view of the panel uses: status badges, the problem box with its buttons, empty states.
import type { PanelAction, ProblemView } from '../../../src/protocol/panel';
import { html, type Markup } from '../../shared/html';
import { inlineMarkdown } from '../../shared/inline-markdown';

/** A deployment's status as a word and a glyph (never colour alone). */
const STATUS: Record<string, { label: string; glyph: string; tone: 'ok' | 'bad' | 'wait' | 'run' | 'muted' }> = {
  succeeded: { label: 'succeeded', glyph: '✓', tone: 'ok' },
  failed: { label: 'failed', glyph: '✕', tone: 'bad' },
  cancelled: { label: 'cancelled', glyph: '⊘', tone: 'muted' },
  rolled_back: { label: 'rolled back', glyph: '↺', tone: 'bad' },
  interrupted: { label: 'interrupted', glyph: '⏸', tone: 'bad' },
  // Stopped before any model or test ran (issue 11, item 17): not failures, and said so.
  'setup-failed': { label: 'could not start', glyph: '⚠', tone: 'wait' },
  refused: { label: 'refused', glyph: '⊘', tone: 'muted' },
  running: { label: 'running', glyph: '●', tone: 'run' },
  pending: { label: 'pending', glyph: '○', tone: 'muted' },
  'awaiting-review': { label: 'waiting for review', glyph: '◆', tone: 'wait' },
  shipped: { label: 'shipped', glyph: '✓', tone: 'ok' },
  discarded: { label: 'discarded', glyph: '⊘', tone: 'muted' },
};

export function statusBadge(status: string): Markup {
  const s = STATUS[status] ?? { label: status, glyph: '•', tone: 'muted' as const };
  return html`<span class="status status-${s.tone}" data-status="${status}"><span aria-hidden="true">${s.glyph}</span> ${s.label}</span>`;
}

export function actionButtons(actions: readonly PanelAction[], options: { file?: string; primaryFirst?: boolean } = {}): Markup {
  return html`${actions.map(
    (a, i) =>
      html`<vscode-button ${i === 0 && options.primaryFirst !== false ? '' : 'secondary'} data-action="panelAction" data-id="${a.id}" data-argument="${a.argument ?? ''}" data-file="${options.file ?? ''}">${a.label}</vscode-button>`,
  )}`;
}

/** A problem in the panel: what went wrong, what to do, and the buttons that do it. */
export function problemBox(problem: ProblemView, options: { file?: string } = {}): Markup {
  return html`<div class="problem" role="alert" data-code="${problem.code}">
    <p class="problem-message"><span class="glyph" aria-hidden="true">⚠</span> ${inlineMarkdown(problem.message)}</p>
    ${problem.hint ? html`<p class="problem-hint">${inlineMarkdown(problem.hint)}</p>` : ''}
    ${problem.actions.length ? html`<div class="button-row">${actionButtons(problem.actions, options)}</div>` : ''}
  </div>`;
}

export function emptyState(title: string, body: Markup | string, actions?: Markup): Markup {
  return html`<div class="empty" role="note"><p class="empty-title">${title}</p><p>${body}</p>${actions ? html`<div class="button-row">${actions}</div>` : ''}</div>`;
}

/** A path that may be long: shown whole on hover and to screen readers, cut with an ellipsis in the middle of the line only by CSS. */
export function pathText(path: string, className = 'path'): Markup {
  return html`<span class="${className}" title="${path}">${path}</span>`;
}
