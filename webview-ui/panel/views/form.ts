// "New recommendation": a form checked against the recommendation schema as the user types (the
// host runs core's validation and sends the problems back; the panel holds no copy of the schema).
import type { FieldProblem, RecommendationDraft } from '../../../src/protocol/panel';
import { html, type Markup } from '../../shared/html';

export function emptyDraft(): RecommendationDraft {
  return { title: '', description: '', category: '', acceptanceCriteria: [''], targetFiles: [] };
}

export function formView(draft: RecommendationDraft, categories: readonly string[], priorities: readonly string[]): Markup {
  const criteria = draft.acceptanceCriteria.length ? draft.acceptanceCriteria : [''];
  return html`<header class="view-header">
      <div class="titles">
        <button class="link back" data-action="back" aria-label="Back to the recommendations">← Recommendations</button>
        <h1>New recommendation</h1>
        <p class="muted subtitle">Saved as a JSON file in <code>.deploy-agent/recommendations/</code>; it is checked against the recommendation schema as you type.</p>
      </div>
    </header>
    <form id="recommendation-form" class="form" novalidate aria-describedby="form-problem">
      <div class="field">
        <vscode-label for="f-title" required>Title</vscode-label>
        <vscode-textfield id="f-title" data-field="title" value="${draft.title}" placeholder="e.g. Add a /health endpoint" aria-describedby="p-title h-title"></vscode-textfield>
        <p class="help" id="h-title">Short (72 characters at most); it becomes the branch name, the commit title and the pull request title.</p>
        <p class="field-problem" id="p-title" aria-live="polite"></p>
      </div>
      <div class="field">
        <vscode-label for="f-description" required>Description</vscode-label>
        <vscode-textarea id="f-description" data-field="description" rows="5" value="${draft.description}" placeholder="e.g. Load balancers need a cheap liveness check: answer GET /health with 200." aria-describedby="p-description"></vscode-textarea>
        <p class="field-problem" id="p-description" aria-live="polite"></p>
      </div>
      ${choiceField('category', 'Category', categories, draft.category)}
      ${choiceField('priority', 'Priority', priorities, draft.priority ?? '')}
      <fieldset class="field">
        <legend>Acceptance criteria <span class="muted">(each becomes one of the first tests)</span></legend>
        <ol class="criteria" id="criteria">
          ${criteria.map((c, i) => criterionRow(c, i))}
        </ol>
        <vscode-button secondary data-action="addCriterion">Add a criterion</vscode-button>
      </fieldset>
      <div class="field">
        <vscode-label for="f-targets">Target files <span class="muted">(optional, one per line)</span></vscode-label>
        <vscode-textarea id="f-targets" data-field="targetFiles" rows="3" value="${draft.targetFiles.join('\n')}" placeholder="e.g. src/app.js" aria-describedby="p-targetFiles"></vscode-textarea>
        <p class="field-problem" id="p-targetFiles" aria-live="polite"></p>
      </div>
      <p class="field-problem" id="form-problem" role="alert"></p>
      <div class="button-row">
        <vscode-button id="save-recommendation" data-action="saveDraft">Save recommendation</vscode-button>
        <vscode-button secondary data-action="back">Cancel</vscode-button>
      </div>
    </form>`;
}

/** An optional choice among the schema's values ('(none)' first), with its problem slot. */
function choiceField(field: 'category' | 'priority', label: string, choices: readonly string[], value: string): Markup {
  return html`<div class="field">
        <vscode-label for="f-${field}">${label}</vscode-label>
        <vscode-single-select id="f-${field}" data-field="${field}" aria-describedby="p-${field}">
          <vscode-option value="" ${value ? '' : 'selected'}>(none)</vscode-option>
          ${choices.map((c) => html`<vscode-option value="${c}" ${value === c ? 'selected' : ''}>${c}</vscode-option>`)}
        </vscode-single-select>
        <p class="field-problem" id="p-${field}" aria-live="polite"></p>
      </div>`;
}

export function criterionRow(text: string, index: number): Markup {
  return html`<li class="criterion">
    <vscode-textfield data-field="criterion" data-index="${index}" value="${text}" aria-label="Acceptance criterion ${index + 1}" placeholder="e.g. GET /health answers 200 with {&quot;ok&quot;: true}" aria-describedby="p-criterion-${index}"></vscode-textfield>
    <vscode-button secondary data-action="removeCriterion" data-index="${index}" aria-label="Remove criterion ${index + 1}">Remove</vscode-button>
    <p class="field-problem" id="p-criterion-${index}" aria-live="polite"></p>
  </li>`;
}

/** Reads the form back into a draft. */
export function readDraft(root: ParentNode): RecommendationDraft {
  const value = (selector: string) => ((root.querySelector(selector) as unknown as { value?: string } | null)?.value ?? '').toString();
  const criteria = [...root.querySelectorAll('[data-field="criterion"]')].map((el) => String((el as unknown as { value?: string }).value ?? ''));
  return {
    title: value('#f-title'),
    description: value('#f-description'),
    category: value('#f-category'),
    priority: value('#f-priority'),
    acceptanceCriteria: criteria,
    targetFiles: value('#f-targets')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  };
}

/**
 * Shows the problems under their fields; a field the user has not touched yet stays quiet
 * (unless `all`, after "Save"). Returns whether the draft is valid.
 */
export function showProblems(root: ParentNode, problems: readonly FieldProblem[], touched: ReadonlySet<string>, all: boolean): boolean {
  for (const el of root.querySelectorAll('.field-problem')) el.textContent = '';
  for (const el of root.querySelectorAll('[data-field]')) el.removeAttribute('invalid');
  const general: string[] = [];
  for (const problem of problems) {
    const { key, target } = placeOf(problem.field);
    if (!all && !touched.has(key)) continue;
    const slot = root.querySelector(`#${target}`);
    if (slot) {
      slot.textContent = slot.textContent ? `${slot.textContent} ${problem.message}` : problem.message;
      const field = key.startsWith('criterion-') ? root.querySelector(`[data-field="criterion"][data-index="${key.slice('criterion-'.length)}"]`) : root.querySelector(`[data-field="${key}"]`);
      field?.setAttribute('invalid', '');
    } else general.push(problem.message);
  }
  const form = root.querySelector('#form-problem');
  if (form) form.textContent = general.join(' ');
  return problems.length === 0;
}

/** Which field (and which message slot) a schema problem belongs to. */
function placeOf(field: string): { key: string; target: string } {
  const criterion = /^acceptanceCriteria\[(\d+)\]/.exec(field);
  if (criterion) return { key: `criterion-${criterion[1]}`, target: `p-criterion-${criterion[1]}` };
  const top = field.split(/[.[]/)[0] ?? '';
  if (top === 'acceptanceCriteria') return { key: 'criterion-0', target: 'p-criterion-0' };
  if (['title', 'description', 'category', 'priority', 'targetFiles'].includes(top)) return { key: top, target: `p-${top}` };
  return { key: '', target: 'form-problem' };
}
