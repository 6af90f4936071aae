// "Before the model runs": the strategy decision (predicted success per strategy, reasons), the
// environment with its evidence, and the ranked integration points, which the user can untick or
// add to; the choice goes into the prompts.
import type { DeploymentChoiceView, PreviewView, StrategyPreviewView } from '../../../src/protocol/panel';
import { shortDuration } from '../../shared/format';
import { html, type Markup } from '../../shared/html';
import { pathText, problemBox } from './common';

const BASIS: Record<string, string> = {
  requested: 'as requested in the settings',
  override: 'a safety rule decided',
  'cold-start-rules': 'the starting rules decided (too little history for the outcome model yet)',
  model: 'the outcome model predicted it',
  'model-fallback': 'the outcome model could not clear the bar; the safest strategy was taken',
  blocked: 'the machine cannot take a deployment now',
};

export function previewLoadingView(title: string, message: string): Markup {
  return html`<header class="view-header"><div class="titles">
      <button class="link back" data-action="back" aria-label="Back to the recommendations">← Recommendations</button>
      <h1 class="clamp">${title}</h1></div></header>
    <div class="loading" role="status"><vscode-progress-ring aria-hidden="true"></vscode-progress-ring><span>${message}</span></div>`;
}

export function previewView(preview: PreviewView, choice: DeploymentChoiceView, deploying: boolean): Markup {
  const excluded = new Set(choice.excludedIntegrationPoints);
  const added = choice.addedFiles.filter((f) => !preview.integrationPoints.some((p) => p.path === f));
  const kept = preview.integrationPoints.filter((p) => !excluded.has(p.path)).length + added.length;
  return html`<header class="view-header">
      <div class="titles">
        <button class="link back" data-action="back" aria-label="Back to the recommendations">← Recommendations</button>
        <h1 class="clamp" title="${preview.title}">${preview.title}</h1>
        <p class="muted subtitle">Before the model runs: check the plan, then deploy. You review the change before anything is committed.</p>
      </div>
      <div class="actions">
        <vscode-button id="deploy" data-action="deploy" data-file="${preview.file}" ${deploying || preview.strategy.blocked ? 'disabled' : ''}>${deploying ? 'Starting…' : 'Deploy'}</vscode-button>
      </div>
    </header>
    ${preview.strategy.blocked ? html`<div class="problem" role="alert"><p class="problem-message">⚠ ${preview.strategy.blocked}</p></div>` : ''}
    ${preview.modelProblem ? html`<div data-testid="model-problem">${problemBox(preview.modelProblem)}</div>` : ''}
    <div class="columns">
      <section aria-labelledby="strategy-heading" class="card" data-testid="strategy">
        <h2 id="strategy-heading">Strategy: <span class="strong" data-testid="chosen-strategy">${preview.strategy.chosen}</span></h2>
        <p class="muted">${BASIS[preview.strategy.basis] ?? preview.strategy.basis}${preview.strategy.samples ? ` · learnt from ${preview.strategy.samples} past deployment${preview.strategy.samples === 1 ? '' : 's'} and builds` : ''}</p>
        ${predictions(preview.strategy)}
        <ul class="reasons">${preview.strategy.reasons.map((r) => html`<li>${r}</li>`)}</ul>
        <p class="levers">${levers(preview.strategy)}</p>
      </section>
      <section aria-labelledby="env-heading" class="card" data-testid="environment">
        <h2 id="env-heading">Environment: <span class="strong">${preview.environment.name}</span> <span class="muted">(${Math.round(preview.environment.confidence * 100)}% sure)</span></h2>
        ${preview.environment.evidence.length
          ? html`<ul class="evidence">${preview.environment.evidence.map((e) => html`<li class="${e.applied === false ? 'not-applied' : ''}" data-applied="${e.applied === false ? 'no' : 'yes'}">${e.value.toLowerCase().startsWith(e.source) ? '' : html`<span class="tag">${e.source}</span> `}<code class="ellipsis" title="${e.value}">${e.value}</code> → ${e.suggests}${e.applied === false ? html` <span class="tag">not counted</span>${e.note ? html`<div class="muted small">${e.note}</div>` : ''}` : ''}</li>`)}</ul>`
          : html`<p class="muted">No evidence either way: treated as ${preview.environment.name}.</p>`}
      </section>
    </div>
    <section aria-labelledby="points-heading" data-testid="integration-points">
      <h2 id="points-heading">Where the change goes <span class="count">${kept}</span></h2>
      <p class="muted">The files the analysis ranked for this recommendation, best first. The model starts from the ticked ones; untick a file it should leave alone, or add one it should look at.</p>
      ${preview.integrationPoints.length || added.length
        ? html`<ul class="points">
            ${preview.integrationPoints.map(
              (p, i) => html`<li class="point ${excluded.has(p.path) ? 'excluded' : ''}">
                <vscode-checkbox data-action="togglePoint" data-path="${p.path}" ${excluded.has(p.path) ? '' : 'checked'} aria-label="Use ${p.path}" id="point-${i}"></vscode-checkbox>
                <div class="point-main">
                  <button class="link" data-action="openWorkspaceFile" data-path="${p.path}">${pathText(p.path, 'path strong')}</button>
                  ${p.symbols.length ? html`<span class="symbols">${p.symbols.slice(0, 6).map((s) => html`<code>${s}</code>`)}</span>` : ''}
                  <span class="muted small why">${p.why}</span>
                </div>
              </li>`,
            )}
            ${added.map(
              (f) => html`<li class="point added">
                <span class="tag">added by you</span>
                <div class="point-main">${pathText(f, 'path strong')}</div>
                <vscode-button secondary data-action="removeAdded" data-path="${f}" aria-label="Remove ${f}">Remove</vscode-button>
              </li>`,
            )}
          </ul>`
        : html`<p class="empty-inline">The analysis found no file tied to this recommendation; the model will look around the repository. Add a file below to point it somewhere.</p>`}
      <div class="add-file">
        <vscode-label for="add-file">Add a file</vscode-label>
        <vscode-textfield id="add-file" placeholder="src/routes/health.js" aria-describedby="add-file-problem"></vscode-textfield>
        <vscode-button secondary data-action="addFile">Add</vscode-button>
        <p class="field-problem" id="add-file-problem" aria-live="polite"></p>
      </div>
      ${preview.suggestedLocations
        ? preview.suggestedLocations.existing
          ? html`<p class="muted small">The recommendation names the files to change: <code>${preview.suggestedLocations.code}</code> first, its tests in <code>${preview.suggestedLocations.tests}</code>.</p>`
          : html`<p class="muted small">New code would likely go in <code>${preview.suggestedLocations.code}</code>, its tests in <code>${preview.suggestedLocations.tests}</code>.</p>`
        : ''}
    </section>
    ${preview.warnings.length || preview.dataGaps.length
      ? html`<section aria-labelledby="warn-heading"><h2 id="warn-heading">Worth knowing</h2><ul class="warnings">${[...preview.dataGaps.map((g) => `Missing data: ${g}`), ...preview.warnings].map((w) => html`<li>${w}</li>`)}</ul></section>`
      : ''}
    <p class="muted small">Analysed in ${shortDuration(preview.durationMs)}.</p>`;
}

function predictions(strategy: StrategyPreviewView): Markup {
  if (!strategy.predictions.length) return html``;
  return html`<table class="predictions" aria-label="Predicted success per strategy">
    <thead><tr><th scope="col">Strategy</th><th scope="col">Predicted success</th></tr></thead>
    <tbody>${strategy.predictions.map(
      (p) => html`<tr class="${p.strategy === strategy.chosen ? 'chosen' : ''}">
        <th scope="row">${p.strategy}${p.strategy === strategy.chosen ? html` <span class="muted">(chosen)</span>` : ''}</th>
        <td><span class="bar" aria-hidden="true"><span class="fill ${p.probability >= strategy.successBar ? 'ok' : 'low'}" style="width:${Math.round(p.probability * 100)}%"></span><span class="mark" style="left:${Math.round(strategy.successBar * 100)}%"></span></span>
          <span class="pct">${Math.round(p.probability * 100)}%</span></td>
      </tr>`,
    )}</tbody>
    <caption class="muted small">The cheapest strategy at or above ${Math.round(strategy.successBar * 100)}% wins (the line in each bar).</caption>
  </table>`;
}

function levers(s: StrategyPreviewView): string {
  const l = s.levers;
  const gates = [l.typecheckGate ? 'type-check' : '', l.lintGate ? 'lint' : ''].filter(Boolean);
  return [
    `up to ${l.repairRounds} repair round${l.repairRounds === 1 ? '' : 's'}`,
    `tests: ${l.testScope === 'generated' ? 'the new ones' : l.testScope === 'related' ? 'the new and the related ones' : 'the whole suite'}`,
    gates.length ? `${gates.join(' and ')} gate${gates.length > 1 ? 's' : ''}` : 'no gates',
    `time limit ${shortDuration(l.timeLimitMs)}`,
  ].join(' · ');
}
