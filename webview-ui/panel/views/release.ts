// A release of the application to a target, live or reopened: where it goes (target, hosts,
// folder), how (the strategy, its batches and why), each step with each host's part (state,
// duration, error), the recoveries tried, the health check, and what to do next (Roll Back,
// Release again, the report).
import type { DeploymentHeader, PanelAction, ReleaseHeaderView } from '../../../src/protocol/panel';
import { shortDuration } from '../../shared/format';
import { html, type Markup } from '../../shared/html';
import type { HostRunModel, RecoveryModel, ReleasePlanModel, StepModel, Timeline } from '../timeline';
import { actionButtons, pathText, statusBadge } from './common';
import { GLYPH, STATE_LABEL } from './deployment';

const HOST_GLYPH: Record<HostRunModel['state'], string> = { running: '◐', succeeded: '✓', failed: '✕', cancelled: '⊘' };
const HOST_LABEL: Record<HostRunModel['state'], string> = { running: 'running', succeeded: 'done', failed: 'failed', cancelled: 'cancelled' };

/** How each strategy rolls out (how long it is watched is said beside: the target may set it). */
const STRATEGY: Record<string, string> = {
  conservative: 'one host at a time, each healthy before the next',
  balanced: 'half the hosts at a time, each batch healthy before the next',
  aggressive: 'every host at once',
};

/** What a recovery did, in words (core's action names). */
const ACTION: Record<string, string> = {
  retry: 'ran the command again',
  reconnect: 'connected again and ran the step again',
  'prune-and-retry': 'pruned old releases and caches, then ran it again',
  'fix-permissions': 'fixed the permissions, then ran it again',
  'stop-own-process': 'stopped this target’s own earlier process',
  'wait-and-retry': 'waited and asked again',
  rollback: 'rolled back',
};

function where(release: ReleaseHeaderView): string {
  return release.type === 'local' ? 'this machine' : release.hosts.length === 1 ? release.hosts[0]! : `${release.hosts.length} hosts`;
}

export function releaseHeaderView(header: DeploymentHeader, timeline: Timeline, status: string, running: boolean): Markup {
  const release = header.release!;
  const plan = timeline.releasePlan;
  const title = release.mode === 'rollback' ? `Roll back ${release.target}` : `Release to ${release.target}`;
  const what = plan ? (release.mode === 'rollback' ? html` to <code title="${plan.release}">${plan.release}</code>` : html` · <code title="${plan.commit}">${plan.ref} ${plan.commit.slice(0, 7)}</code>`) : '';
  return html`<header class="view-header">
    <div class="titles">
      <button class="link back" data-action="back" aria-label="Back to the recommendations">← Recommendations</button>
      <h1 class="clamp" title="${title}">${title}</h1>
      <p class="muted subtitle">${release.mode === 'rollback' ? 'Rollback' : 'Release'} <code>${header.id}</code>${what} · ${release.environment} · ${where(release)} ${pathText(release.path)}${
        timeline.startedAt ? ` · started ${new Date(timeline.startedAt).toLocaleTimeString()}` : ''
      }${timeline.finished ? ` · ${shortDuration(timeline.finished.durationMs)}` : ''}
        · <span data-testid="deployment-status">${statusBadge(status)}</span></p>
    </div>
    <div class="actions">${running ? html`<vscode-button id="cancel" secondary data-action="cancel" data-deployment="${header.id}">Cancel</vscode-button>` : actionButtons(nextActions(header, timeline), { primaryFirst: false })}</div>
  </header>`;
}

/** What can follow an ended release: roll its target back (only from the target's latest), release again, read the report. */
function nextActions(header: DeploymentHeader, timeline: Timeline): PanelAction[] {
  const release = header.release!;
  const actions: PanelAction[] = [];
  const reached = timeline.finished?.status === 'succeeded';
  if (release.latest && reached && release.mode === 'release') actions.push({ id: 'rollBackTarget', label: 'Roll Back', argument: release.target });
  actions.push({ id: 'releaseTarget', label: release.mode === 'rollback' || !reached ? `Release to ${release.target}` : 'Release again', argument: release.target });
  if (timeline.finished && timeline.finished.status !== 'refused') actions.push({ id: 'openReport', label: 'Open Report', argument: header.id });
  return actions;
}

export function releasePlanView(plan: ReleasePlanModel | undefined, release: ReleaseHeaderView): Markup {
  if (!plan) return html``;
  const batches = plan.batches.length;
  const hostCount = plan.batches.reduce((n, b) => n + b.length, 0);
  if (release.mode === 'rollback') {
    // A rollback has no strategy to choose: it switches every host back at once, with no upload or build.
    return html`<section aria-labelledby="plan-heading" class="card release-plan" data-testid="release-plan">
      <h2 id="plan-heading">Back to <code title="releases/${plan.release}">${plan.release}</code></h2>
      <p class="muted">Every host switched back at once and restarted: no upload, no build, not watched.</p>
    </section>`;
  }
  return html`<section aria-labelledby="plan-heading" class="card release-plan" data-testid="release-plan">
    <h2 id="plan-heading">Strategy: <span class="strong" data-testid="release-strategy">${plan.strategy}</span></h2>
    <p class="muted">${STRATEGY[plan.strategy] ?? ''}</p>
    <ul class="facts">
      <li><span class="muted">Release folder</span> <code class="ellipsis" title="releases/${plan.release}">releases/${plan.release}</code></li>
      <li><span class="muted">Hosts</span> ${batches > 1 ? html`${batches} batches: ${plan.batches.map((b, i) => html`${i ? ' → ' : ''}<span class="batch">${b.join(', ')}</span>`)}` : hostCount === 1 ? 'one, switched alone' : `all ${hostCount} in one batch`}</li>
      <li><span class="muted">Watched after the switch</span> ${plan.watchMinutes ? `${plan.watchMinutes} min` : 'no'}</li>
    </ul>
    ${plan.reasons.length ? html`<p class="muted small">Why:</p><ul class="reasons">${plan.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : ''}
  </section>`;
}

export function releaseStepsView(timeline: Timeline, multiHost: boolean): Markup {
  return html`<section aria-labelledby="steps-heading">
    <h2 id="steps-heading">Steps</h2>
    <ol class="timeline" data-testid="timeline">${timeline.steps.map((s) => stepRow(s, multiHost))}</ol>
  </section>`;
}

function stepRow(step: StepModel, multiHost: boolean): Markup {
  const hosts = step.hosts ?? [];
  // With one host its part is the step: its error is the step's. With several, each host says its own.
  const perHost = multiHost && hosts.length > 0;
  const error = step.error ?? hosts.find((h) => h.error)?.error;
  const detail = !perHost && error ? html`<p class="step-error">${error.message}</p>` : step.progress ? html`<p class="step-progress">${step.progress}</p>` : step.summary ? html`<p class="muted step-summary">${step.summary}</p>` : '';
  return html`<li class="step step-${step.state}" data-step="${step.name}" data-state="${step.state}">
    <span class="step-glyph" aria-hidden="true">${GLYPH[step.state]}</span>
    <div class="step-body">
      <div class="step-line"><span class="step-title">${step.title}</span><span class="sr-only">, ${STATE_LABEL[step.state]}</span>
        <span class="step-duration muted">${step.durationMs !== undefined ? shortDuration(step.durationMs) : step.state === 'running' ? 'running…' : step.state === 'unreached' ? 'not reached' : ''}</span></div>
      ${detail}
      ${perHost
        ? html`<ul class="hosts" aria-label="${step.title} per host">${hosts.map(
            (h) => html`<li class="host host-${h.state}" data-host="${h.host}" data-state="${h.state}"><span class="glyph" aria-hidden="true">${HOST_GLYPH[h.state]}</span>
              <span class="host-name" title="${h.host}">${h.host}</span><span class="sr-only">, ${HOST_LABEL[h.state]}</span>
              <span class="muted host-duration">${h.durationMs !== undefined ? shortDuration(h.durationMs) : h.state === 'running' ? 'running…' : ''}</span>
              ${h.error ? html`<span class="step-error host-error">${h.error.message}</span>` : ''}</li>`,
          )}</ul>`
        : ''}
    </div>
  </li>`;
}

export function recoveriesView(timeline: Timeline, multiHost: boolean): Markup {
  if (!timeline.recoveries.length) return html``;
  const titleOf = (step: string) => timeline.steps.find((s) => s.name === step)?.title ?? step;
  return html`<section aria-labelledby="recoveries-heading" data-testid="recoveries">
    <h2 id="recoveries-heading">Recoveries <span class="count">${timeline.recoveries.length}</span></h2>
    <ul class="recoveries">${timeline.recoveries.map((r) => recoveryRow(r, titleOf(r.step), multiHost))}</ul>
  </section>`;
}

function recoveryRow(r: RecoveryModel, stepTitle: string, multiHost: boolean): Markup {
  return html`<li class="recovery ${r.worked ? 'ok' : 'bad'}" data-pattern="${r.patternId ?? ''}"><span class="glyph" aria-hidden="true">${r.worked ? '✓' : '✕'}</span>
    <span><strong>${stepTitle}</strong>${multiHost ? html` on <span class="host-name">${r.host}</span>` : ''}: ${ACTION[r.action] ?? r.action}${r.patternId ? html` for <code>${r.patternId}</code>` : ''}
    — ${r.worked ? `worked${r.recoveredMs !== null ? ` after ${shortDuration(r.recoveredMs)}` : ''}` : 'did not work'}${r.detail ? html` <span class="muted">(${r.detail})</span>` : ''}</span></li>`;
}
