// The first view: the workspace's recommendation files, each with its last deployment and a
// Deploy button; the deployment configuration the project misses (built-in recommendations, one
// click to add and deploy); the files that cannot be deployed, with the schema's problems; the
// release targets with their latest releases.
import type { MissingConfigItem, RecommendationItem, RecommendationsView, ReleasesView } from '../../../src/protocol/panel';
import { formatAgo } from '../../shared/format';
import { html, type Markup } from '../../shared/html';
import { inlineMarkdown } from '../../shared/inline-markdown';
import { emptyState, pathText, statusBadge, problemBox } from './common';

/** What is read after the list (undefined until it comes). */
export interface ListExtras {
  missing?: MissingConfigItem[];
  releases?: ReleasesView;
  /** The built-in being saved. */
  adding?: string;
}

export function recommendationsView(data: RecommendationsView, selected: string | undefined, busyFile: string | undefined, extras: ListExtras = {}): Markup {
  if (!data.workspace) {
    return html`${header(false)}${emptyState(
      'No folder is open',
      'Deploy Agent deploys a recommendation into the repository open in this window. Open the repository’s folder first.',
      html`<vscode-button data-action="panelAction" data-id="openFolder">Open Folder…</vscode-button>`,
    )}`;
  }
  const valid = data.items.filter((i) => !i.problem);
  const invalid = data.items.filter((i) => i.problem);
  return html`${header(true, data.workspace.name)}
    ${data.problem ? html`<div data-testid="workspace-problem">${problemBox(data.problem)}</div>` : ''}
    ${data.awaitingReview.length
      ? html`<section class="notice" aria-label="Waiting for review">
          <h2>Waiting for your review</h2>
          <ul class="plain">${data.awaitingReview.map(
            (d) => html`<li><span class="ellipsis" title="${d.title}">${d.title}</span> <span class="muted">· ${formatAgo(d.at)}</span>
              <vscode-button secondary data-action="openDeployment" data-deployment="${d.id}">Review</vscode-button></li>`,
          )}</ul>
        </section>`
      : ''}
    <section aria-labelledby="recs-heading">
      <h2 id="recs-heading">Recommendations <span class="count">${valid.length}</span></h2>
      ${valid.length
        ? html`<ul class="rec-list" data-testid="recommendations">${valid.map((item) => recommendationRow(item, item.file === selected, busyFile))}</ul>`
        : emptyState(
            'No recommendations yet',
            html`A recommendation describes one change in words: a title, what to do and why, and how to tell it is done. Write one with <strong>New recommendation</strong>, or put JSON files in <code>.deploy-agent/recommendations/</code> (or name them <code>*.recommendation.json</code>).`,
            html`<vscode-button data-action="newRecommendation">New recommendation</vscode-button>`,
          )}
    </section>
    ${extras.missing?.length ? missingSection(extras.missing, extras.adding) : ''}
    ${invalid.length
      ? html`<section aria-labelledby="invalid-heading">
          <h2 id="invalid-heading">Cannot be deployed <span class="count">${invalid.length}</span></h2>
          <ul class="rec-list invalid" data-testid="invalid-recommendations">${invalid.map(invalidRow)}</ul>
        </section>`
      : ''}
    ${extras.releases ? releasesSection(extras.releases) : ''}`;
}

function missingSection(items: MissingConfigItem[], adding: string | undefined): Markup {
  return html`<section aria-labelledby="missing-heading" data-testid="missing-config">
    <h2 id="missing-heading">Deployment configuration the project misses <span class="count">${items.length}</span></h2>
    <p class="muted">Built-in recommendations, filled in from the project’s profile. <strong>Add &amp; deploy</strong> saves one in <code>.deploy-agent/recommendations/</code> and deploys it like any other: tested in a sandbox, checked, reviewed before it is committed.</p>
    <ul class="rec-list">${items.map((item) => missingRow(item, adding))}</ul>
  </section>`;
}

function missingRow(item: MissingConfigItem, adding: string | undefined): Markup {
  const busy = adding === item.id;
  return html`<li class="rec builtin" data-builtin="${item.id}">
    <div class="rec-main">
      <div class="rec-title-line"><span class="rec-title" title="${item.title}">${item.title}</span><span class="tag">deployment-config</span></div>
      <p class="rec-description" title="${item.description}">${item.why[0]!.toUpperCase()}${item.why.slice(1)}.</p>
      <div class="rec-meta muted">${item.files.map((f, i) => html`${i ? ', ' : ''}<code>${f}</code>`)}${item.templated ? '' : html` · <span title="${item.unknowns.join('\n')}">no template fits: the model writes ${item.files.length === 1 ? 'it' : 'them'}</span>`}</div>
    </div>
    <div class="rec-status"></div>
    <div class="rec-actions">
      <vscode-button secondary data-action="addBuiltin" data-id="${item.id}" ${adding ? 'disabled' : ''} aria-label="${item.title}: add and deploy">${busy ? 'Adding…' : 'Add & deploy…'}</vscode-button>
    </div>
  </li>`;
}

function releasesSection(data: ReleasesView): Markup {
  if (!data.targets.length && !data.recent.length && !data.problem) return html``;
  return html`<section aria-labelledby="releases-heading" data-testid="releases">
    <h2 id="releases-heading">Release targets <span class="count">${data.targets.length}</span></h2>
    ${data.problem ? html`<p class="step-error">${data.problem}</p>` : ''}
    ${data.targets.length
      ? html`<ul class="rec-list">${data.targets.map(
          (t) => html`<li class="rec target" data-target="${t.name}">
            <div class="rec-main">
              <div class="rec-title-line"><span class="rec-title" title="${t.name}">${t.name}</span><span class="tag">${t.environment}</span></div>
              <div class="rec-meta muted">${t.type === 'local' ? 'this machine' : t.hosts.join(', ')} · ${pathText(t.path)}</div>
            </div>
            <div class="rec-status">
              ${t.last
                ? html`<button class="link" data-action="openDeployment" data-deployment="${t.last.id}" aria-label="Open the last release to ${t.name} (${t.last.status})">${statusBadge(t.last.status)}</button>
                    <span class="muted small">${t.last.mode === 'rollback' ? 'rolled back ' : ''}${formatAgo(t.last.at)}</span>`
                : html`<span class="muted small">never released</span>`}
            </div>
            <div class="rec-actions"><vscode-button secondary data-action="panelAction" data-id="releaseTarget" data-argument="${t.name}" aria-label="Release to ${t.name}">Release to ${t.name}</vscode-button></div>
          </li>`,
        )}</ul>`
      : ''}
    ${data.recent.length
      ? html`<h3>Latest releases</h3><ul class="plain recent-releases">${data.recent.map(
          (r) => html`<li>${statusBadge(r.status)} <button class="link ellipsis" data-action="openDeployment" data-deployment="${r.id}" title="${r.title}">${r.title}</button> <span class="muted small">· ${formatAgo(r.at)}</span></li>`,
        )}</ul>`
      : ''}
  </section>`;
}

function header(withActions: boolean, workspace?: string): Markup {
  return html`<header class="view-header">
    <div class="titles"><h1>Deploy a recommendation</h1>${workspace ? html`<p class="muted subtitle">into <strong class="ellipsis">${workspace}</strong>, tested in a sandbox; nothing changes in your working tree until you ship.</p>` : ''}</div>
    ${withActions
      ? html`<div class="actions">
          <vscode-button data-action="newRecommendation" secondary>New recommendation</vscode-button>
          <vscode-button data-action="chooseFile" secondary title="A recommendation file anywhere on disk">Deploy a file…</vscode-button>
          <vscode-button data-action="refresh" secondary aria-label="Refresh the list">Refresh</vscode-button>
        </div>`
      : ''}
  </header>`;
}

function recommendationRow(item: RecommendationItem, selected: boolean, busyFile: string | undefined): Markup {
  const busy = busyFile === item.file;
  return html`<li class="rec ${selected ? 'selected' : ''}" data-file="${item.file}" ${selected ? 'aria-current="true"' : ''}>
    <div class="rec-main">
      <div class="rec-title-line">
        <span class="rec-title" title="${item.title ?? ''}">${item.title}</span>
        ${item.category ? html`<span class="tag">${item.category}</span>` : ''}
        ${item.priority && item.priority !== 'medium' ? html`<span class="tag tag-${item.priority}">${item.priority}</span>` : ''}
      </div>
      ${item.description ? html`<p class="rec-description">${inlineMarkdown(item.description)}</p>` : ''}
      <div class="rec-meta">
        <button class="link" data-action="openFile" data-file="${item.file}" aria-label="Open ${item.relativePath}">${pathText(item.relativePath)}</button>
      </div>
    </div>
    <div class="rec-status">
      ${item.last
        ? html`<button class="link" data-action="openDeployment" data-deployment="${item.last.id}" aria-label="Open the last deployment (${item.last.status})">${statusBadge(item.last.status)}</button>
            <span class="muted small">${formatAgo(item.last.at)}</span>`
        : html`<span class="muted small">never deployed</span>`}
    </div>
    <div class="rec-actions">
      <vscode-button data-action="preview" data-file="${item.file}" ${busy ? 'disabled' : ''} aria-label="Deploy ${item.title ?? item.relativePath}">${busy ? 'Analysing…' : 'Deploy…'}</vscode-button>
    </div>
  </li>`;
}

function invalidRow(item: RecommendationItem): Markup {
  const problem = item.problem!;
  return html`<li class="rec" data-file="${item.file}">
    <div class="rec-main">
      <div class="rec-title-line"><span class="glyph bad" aria-hidden="true">✕</span> ${pathText(item.relativePath, 'path strong')}</div>
      ${problem.problems.length
        ? html`<ul class="problems">${problem.problems.map((p) => html`<li>${p}</li>`)}</ul>`
        : html`<p class="problems">${problem.message}</p>`}
      <p class="muted small">${problem.hint}</p>
    </div>
    <div class="rec-actions"><vscode-button secondary data-action="openFile" data-file="${item.file}" aria-label="Open ${item.relativePath} to fix it">Open to fix</vscode-button></div>
  </li>`;
}
