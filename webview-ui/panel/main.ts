// The deployment panel's front end: renders what the extension host sends (protocol/panel.ts) and
// sends back what the user does. It computes nothing but the layout; its view state survives a
// hidden tab and a window reload through getState/setState.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import panelCss from './panel.css';
import type { DeploymentChoiceView, DeploymentHeader, FieldProblem, HostToPanel, MissingConfigItem, PanelState, PanelToHost, PreviewView, ProblemView, RecommendationDraft, RecommendationsView, ReleasesView, ReviewView, ShipAction } from '../../src/protocol/panel';
import { html, type Markup } from '../shared/html';
import { problemBox } from './views/common';
import { deploymentHeaderView, outputView, stepsView, usageView } from './views/deployment';
import { criterionRow, emptyDraft, formView, readDraft, showProblems } from './views/form';
import { previewLoadingView, previewView } from './views/preview';
import { recommendationsView } from './views/recommendations';
import { recoveriesView, releaseHeaderView, releasePlanView, releaseStepsView } from './views/release';
import { reviewView, type ShippingState } from './views/review';
import { reduce, reduceAll, type Timeline } from './timeline';

interface VsCodeApi {
  postMessage(message: PanelToHost): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** When this script started, in ms since the webview's document began loading (the first paint's log line shows it). */
const scriptStartMs = performance.now();
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
// The styles come with the script (the build loads CSS as text): one file, before the first render.
const style = document.createElement('style');
style.textContent = panelCss;
document.head.append(style);

/** Everything on screen comes from here; `state` is the part worth keeping across reloads. */
const model = {
  state: vscode.getState() ?? ({ view: 'recommendations' } as PanelState),
  recommendations: undefined as RecommendationsView | undefined,
  /** Read after the list: the deployment configuration the project misses, and the release targets. */
  missingConfig: undefined as MissingConfigItem[] | undefined,
  releases: undefined as ReleasesView | undefined,
  addingBuiltin: undefined as string | undefined,
  busyFile: undefined as string | undefined,
  previewing: undefined as { file: string; message: string } | undefined,
  preview: undefined as PreviewView | undefined,
  deploying: false,
  deployment: undefined as { header: DeploymentHeader; timeline: Timeline; live: boolean } | undefined,
  review: undefined as ReviewView | undefined,
  shipping: {} as ShippingState,
  problem: undefined as { problem: ProblemView; context: string } | undefined,
  touched: new Set<string>(),
  saveAttempted: false,
};

function post(message: PanelToHost): void {
  vscode.postMessage(message);
}

function saveState(patch: Partial<PanelState>): void {
  model.state = { ...model.state, ...patch };
  vscode.setState(model.state);
}

function show(view: PanelState['view'], patch: Partial<PanelState> = {}): void {
  saveState({ ...patch, view });
  model.problem = undefined;
  render();
}

// ---------------------------------------------------------------- rendering

function render(): void {
  const { state } = model;
  let content: Markup;
  switch (state.view) {
    case 'form':
      renderForm();
      return;
    case 'preview':
      content = model.preview && model.preview.file === state.selectedFile
        ? previewView(model.preview, choice(), model.deploying)
        : previewLoadingView(titleOf(state.selectedFile), model.previewing?.message ?? 'Analysing the workspace…');
      break;
    case 'deployment':
      renderDeployment();
      return;
    default:
      content = model.recommendations ? recommendationsView(model.recommendations, state.selectedFile, model.busyFile, { missing: model.missingConfig, releases: model.releases, adding: model.addingBuiltin }) : html`<div class="loading" role="status"><vscode-progress-ring aria-hidden="true"></vscode-progress-ring><span>Looking for recommendations…</span></div>`;
  }
  app.innerHTML = html`${problemMarkup(['recommendations', 'preview', 'deploy'])}${content}`.value;
  // Focus the preview's Deploy button once the plan is on screen (keyboard users go on from there).
  if (state.view === 'preview' && model.preview) focusSoon('#deploy');
}

function problemMarkup(contexts: string[]): Markup {
  return model.problem && contexts.includes(model.problem.context) ? problemBox(model.problem.problem, { file: model.state.selectedFile }) : html``;
}

function titleOf(file: string | undefined): string {
  return model.recommendations?.items.find((i) => i.file === file)?.title ?? 'Deploy';
}

function choice(): DeploymentChoiceView {
  return model.state.choice ?? { excludedIntegrationPoints: [], addedFiles: [] };
}

/** The deployment view is made of regions, so that a stream of events does not rebuild the whole page (and steal focus). */
function renderDeployment(): void {
  const d = model.deployment;
  if (!d) {
    app.innerHTML = html`<div class="loading" role="status"><vscode-progress-ring aria-hidden="true"></vscode-progress-ring><span>Opening the deployment…</span></div>`.value;
    return;
  }
  if (!document.getElementById('region-steps') || app.dataset.deployment !== d.header.id) {
    app.dataset.deployment = d.header.id;
    // Once there is a review it comes first (what to decide); the steps that led to it follow.
    app.innerHTML = html`<div id="region-header"></div><div id="region-problem"></div><div id="region-review"></div><div id="region-steps"></div><div id="region-usage"></div><div id="region-output"></div>`.value;
  }
  scheduleDeploymentRegions();
}

let framePending = false;
function scheduleDeploymentRegions(): void {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => {
    framePending = false;
    paintDeploymentRegions();
  });
}

function paintDeploymentRegions(): void {
  const d = model.deployment;
  if (!d || model.state.view !== 'deployment') return;
  const status = model.review?.status ?? d.timeline.finished?.status ?? (d.live ? 'running' : d.header.status);
  const running = d.live && !d.timeline.finished;
  if (d.header.release) {
    paintReleaseRegions(d.header, d.timeline, status, running);
    return;
  }
  setRegion('region-header', deploymentHeaderView(d.header, d.timeline, status, running));
  const failed = d.timeline.finished && !d.timeline.finished.goalReached && d.timeline.finished.error;
  setRegion('region-problem', model.problem?.context === 'deploy' ? problemBox(model.problem.problem, { file: d.header.file }) : failed ? problemBox({ ...d.timeline.finished!.error!, actions: [{ id: 'showOutput', label: 'Show the log' }] }) : html``);
  setRegion('region-steps', stepsView(d.timeline));
  setRegion('region-review', model.review && model.review.deploymentId === d.header.id ? reviewView(model.review, model.shipping) : d.timeline.finished?.goalReached && !model.review ? html`<p class="loading" role="status">Loading the review…</p>` : html``);
  setRegion('region-usage', usageView(d.timeline));
  // The output region keeps its collapsible open/closed; only its text is replaced.
  const outputRegion = document.getElementById('region-output');
  const collapsible = outputRegion?.querySelector('#model-output') as (HTMLElement & { open: boolean }) | null;
  if (outputRegion && (!collapsible || collapsible.dataset.phases !== String(d.timeline.output.length))) {
    outputRegion.innerHTML = outputView(d.timeline, model.state.outputOpen ?? false, d.live).value;
    (outputRegion.querySelector('#model-output') as HTMLElement | null)?.setAttribute('data-phases', String(d.timeline.output.length));
  } else if (collapsible) {
    const pres = collapsible.querySelectorAll('pre.output');
    d.timeline.output.forEach((o, i) => {
      const pre = pres[i];
      if (pre && pre.textContent !== o.text) pre.textContent = o.text;
    });
  }
}

/** A release: its plan where a deployment's review goes, each host's part of each step, its recoveries; no model output. */
function paintReleaseRegions(header: DeploymentHeader, timeline: Timeline, status: string, running: boolean): void {
  const release = header.release!;
  const multiHost = release.hosts.length > 1;
  setRegion('region-header', releaseHeaderView(header, timeline, status, running));
  const failed = timeline.finished && !timeline.finished.goalReached && timeline.finished.error;
  // A release that failed says why first, with what was tried to save it (its recoveries) right under.
  const problem = model.problem?.context === 'deploy' ? problemBox(model.problem.problem) : failed ? problemBox({ ...timeline.finished!.error!, actions: [{ id: 'showOutput', label: 'Show the log' }] }) : undefined;
  setRegion('region-problem', problem ? html`${problem}${recoveriesView(timeline, multiHost)}` : html``);
  setRegion('region-review', releasePlanView(timeline.releasePlan, release));
  setRegion('region-steps', releaseStepsView(timeline, multiHost));
  setRegion('region-usage', problem ? html`` : recoveriesView(timeline, multiHost));
  setRegion('region-output', html``);
}

/** Replaces a region's markup only when it changed, keeping focus on a button that is still there. */
function setRegion(id: string, markup: Markup): void {
  const region = document.getElementById(id);
  if (!region || region.dataset.markup === markup.value) return;
  const focused = document.activeElement as HTMLElement | null;
  const focusKey = focused && region.contains(focused) ? focusKeyOf(focused) : undefined;
  region.innerHTML = markup.value;
  region.dataset.markup = markup.value;
  if (focusKey) focusSoon(`#${id} ${focusKey}`);
}

function focusKeyOf(el: HTMLElement): string | undefined {
  if (el.id) return `#${CSS.escape(el.id)}`;
  const action = el.dataset.action;
  if (!action) return undefined;
  const extra = ['path', 'ship', 'line'].map((k) => (el.dataset[k] !== undefined ? `[data-${k}="${CSS.escape(el.dataset[k]!)}"]` : '')).join('');
  return `[data-action="${action}"]${extra}`;
}

function renderForm(): void {
  const draft = model.state.draft ?? emptyDraft();
  app.innerHTML = formView(draft, model.recommendations?.categories ?? [], model.recommendations?.priorities ?? []).value;
  focusSoon('#f-title');
}

// ---------------------------------------------------------------- messages from the host

window.addEventListener('message', (event: MessageEvent<HostToPanel>) => {
  const message = event.data;
  switch (message.type) {
    case 'recommendations': {
      const first = !model.recommendations;
      model.recommendations = message.data;
      if (message.data.preselect) saveState({ selectedFile: message.data.preselect });
      // A built-in just saved is listed now, selected: its preview is on the way.
      if (model.addingBuiltin && message.data.preselect) {
        model.busyFile = message.data.preselect;
        model.addingBuiltin = undefined;
      }
      // Asked for by the command: the list replaces a deployment or a preview (an unsaved draft in the form stays).
      if (message.show && (model.state.view === 'deployment' || model.state.view === 'preview')) show('recommendations');
      else if (model.state.view === 'recommendations') render();
      if (first && model.state.view === 'recommendations') afterPaint(() => post({ type: 'painted', what: 'recommendations', items: message.data.items.length, webview: { scriptStartMs, paintedMs: performance.now(), timeOrigin: performance.timeOrigin } }));
      break;
    }
    case 'missingConfig':
      model.missingConfig = message.items;
      if (model.state.view === 'recommendations') render();
      break;
    case 'releases':
      model.releases = message.data;
      if (model.state.view === 'recommendations') render();
      break;
    case 'draftProblems':
      latestProblems = message.problems;
      applyProblems();
      break;
    case 'saved':
      model.touched.clear();
      model.saveAttempted = false;
      show('recommendations', { draft: undefined, selectedFile: message.file });
      break;
    case 'previewing':
      model.previewing = { file: message.file, message: message.message };
      if (model.state.view === 'preview' && !model.preview) render();
      break;
    case 'preview':
      model.preview = message.data;
      model.previewing = undefined;
      model.busyFile = undefined;
      model.deploying = false;
      show('preview', { selectedFile: message.data.file, choice: model.state.selectedFile === message.data.file ? choice() : undefined });
      break;
    case 'deployment':
      model.deploying = false;
      model.busyFile = undefined;
      if (model.deployment?.header.id !== message.header.id) {
        model.review = undefined;
        model.shipping = {};
      }
      model.deployment = { header: message.header, timeline: reduceAll(message.header, message.events), live: message.live };
      show('deployment', { deploymentId: message.header.id });
      break;
    case 'event':
      if (model.deployment && message.event.deploymentId === model.deployment.header.id) {
        reduce(model.deployment.timeline, message.event);
        if (message.event.type === 'deployment.started') model.deployment.live = true;
        if (message.event.type === 'deployment.finished') model.deployment.live = false;
        if (model.state.view === 'deployment') scheduleDeploymentRegions();
      }
      break;
    case 'review':
      model.review = message.data;
      if (model.state.view === 'deployment') scheduleDeploymentRegions();
      break;
    case 'shipping':
      model.shipping = message.running ? { running: message.action } : { ...(message.problem ? { problem: message.problem } : {}), ...(message.message ? { message: message.message } : {}) };
      if (model.state.view === 'deployment') scheduleDeploymentRegions();
      break;
    case 'discarded':
      if (model.review?.deploymentId === message.deploymentId) model.review = { ...model.review, status: 'discarded' };
      if (model.state.view === 'deployment') scheduleDeploymentRegions();
      break;
    case 'problem':
      model.problem = { problem: message.problem, context: message.context };
      model.busyFile = undefined;
      model.addingBuiltin = undefined;
      model.deploying = false;
      if (message.context === 'preview' && model.state.view === 'preview' && !model.preview) saveState({ view: 'recommendations' });
      if (message.context === 'review') model.shipping = { problem: message.problem };
      if (model.state.view === 'deployment') scheduleDeploymentRegions();
      else render();
      break;
    case 'askReason':
      askReason(message.file, message.message);
      break;
  }
});

/** Runs `fn` once the browser has painted what was just rendered. */
function afterPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

// ---------------------------------------------------------------- what the user does

document.addEventListener('click', (event) => {
  const target = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
  if (!target || target.hasAttribute('disabled')) return;
  const data = target.dataset;
  switch (data.action) {
    case 'refresh':
      post({ type: 'refresh' });
      break;
    case 'chooseFile':
      post({ type: 'chooseFile' });
      break;
    case 'newRecommendation':
      model.touched.clear();
      model.saveAttempted = false;
      latestProblems = [];
      show('form', { draft: emptyDraft() });
      validateSoon();
      break;
    case 'back':
      model.preview = undefined;
      show('recommendations', { deploymentId: undefined, draft: undefined });
      post({ type: 'back' });
      break;
    case 'openFile':
      event.preventDefault();
      post({ type: 'openFile', file: data.file! });
      break;
    case 'openWorkspaceFile':
      post({ type: 'openFile', file: data.path! });
      break;
    case 'preview':
      model.busyFile = data.file;
      model.preview = undefined;
      model.problem = undefined;
      show('preview', { selectedFile: data.file, choice: { excludedIntegrationPoints: [], addedFiles: [] } });
      post({ type: 'preview', file: data.file! });
      break;
    case 'deploy':
      startDeploy(data.file!);
      break;
    case 'addBuiltin':
      model.addingBuiltin = data.id;
      model.problem = undefined;
      render();
      post({ type: 'addBuiltin', id: data.id! });
      break;
    case 'addFile':
      addFile();
      break;
    case 'removeAdded': {
      const c = choice();
      saveState({ choice: { ...c, addedFiles: c.addedFiles.filter((f) => f !== data.path) } });
      rerenderPreviewKeepingFocus('#add-file');
      break;
    }
    case 'cancel':
      post({ type: 'cancel', deploymentId: data.deployment! });
      break;
    case 'openDiff':
      post({ type: 'openDiff', deploymentId: model.state.deploymentId!, path: data.path! });
      break;
    case 'openTest':
      post({ type: 'openTest', deploymentId: model.state.deploymentId!, path: data.path!, ...(data.line ? { line: Number(data.line) } : {}) });
      break;
    case 'ship':
      post({ type: 'ship', deploymentId: model.state.deploymentId!, action: data.ship as ShipAction });
      break;
    case 'openDeployment':
      post({ type: 'action', action: { id: 'openDeployment', label: 'Open', argument: data.deployment! } });
      break;
    case 'openExternal':
      event.preventDefault();
      post({ type: 'openExternal', url: data.url! });
      break;
    case 'panelAction':
      if (data.id === 'retry') {
        const file = data.file || model.state.selectedFile;
        if (file) {
          model.problem = undefined;
          model.preview = undefined;
          show('preview', { selectedFile: file });
          post({ type: 'preview', file });
        }
        break;
      }
      if (data.id === 'deployAnyway') {
        askReason(data.file || model.state.selectedFile || '', 'The circuit breaker is open. Say why you deploy anyway; the reason is recorded with the deployment.');
        break;
      }
      post({ type: 'action', action: { id: data.id as never, label: target.textContent ?? '', ...(data.argument ? { argument: data.argument } : {}) }, ...(data.file ? { file: data.file } : {}) });
      break;
    case 'addCriterion':
      addCriterion();
      break;
    case 'removeCriterion':
      removeCriterion(Number(data.index));
      break;
    case 'saveDraft':
      saveDraft();
      break;
    case 'confirmReason':
      confirmReason(data.file!);
      break;
    case 'closeReason':
      document.getElementById('reason-dialog')?.remove();
      break;
  }
});

document.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (event.key === 'Enter' && target.id === 'add-file') {
    event.preventDefault();
    addFile();
  }
  if (event.key === 'Enter' && target.id === 'reason-input') {
    event.preventDefault();
    confirmReason((document.getElementById('reason-dialog') as HTMLElement | null)?.dataset.file ?? '');
  }
  if (event.key === 'Escape' && document.getElementById('reason-dialog')) document.getElementById('reason-dialog')?.remove();
});

// The collapsible's open state is remembered (collapsed by default).
document.addEventListener(
  'vsc-collapsible-toggle',
  (event) => {
    const target = event.target as HTMLElement & { open?: boolean };
    if (target.id === 'model-output') saveState({ outputOpen: Boolean((event as CustomEvent<{ open: boolean }>).detail?.open ?? target.open) });
  },
  true,
);

function startDeploy(file: string, forceReason?: string): void {
  model.deploying = true;
  model.problem = undefined;
  render();
  post({ type: 'deploy', file, choice: choice(), ...(forceReason ? { forceReason } : {}) });
}

function rerenderPreviewKeepingFocus(selector: string): void {
  if (model.state.view !== 'preview') return;
  render();
  focusSoon(selector);
}

/**
 * Focuses an element once it can take the focus: the elements' first render (which sets their
 * tabindex) happens after they are inserted, so a focus right away would be lost.
 */
function focusSoon(selector: string): void {
  requestAnimationFrame(() => (document.querySelector(selector) as HTMLElement | null)?.focus());
}

function addFile(): void {
  const input = document.getElementById('add-file') as (HTMLElement & { value: string }) | null;
  const problem = document.getElementById('add-file-problem');
  const value = (input?.value ?? '').trim().replace(/\\/g, '/').replace(/^\.\//, '');
  if (!value) {
    if (problem) problem.textContent = 'Type a path relative to the workspace folder, for example src/app.js.';
    return;
  }
  if (value.startsWith('/') || /^[a-zA-Z]:/.test(value) || value.split('/').includes('..')) {
    if (problem) problem.textContent = 'The file must be inside the workspace: give a relative path without "..".';
    return;
  }
  const c = choice();
  const points = model.preview?.integrationPoints ?? [];
  const excluded = c.excludedIntegrationPoints.filter((p) => p !== value);
  const addedFiles = points.some((p) => p.path === value) || c.addedFiles.includes(value) ? c.addedFiles : [...c.addedFiles, value];
  saveState({ choice: { excludedIntegrationPoints: excluded, addedFiles } });
  rerenderPreviewKeepingFocus('#add-file');
}

function askReason(file: string, message: string): void {
  document.getElementById('reason-dialog')?.remove();
  const dialog = document.createElement('div');
  dialog.id = 'reason-dialog';
  dialog.className = 'dialog';
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.setAttribute('aria-labelledby', 'reason-title');
  dialog.dataset.file = file;
  dialog.innerHTML = html`<div class="dialog-box">
    <h2 id="reason-title">Deploy anyway?</h2>
    <p>${message}</p>
    <vscode-label for="reason-input">Reason</vscode-label>
    <vscode-textfield id="reason-input" placeholder="e.g. the failures were a flaky CI runner, fixed in #123"></vscode-textfield>
    <p class="field-problem" id="reason-problem" aria-live="polite"></p>
    <div class="button-row"><vscode-button data-action="confirmReason" data-file="${file}">Deploy anyway</vscode-button><vscode-button secondary data-action="closeReason">Cancel</vscode-button></div>
  </div>`.value;
  document.body.append(dialog);
  focusSoon('#reason-input');
}

function confirmReason(file: string): void {
  const reason = String((document.getElementById('reason-input') as unknown as { value?: string } | null)?.value ?? '').trim();
  if (reason.length < 3) {
    const problem = document.getElementById('reason-problem');
    if (problem) problem.textContent = 'Give a reason (it is recorded with the deployment).';
    return;
  }
  document.getElementById('reason-dialog')?.remove();
  startDeploy(file, reason);
}

// ---------------------------------------------------------------- the new-recommendation form

let latestProblems: FieldProblem[] = [];
let validateTimer: ReturnType<typeof setTimeout> | undefined;
/** Which criterion row each criterion sent to the host came from (blank rows are not sent). */
let sentCriteria: number[] = [];

function draftForHost(draft: RecommendationDraft): RecommendationDraft {
  sentCriteria = [];
  const criteria: string[] = [];
  draft.acceptanceCriteria.forEach((c, i) => {
    if (c.trim()) {
      sentCriteria.push(i);
      criteria.push(c);
    }
  });
  return { ...draft, acceptanceCriteria: criteria };
}

function validateSoon(): void {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(() => {
    if (model.state.view !== 'form') return;
    const draft = readDraft(app);
    saveState({ draft });
    post({ type: 'validateDraft', draft: draftForHost(draft) });
  }, 120);
}

function applyProblems(): void {
  if (model.state.view !== 'form') return;
  const mapped = latestProblems.map((p) => {
    const m = /^acceptanceCriteria\[(\d+)\](.*)$/.exec(p.field);
    return m ? { ...p, field: `acceptanceCriteria[${sentCriteria[Number(m[1])] ?? m[1]}]${m[2]}` } : p;
  });
  showProblems(app, mapped, model.touched, model.saveAttempted);
}

function onFormInput(event: Event): void {
  if (model.state.view !== 'form') return;
  const field = (event.target as HTMLElement).closest<HTMLElement>('[data-field]');
  if (!field) return;
  const key = field.dataset.field === 'criterion' ? `criterion-${field.dataset.index}` : field.dataset.field!;
  if (event.type === 'change' || event.type === 'focusout' || model.touched.has(key)) model.touched.add(key);
  validateSoon();
}
// Capture: the elements' own `change` and `input` events do not all bubble.
document.addEventListener('input', onFormInput, true);
document.addEventListener('change', onFormInput, true);
document.addEventListener('focusout', onFormInput, true);

// An integration point ticked or unticked (by click or Space): the choice that goes into the prompts.
document.addEventListener(
  'change',
  (event) => {
    const target = event.target as HTMLElement & { checked?: boolean };
    if (target.dataset?.action !== 'togglePoint') return;
    const path = target.dataset.path!;
    const c = choice();
    const excluded = new Set(c.excludedIntegrationPoints);
    if (target.checked) excluded.delete(path);
    else excluded.add(path);
    saveState({ choice: { ...c, excludedIntegrationPoints: [...excluded] } });
    setTimeout(() => rerenderPreviewKeepingFocus(`[data-action="togglePoint"][data-path="${CSS.escape(path)}"]`), 0);
  },
  true,
);

function addCriterion(): void {
  const list = document.getElementById('criteria');
  if (!list) return;
  const index = list.children.length;
  list.insertAdjacentHTML('beforeend', criterionRow('', index).value);
  focusSoon(`[data-field="criterion"][data-index="${index}"]`);
  validateSoon();
}

function removeCriterion(index: number): void {
  const draft = readDraft(app);
  draft.acceptanceCriteria.splice(index, 1);
  if (!draft.acceptanceCriteria.length) draft.acceptanceCriteria.push('');
  saveState({ draft });
  renderForm();
  validateSoon();
}

function saveDraft(): void {
  const draft = readDraft(app);
  saveState({ draft });
  model.saveAttempted = true;
  post({ type: 'saveDraft', draft: draftForHost(draft) });
}

// ---------------------------------------------------------------- start

render();
post({ type: 'ready', ...(vscode.getState() ? { state: vscode.getState()! } : {}) });
