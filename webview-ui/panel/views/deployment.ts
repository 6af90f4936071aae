// A deployment, live or reopened: the steps with their state and duration, the tool calls of each
// agent phase, the repair rounds with the failing output and the error pattern, tokens and cost
// per phase, and the model's streamed output (collapsed by default).
import type { DeploymentHeader } from '../../../src/protocol/panel';
import { usd, count, shortDuration } from '../../shared/format';
import { html, type Markup } from '../../shared/html';
import { statusBadge } from './common';
import { toolsOfPhase, totals, type RepairRoundModel, type StepModel, type Timeline } from '../timeline';

/** Which agent phase runs in which step (its tool calls are listed under the step). */
const PHASE_OF_STEP: Record<string, string> = { implement: 'implement', 'write-tests': 'tests', repair: 'fix' };

export const GLYPH: Record<StepModel['state'], string> = { pending: '○', running: '◐', succeeded: '✓', failed: '✕', skipped: '–', cancelled: '⊘', interrupted: '⏸', unreached: '·' };
export const STATE_LABEL: Record<StepModel['state'], string> = { pending: 'not started', running: 'running', succeeded: 'done', failed: 'failed', skipped: 'skipped', cancelled: 'cancelled', interrupted: 'interrupted', unreached: 'not reached' };

export function deploymentHeaderView(header: DeploymentHeader, timeline: Timeline, status: string, running: boolean): Markup {
  return html`<header class="view-header">
    <div class="titles">
      <button class="link back" data-action="back" aria-label="Back to the recommendations">← Recommendations</button>
      <h1 class="clamp" title="${header.title}">${header.title}</h1>
      <p class="muted subtitle">Deployment <code>${header.id}</code> · ${header.mode} mode${timeline.startedAt ? ` · started ${new Date(timeline.startedAt).toLocaleTimeString()}` : ''}${timeline.finished ? ` · ${shortDuration(timeline.finished.durationMs)}` : ''}
        · <span data-testid="deployment-status">${statusBadge(status)}</span></p>
    </div>
    <div class="actions">
      ${running ? html`<vscode-button id="cancel" secondary data-action="cancel" data-deployment="${header.id}">Cancel</vscode-button>` : ''}
    </div>
  </header>`;
}

export function stepsView(timeline: Timeline): Markup {
  return html`<section aria-labelledby="steps-heading">
    <h2 id="steps-heading">Steps</h2>
    <ol class="timeline" data-testid="timeline">${timeline.steps.filter((s) => !OPTIONAL_UNTIL_RUN.has(s.name) || (s.state !== 'pending' && s.state !== 'unreached')).map((s) => stepRow(s, timeline))}</ol>
  </section>`;
}

/** Steps shown only once they run (a dry run or a review never gets to them; the ship steps appear when shipping). */
const OPTIONAL_UNTIL_RUN = new Set(['commit', 'push', 'pull-request', 'retest']);

function stepRow(step: StepModel, timeline: Timeline): Markup {
  const phase = PHASE_OF_STEP[step.name];
  const tools = phase ? toolsOfPhase(timeline, phase) : [];
  const detail = step.error ? html`<p class="step-error">${step.error.message}</p>` : step.progress ? html`<p class="step-progress">${step.progress}</p>` : step.summary ? html`<p class="muted step-summary">${step.summary}</p>` : '';
  const warned = step.state === 'succeeded' && Boolean(step.attention);
  return html`<li class="step step-${step.state}${warned ? ' step-attention' : ''}" data-step="${step.name}" data-state="${step.state}"${warned ? html` data-attention="${step.attention}"` : ''}>
    <span class="step-glyph" aria-hidden="true">${warned ? '⚠' : GLYPH[step.state]}</span>
    <div class="step-body">
      <div class="step-line"><span class="step-title">${step.title}</span><span class="sr-only">, ${warned ? `done with a warning: ${step.attention}` : STATE_LABEL[step.state]}</span>
        <span class="step-duration muted">${step.durationMs !== undefined ? shortDuration(step.durationMs) : step.state === 'running' ? 'running…' : step.state === 'unreached' ? 'not reached' : ''}</span></div>
      ${detail}
      ${warned ? html`<p class="step-warning">${step.attention}</p>` : ''}
      ${step.name === 'repair' ? timeline.repairs.map(repairRound) : ''}
      ${tools.length
        ? html`<details class="tools" ${step.state === 'running' ? 'open' : ''}><summary>${tools.length} tool call${tools.length === 1 ? '' : 's'}</summary><ul class="tool-list">${tools.map(
            (t) => html`<li class="${t.ok ? '' : 'bad'}"><code>${t.name}</code> ${t.path ? html`<span class="path" title="${t.path}">${t.path}</span>` : ''}${t.ok ? '' : html` <span class="muted">— ${t.error ?? 'refused'}</span>`}</li>`,
          )}</ul></details>`
        : ''}
    </div>
  </li>`;
}

function repairRound(round: RepairRoundModel): Markup {
  return html`<div class="repair" data-testid="repair-round">
    <p><strong>${round.escalation ? 'Escalated round' : `Round ${round.round} of ${round.limit}`}</strong>${round.pattern ? html` · error pattern <code>${round.pattern.id}</code>: ${round.pattern.explanation}` : ' · no known error pattern matched'}${
      round.after ? html` · afterwards ${round.after.passed} passed, ${round.after.failed} failed` : ''
    }</p>
    <details><summary>The failing output it answered</summary><pre class="output">${round.failingOutput}</pre></details>
  </div>`;
}

export function usageView(timeline: Timeline): Markup {
  if (!timeline.usage.length) return html``;
  const total = totals(timeline);
  return html`<section aria-labelledby="usage-heading">
    <h2 id="usage-heading">Model usage</h2>
    <table class="grid" data-testid="usage">
      <thead><tr><th scope="col">Phase</th><th scope="col">Provider · model</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Tokens in</th><th scope="col" class="num">Tokens out</th><th scope="col" class="num">Cost</th></tr></thead>
      <tbody>${timeline.usage.map(
        (u) => html`<tr><th scope="row">${u.phase}</th><td><span class="ellipsis" title="${u.provider} · ${u.model}">${u.provider} · ${u.model}</span></td><td class="num">${u.calls}${u.cached ? html` <span class="muted">(${u.cached} cached)</span>` : ''}</td><td class="num">${count(u.inputTokens)}</td><td class="num">${count(u.outputTokens)}</td><td class="num">${usd(u.costUsd)}</td></tr>`,
      )}</tbody>
      <tfoot><tr><th scope="row">Total</th><td></td><td></td><td class="num">${count(total.inputTokens)}</td><td class="num">${count(total.outputTokens)}</td><td class="num">${usd(total.costUsd)}</td></tr></tfoot>
    </table>
  </section>`;
}

export function outputView(timeline: Timeline, open: boolean, live: boolean): Markup {
  const chars = timeline.output.reduce((n, o) => n + o.text.length, 0);
  const phases = timeline.output.length;
  // A reopened deployment shows the words its transcripts recorded; one that ran before transcripts has none.
  const empty = live || !timeline.startedAt ? 'nothing yet' : 'none recorded';
  return html`<vscode-collapsible id="model-output" heading="Model output" description="${chars ? `${count(chars)} characters, ${phases} phase${phases === 1 ? '' : 's'}` : empty}" ${open ? 'open' : ''}>
    <div class="output-phases">${phases
      ? timeline.output.map((o) => html`<h3 class="phase-name">${o.phase}</h3><pre class="output" data-phase="${o.phase}">${o.text}</pre>`)
      : live
        ? html`<p class="muted">The model’s words appear here as they stream (its tool calls are listed under each step).</p>`
        : html`<p class="muted">No words of the model were recorded for this deployment (it made no model call, or ran before transcripts were kept).</p>`}</div>
  </vscode-collapsible>`;
}
