// Review and ship: the changed files with their diffs, the generated tests with their results,
// the requirement → files → tests table, the gates; then one click each to commit, push and open
// the pull request, or discard.
import type { ProblemView, RequirementView, ReviewView, ShipAction } from '../../../src/protocol/panel';
import { formatAgo, shortDuration } from '../../shared/format';
import { html, type Markup } from '../../shared/html';
import { pathText, problemBox } from './common';

export interface ShippingState {
  running?: ShipAction;
  problem?: ProblemView;
  message?: string;
}

export function reviewView(review: ReviewView, shipping: ShippingState): Markup {
  const insertions = review.files.reduce((n, f) => n + f.insertions, 0);
  const deletions = review.files.reduce((n, f) => n + f.deletions, 0);
  const waiting = review.status === 'awaiting-review';
  const busy = Boolean(shipping.running);
  return html`<section aria-labelledby="review-heading" class="review" data-testid="review">
    <h2 id="review-heading">Review</h2>
    <p class="summary-line">
      <strong>${review.files.length} file${review.files.length === 1 ? '' : 's'}</strong> changed, <span class="plus">+${insertions}</span> <span class="minus">−${deletions}</span>
      · tests: <span data-testid="test-counts">${review.counts.passed} passed, ${review.counts.failed} failed${review.counts.skipped ? `, ${review.counts.skipped} skipped` : ''}</span>${review.testDurationMs !== undefined ? ` in ${shortDuration(review.testDurationMs)}` : ''}
      ${review.testedAt ? html`<span class="muted">(${formatAgo(review.testedAt)})</span>` : ''}
    </p>
    ${review.worktree && waiting ? html`<p class="muted small">The change waits in a sandbox worktree (<span class="path" title="${review.worktree}">${review.worktree}</span>). Edit it on the right side of a diff, then run the tests again; your own working tree is untouched.</p>` : ''}
    ${waiting && review.changedSinceTests ? html`<p class="notice-line" role="status"><span class="glyph" aria-hidden="true">✎</span> The sandbox changed since its tests ran (your edits): run the tests again, or ship — shipping checks it again first.</p>` : ''}
    ${review.checkProblems?.length ? html`<div class="problem" role="alert"><p class="problem-message">⚠ The last check found problems</p><ul>${review.checkProblems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}

    <h3>Changed files</h3>
    ${review.files.length
      ? html`<table class="grid files" data-testid="changed-files">
          <thead><tr><th scope="col">File</th><th scope="col" class="num">Lines</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>${review.files.map(
            (f) => html`<tr data-path="${f.path}">
              <td>${pathText(f.path)} ${f.test ? html`<span class="tag">test</span>` : ''} ${f.status !== 'modified' ? html`<span class="tag">${f.status}</span>` : ''}</td>
              <td class="num"><span class="plus">+${f.insertions}</span> <span class="minus">−${f.deletions}</span></td>
              <td class="row-actions"><vscode-button secondary data-action="openDiff" data-path="${f.path}" aria-label="Open the diff of ${f.path}">Open diff</vscode-button></td>
            </tr>`,
          )}</tbody>
        </table>`
      : html`<p class="empty-inline">The model changed no file.</p>`}

    <h3>Generated tests</h3>
    ${review.tests.length
      ? html`<div class="test-files" data-testid="generated-tests">${review.tests.map(
          (file) => html`<div class="test-file">
            <div class="test-file-head"><button class="link" data-action="openTest" data-path="${file.path}">${pathText(file.path, 'path strong')}</button>
              ${file.generated ? html`<span class="tag">written by the model</span>` : ''}
              <span class="muted small">${testCounts(file)}</span></div>
            ${file.cases.length ? '' : html`<p class="muted small">The test runner reported counts only, without the tests’ names.</p>`}
            <ul class="cases">${file.cases.map(
              (c) => html`<li class="case case-${c.status}" data-status="${c.status}">
                <span class="glyph" aria-hidden="true">${c.status === 'passed' ? '✓' : c.status === 'failed' ? '✕' : '–'}</span><span class="sr-only">${c.status}: </span>
                <button class="link case-name" data-action="openTest" data-path="${file.path}" data-line="${c.line ?? ''}" title="Open ${file.path}${c.line ? ` at line ${c.line}` : ''}">${c.name}</button>
                ${c.message ? html`<pre class="output failure">${c.message}</pre>` : ''}
              </li>`,
            )}</ul>
          </div>`,
        )}</div>`
      : html`<p class="empty-inline">No test results to show: ${review.counts.passed + review.counts.failed ? 'the runner reported counts only.' : 'no tests ran.'}</p>`}
    ${review.testCommand ? html`<p class="muted small">Ran <code>${review.testCommand}</code> in the sandbox.</p>` : ''}

    ${review.requirements.length ? requirementsView(review.requirements) : ''}

    ${review.gates.length
      ? html`<h3>Gates</h3>
        <ul class="gates" data-testid="gates">${review.gates.map(
          (g) => html`<li class="${g.skipped ? 'muted' : g.ok ? 'ok' : 'bad'}"><span class="glyph" aria-hidden="true">${g.skipped ? '–' : g.ok ? '✓' : '✕'}</span>
            <strong>${g.gate}</strong> ${g.skipped ? `skipped: ${g.skipped}` : g.ok ? 'passed' : `${g.problems.length} problem${g.problems.length === 1 ? '' : 's'}`}${g.command ? html` <code class="muted">${g.command}</code>` : ''}
            ${!g.ok && g.problems.length ? html`<pre class="output">${g.problems.join('\n')}</pre>` : ''}</li>`,
        )}</ul>`
      : ''}
    ${waiting ? html`<div class="button-row"><vscode-button secondary data-action="ship" data-ship="retest" ${busy ? 'disabled' : ''}>${shipping.running === 'retest' ? 'Running the tests…' : 'Run tests again'}</vscode-button></div>` : ''}
  </section>
  ${shipView(review, shipping)}`;
}

function shipView(review: ReviewView, shipping: ShippingState): Markup {
  const busy = Boolean(shipping.running);
  const committed = Boolean(review.commit);
  const waiting = review.status === 'awaiting-review';
  const label = (action: ShipAction, idle: string, working: string) => (shipping.running === action ? working : idle);
  return html`<section aria-labelledby="ship-heading" class="ship" data-testid="ship">
    <h2 id="ship-heading">Ship</h2>
    ${review.commit ? html`<p data-testid="commit"><span class="glyph ok" aria-hidden="true">✓</span> Committed <code>${review.commit.sha.slice(0, 10)}</code> on branch <code class="ellipsis" title="${review.commit.branch}">${review.commit.branch}</code>. Your working tree is as it was.</p>` : ''}
    ${review.pullRequest
      ? html`<p data-testid="pull-request"><span class="glyph ok" aria-hidden="true">✓</span> Pull request <a href="${review.pullRequest.url}" data-action="openExternal" data-url="${review.pullRequest.url}">#${review.pullRequest.number}</a>${review.pullRequest.draft ? ' (draft)' : ''} is open.
          <vscode-button secondary data-action="openExternal" data-url="${review.pullRequest.url}">Open in browser</vscode-button></p>`
      : ''}
    ${shipping.problem ? problemBox(shipping.problem) : ''}
    ${shipping.message ? html`<p role="status">${shipping.message}</p>` : ''}
    ${waiting || (committed && !review.pullRequest)
      ? html`<div class="button-row">
          ${committed ? '' : html`<vscode-button id="ship-commit" data-action="ship" data-ship="commit" ${busy ? 'disabled' : ''}>${label('commit', 'Create branch & commit', 'Committing…')}</vscode-button>`}
          ${committed ? html`<vscode-button id="ship-pr" data-action="ship" data-ship="pull-request" ${busy ? 'disabled' : ''}>${label('pull-request', 'Push & open pull request', 'Pushing…')}</vscode-button>` : ''}
          ${waiting ? html`<vscode-button id="ship-discard" secondary data-action="ship" data-ship="discard" ${busy ? 'disabled' : ''}>${label('discard', 'Discard', 'Discarding…')}</vscode-button>` : ''}
        </div>
        <p class="muted small">${committed ? 'Pushes the branch to origin and opens a pull request on GitHub.' : 'Commits the change on its own branch in your repository; your working tree and current branch stay as they are. Then you can push it and open a pull request.'}</p>`
      : review.status === 'discarded'
        ? html`<p>Discarded: the sandbox and its branch were removed.</p>`
        : ''}
  </section>`;
}

const RESULT: Record<RequirementView['result'], { glyph: string; text: string }> = {
  passing: { glyph: '✓', text: 'passing' },
  failing: { glyph: '✕', text: 'failing' },
  'not covered': { glyph: '⚠', text: 'not covered by a test' },
  'not run': { glyph: '–', text: 'not run' },
};

/** `file › name`: the file as a path (never broken mid-name), the test's name as words. */
function testLabel(label: string): Markup {
  const at = label.indexOf(' › ');
  return at < 0 ? html`${label}` : html`${pathText(label.slice(0, at))} › ${label.slice(at + 3)}`;
}

/** Each criterion with the tests that name it by its tag; "passing" only through such a test. */
function requirementsView(rows: readonly RequirementView[]): Markup {
  const uncovered = rows.filter((r) => r.result === 'not covered');
  return html`<h3>Requirements → files → tests</h3>
    <table class="grid requirements" data-testid="requirements">
      <thead><tr><th scope="col">Requirement</th><th scope="col">Files</th><th scope="col">Tests</th><th scope="col">Result</th></tr></thead>
      <tbody>${rows.map(
        (r) => html`<tr data-result="${r.result}"><td><span class="tag">${r.tag}</span> ${r.requirement}</td><td data-label="Files">${r.files.map((f) => html`<div>${pathText(f)}</div>`)}</td><td data-label="Tests">${r.tests.length ? r.tests.map((t) => html`<div>${testLabel(t)}</div>`) : html`<span class="muted">—</span>`}</td>
          <td class="result result-${r.result.replace(' ', '-')}"><span class="glyph" aria-hidden="true">${RESULT[r.result].glyph}</span> ${RESULT[r.result].text}</td></tr>`,
      )}</tbody>
    </table>
    ${uncovered.length
      ? html`<p class="muted small" data-testid="requirements-uncovered">${uncovered.length === rows.length ? 'No test that ran names a criterion' : `No test that ran names ${uncovered.map((r) => r.tag).join(', ')}`}: check ${uncovered.length === 1 ? 'it' : 'them'} in the diff yourself, or add a test whose name starts with the tag (e.g. “[${uncovered[0]!.tag}] …”) and run the tests again.</p>`
      : ''}`;
}

function testCounts(file: { passed: number; failed: number; skipped: number }): string {
  const total = file.passed + file.failed + file.skipped;
  return `${file.passed} of ${total} passed${file.failed ? `, ${file.failed} failed` : ''}${file.skipped ? `, ${file.skipped} skipped` : ''}`;
}
