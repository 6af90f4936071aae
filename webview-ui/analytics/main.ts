// The sidebar's Analytics view: the window and scope pickers, the four DORA keys with their
// tiers, five charts (uPlot) each with a table as its text alternative, and the empty state
// that offers to import CI history. Every figure on screen is from the host's message
// (src/protocol/analytics.ts), which is `deploy-agent analytics --json` for the same window.
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css';
import { DEFAULT_SELECTION, type AnalyticsData, type AnalyticsSelection, type AnalyticsToHost, type AnalyticsWindow, type HistoryContext, type HostToAnalytics } from '../../src/protocol/analytics';
import { count, escapeHtml, percent, shortDuration } from '../shared/format';
import { chartSpecs, type ChartSpec } from './charts';
import { emptyState } from './empty-state';
import { readPalette, watchTheme, type Palette } from './theme';

type AnalyticsMessage = Extract<HostToAnalytics, { type: 'analytics' }>;

interface ViewState {
  selection: AnalyticsSelection;
  /** Charts shown as tables (their text alternative), by chart id. */
  tables: Record<string, boolean>;
  last?: AnalyticsMessage;
}

interface VsCodeApi {
  postMessage(message: AnalyticsToHost): void;
  getState(): ViewState | undefined;
  setState(state: ViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const style = document.createElement('style');
style.textContent = uplotCss;
document.head.append(style);

let state: ViewState = vscode.getState() ?? { selection: DEFAULT_SELECTION, tables: {} };
let drawn: { spec: ChartSpec; plot: uPlot | undefined; host: HTMLElement; legend?: HTMLElement }[] = [];
let firstPaint: number | undefined;
/** How long the saved figures wait for the host's before they are drawn (ms). */
const SAVED_STATE_GRACE_MS = 50;
/** The host has sent figures or an error: the saved figures are not drawn over them. */
let hostAnswered = false;
/** The figures on screen (their host-given id). */
let renderedId: string | undefined;
let importStatus: Extract<HostToAnalytics, { type: 'import' }> | undefined;
/** When the view said it was ready and when the host's figures first arrived (ms, performance.now()). */
const marks = { readyMs: 0, dataMs: 0, fromSavedState: false };

const WINDOWS: { value: AnalyticsWindow; label: string }[] = [
  { value: 7, label: 'Last 7 days' },
  { value: 30, label: 'Last 30 days' },
  { value: 90, label: 'Last 90 days' },
  { value: 'all', label: 'All history' },
];

const DORA: { key: keyof AnalyticsData['dora']; name: string; value(d: AnalyticsData['dora']): string; detail(d: AnalyticsData['dora']): string }[] = [
  {
    key: 'deploymentFrequency',
    name: 'Deployment frequency',
    value: ({ deploymentFrequency: { value: v } }) => (v.perDay >= 1 ? `${v.perDay.toFixed(1)} / day` : v.perWeek >= 1 ? `${v.perWeek.toFixed(1)} / week` : `${(v.perDay * 30).toFixed(1)} / month`),
    detail: ({ deploymentFrequency: { value: v } }) => `${count(v.shipped)} shipped in ${count(v.days)} day${v.days === 1 ? '' : 's'}`,
  },
  {
    key: 'leadTimeForChanges',
    name: 'Lead time for changes',
    value: ({ leadTimeForChanges: { value: v } }) => shortDuration(v.medianMs),
    detail: ({ leadTimeForChanges: { value: v } }) => `median of ${count(v.n)}`,
  },
  {
    key: 'changeFailureRate',
    name: 'Change failure rate',
    value: ({ changeFailureRate: { value: v } }) => percent(v.rate),
    detail: ({ changeFailureRate: { value: v } }) => `${count(v.failed)} of ${count(v.shipped)} shipped`,
  },
  {
    key: 'timeToRestore',
    name: 'Time to restore',
    value: ({ timeToRestore: { value: v } }) => shortDuration(v.medianMs),
    detail: ({ timeToRestore: { value: v } }) => `${count(v.restored)} restored${v.open ? `, ${count(v.open)} open` : ''}`,
  },
];

window.addEventListener('message', (event: MessageEvent<HostToAnalytics>) => {
  const message = event.data;
  switch (message.type) {
    case 'analytics':
      // The same figures again (sent when computed, and again when this view said it was ready).
      hostAnswered = true;
      if (message.id === renderedId) break;
      marks.dataMs ||= performance.now();
      state = { ...state, selection: message.selection, last: message };
      vscode.setState(state);
      render(message);
      break;
    case 'loading':
      document.body.classList.add('loading');
      break;
    case 'error':
      hostAnswered = true;
      document.body.classList.remove('loading');
      app.innerHTML = `<p class="error" role="alert">${escapeHtml(message.message)}</p>${message.hint ? `<p>${escapeHtml(message.hint)}</p>` : ''}<p><button class="secondary" data-action="retry">Try again</button></p>`;
      wire();
      break;
    case 'import':
      importStatus = message;
      renderImportStatus();
      break;
  }
});

watchTheme((palette) => drawCharts(palette));
new ResizeObserver(() => resizeCharts()).observe(app);

// The saved figures are drawn only if the host's do not come first: those are usually on their way
// (posted as soon as computed), and drawing five charts twice put the fresh ones 100 ms later.
const saved = state.last;
if (saved) {
  setTimeout(() => {
    if (hostAnswered) return;
    marks.fromSavedState = true;
    render(saved);
  }, SAVED_STATE_GRACE_MS);
}
marks.readyMs = performance.now();
vscode.postMessage({ type: 'ready', selection: state.selection });

function render(message: AnalyticsMessage): void {
  renderedId = message.id;
  document.body.classList.remove('loading');
  const { data, context, selection } = message;
  const empty = data.deployments.total === 0;
  app.innerHTML = `${toolbar(selection, context)}${empty ? emptyState(selection, data, context) : `${summary(data)}${dora(data, context)}${chartSpecs(data).map(section).join('')}`}`;
  wire();
  renderImportStatus();
  if (!empty) drawCharts(readPalette(), chartSpecs(data));
  else destroyCharts();
}

function toolbar(selection: AnalyticsSelection, context: HistoryContext): string {
  const repo = context.repository;
  const scope = `<select id="scope" aria-label="Which deployments">
      <option value="repository" ${selection.scope === 'repository' ? 'selected' : ''} ${repo ? '' : 'disabled'}>${escapeHtml(repo ? repo.name : 'This repository (no folder open)')}</option>
      <option value="all" ${selection.scope === 'all' ? 'selected' : ''}>All repositories</option>
    </select>`;
  const windows = `<select id="window" aria-label="Time window">${WINDOWS.map((w) => `<option value="${w.value}" ${w.value === selection.window ? 'selected' : ''}>${w.label}</option>`).join('')}</select>`;
  return `<div class="toolbar" ${repo ? `title="${escapeHtml(repo.path)}"` : ''}>${scope}${windows}</div>`;
}

function summary(d: AnalyticsData): string {
  const t = d.trend;
  const change = [
    t.successRateChange === null ? null : `${t.successRateChange >= 0 ? '+' : '−'}${Math.abs(Math.round(t.successRateChange * 100))} pts success`,
    t.meanDurationChange === null ? null : `${Math.abs(Math.round(t.meanDurationChange * 100))}% ${t.meanDurationChange <= 0 ? 'faster' : 'slower'}`,
  ].filter(Boolean);
  const source = d.outcomeSource === 'local' ? 'Outcomes are the local ones; `deploy-agent sync` adds what GitHub says (CI failed, reverted).' : 'Outcomes include what GitHub said after shipping.';
  return `<p class="summary" title="${escapeHtml(source)}">
      <strong>${count(d.deployments.total)}</strong> deployment${d.deployments.total === 1 ? '' : 's'} ·
      <strong>${percent(d.rates.success)}</strong> of ${count(d.deployments.finished)} finished succeeded ·
      p50 <strong>${shortDuration(d.durationMs.p50)}</strong>
      <span class="trend trend-${t.direction.replace(/ /g, '-')}">· ${escapeHtml(t.direction)}${change.length ? ` (${change.join(', ')})` : ''}</span>${
        d.setupFailures.total
          ? ` <span class="setup" title="Refused by the safety checks (${count(d.setupFailures.refused)}) or stopped at setup: no model or test ran, so they are not counted above.">· <strong>${count(d.setupFailures.total)}</strong> stopped before the work</span>`
          : ''
      }
    </p>`;
}

function dora(d: AnalyticsData, context: HistoryContext): string {
  const cards = DORA.map((k) => {
    const key = d.dora[k.key];
    const tier = key.tier ?? 'none';
    const definition = context.doraDefinitions[k.key];
    const why = key.tier ? '' : ` No tier: ${key.note ?? 'no data'}.`;
    return `<div class="card" tabindex="0" data-key="${k.key}" title="${escapeHtml(`${k.name}: ${definition}${why}`)}" aria-describedby="def-${k.key}">
        <div class="card-name">${k.name}</div>
        <div class="card-value">${escapeHtml(k.value(d.dora))}</div>
        <div class="card-foot"><span class="tier tier-${tier}">${key.tier ?? 'no tier'}</span><span class="card-detail">${escapeHtml(k.detail(d.dora))}</span></div>
        <p id="def-${k.key}" class="visually-hidden">${escapeHtml(definition + why)}</p>
      </div>`;
  }).join('');
  return `<section class="dora" aria-label="The four DORA keys, with their DORA 2023 tier">${cards}</section>`;
}

function section(spec: ChartSpec): string {
  const asTable = Boolean(state.tables[spec.id]);
  const table = spec.table.rows.length
    ? `<table><caption class="visually-hidden">${escapeHtml(spec.title)}</caption><thead><tr>${spec.table.head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${spec.table.rows
        .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`)
        .join('')}</tbody></table>`
    : '<p class="muted">Nothing in this window.</p>';
  return `<section class="chart" data-chart="${spec.id}" aria-labelledby="h-${spec.id}">
      <header><h3 id="h-${spec.id}">${escapeHtml(spec.title)}</h3>
        <button class="toggle" data-toggle="${spec.id}" aria-pressed="${asTable}" title="${asTable ? 'Show as a chart' : 'Show as a table (text alternative)'}">${asTable ? 'Chart' : 'Table'}</button></header>
      <div class="plot" role="img" aria-label="${escapeHtml(`${spec.title}. ${spec.summary}`)}" ${asTable ? 'hidden' : ''}></div>
      <div class="table-wrap" ${asTable ? '' : 'hidden'}>${table}</div>
    </section>`;
}

function renderImportStatus(): void {
  const target = document.getElementById('import-status');
  if (!target || !importStatus) return;
  target.className = `import-${importStatus.state}`;
  target.textContent = importStatus.message;
}

function wire(): void {
  const select = () => {
    const scope = (document.getElementById('scope') as HTMLSelectElement | null)?.value as AnalyticsSelection['scope'] | undefined;
    const windowValue = (document.getElementById('window') as HTMLSelectElement | null)?.value;
    const selection: AnalyticsSelection = { scope: scope ?? state.selection.scope, window: windowValue === 'all' || windowValue === undefined ? (windowValue ?? state.selection.window) as AnalyticsWindow : (Number(windowValue) as AnalyticsWindow) };
    post({ type: 'select', selection });
  };
  document.getElementById('scope')?.addEventListener('change', select);
  document.getElementById('window')?.addEventListener('change', select);
  for (const button of app.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
    button.addEventListener('click', () => {
      switch (button.dataset.action) {
        case 'deploy':
          return post({ type: 'deploy' });
        case 'import-github':
          return post({ type: 'importCiHistory', source: 'github' });
        case 'import-travistorrent':
          return post({ type: 'importCiHistory', source: 'travistorrent' });
        case 'all-history':
          return post({ type: 'select', selection: { ...state.selection, window: 'all' } });
        case 'all-repositories':
          return post({ type: 'select', selection: { ...state.selection, scope: 'all' } });
        case 'retry':
          return post({ type: 'ready', selection: state.selection });
      }
    });
  }
  for (const button of app.querySelectorAll<HTMLButtonElement>('button[data-toggle]')) {
    button.addEventListener('click', () => {
      const id = button.dataset.toggle!;
      state = { ...state, tables: { ...state.tables, [id]: !state.tables[id] } };
      vscode.setState(state);
      const sectionEl = button.closest('section')!;
      const asTable = state.tables[id]!;
      button.setAttribute('aria-pressed', String(asTable));
      button.textContent = asTable ? 'Chart' : 'Table';
      button.title = asTable ? 'Show as a chart' : 'Show as a table (text alternative)';
      sectionEl.querySelector<HTMLElement>('.plot')!.hidden = asTable;
      sectionEl.querySelector<HTMLElement>('.table-wrap')!.hidden = !asTable;
      if (!asTable) drawCharts(readPalette());
    });
  }
}

function post(message: AnalyticsToHost): void {
  if (message.type === 'select') {
    document.body.classList.add('loading');
    state = { ...state, selection: message.selection };
    vscode.setState(state);
  }
  vscode.postMessage(message);
}

function destroyCharts(): void {
  for (const c of drawn) {
    c.plot?.destroy();
    c.legend?.remove();
  }
  drawn = [];
}

/** (Re)draws every chart shown as a chart, with the theme's colours. */
function drawCharts(palette: Palette, specs: ChartSpec[] = drawn.map((c) => c.spec)): void {
  destroyCharts();
  document.body.dataset.chartTheme = palette.kind;
  for (const spec of specs) {
    const host = app.querySelector<HTMLElement>(`section[data-chart="${spec.id}"] .plot`);
    if (!host) continue;
    if (state.tables[spec.id]) {
      drawn.push({ spec, plot: undefined, host });
      continue;
    }
    const options = spec.options(palette, Math.max(160, host.clientWidth || app.clientWidth - 4));
    const legend = legendOf(spec, options);
    options.hooks = { ...options.hooks, draw: [...(options.hooks?.draw ?? []), onDraw], setCursor: [legend.update], ready: [legend.update] };
    drawn.push({ spec, plot: new uPlot(options, spec.data, host), host, legend: legend.element });
    host.append(legend.element);
    host.dataset.drawn = 'true';
  }
}

/**
 * A chart's legend: a swatch, the label and a value per series — the window's total while the
 * pointer is away, the hovered point's value over the chart (the x value, e.g. the day, first).
 * Hidden from screen readers: the chart's table says the same.
 */
function legendOf(spec: ChartSpec, options: uPlot.Options): { element: HTMLElement; update(u: uPlot): void } {
  const element = document.createElement('div');
  element.className = 'legend';
  element.setAttribute('aria-hidden', 'true');
  const series = options.series;
  const format = (si: number, u: uPlot, idx: number | null) => {
    const value = series[si]!.value;
    const raw = idx === null ? null : (u.data[si]?.[idx] ?? null);
    return typeof value === 'function' ? String(value(u, raw as number, si, idx as number)) : (value ?? String(raw ?? ''));
  };
  const at = document.createElement('span');
  at.className = 'legend-x';
  element.append(at);
  const entries = (spec.legendOrder ?? series.map((_, i) => i).slice(1)).map((si) => {
    const s = series[si]!;
    const item = document.createElement('span');
    item.className = 'legend-item';
    const swatch = document.createElement('i');
    const color = String((typeof s.fill === 'string' ? s.fill : undefined) ?? (typeof s.stroke === 'string' ? s.stroke : ''));
    swatch.style.background = s.dash ? 'transparent' : color;
    swatch.style.borderColor = color;
    if (s.dash) swatch.className = 'dashed';
    const value = document.createElement('b');
    item.append(swatch, `${s.label ?? ''} `, value);
    element.append(item);
    return { si, value };
  });
  return {
    element,
    update: (u) => {
      const idx = u.cursor.idx ?? null;
      at.textContent = idx === null ? '' : format(0, u, idx);
      for (const e of entries) e.value.textContent = format(e.si, u, idx);
    },
  };
}

function onDraw(u: uPlot): void {
  u.root.dataset.draws = String(Number(u.root.dataset.draws ?? 0) + 1);
  // The first chart of figures fresh from the host (a saved state may have drawn older ones first).
  if (marks.dataMs && document.body.dataset.firstDataChartMs === undefined) document.body.dataset.firstDataChartMs = performance.now().toFixed(1);
  if (firstPaint !== undefined) return;
  firstPaint = performance.now();
  document.body.dataset.firstChartMs = firstPaint.toFixed(1);
  document.body.dataset.firstChartFromState = String(marks.fromSavedState);
  vscode.postMessage({ type: 'painted', firstChartMs: firstPaint, ...marks, timeOrigin: performance.timeOrigin });
}

function resizeCharts(): void {
  for (const c of drawn) {
    const width = Math.max(160, c.host.clientWidth);
    if (c.plot && Math.abs(c.plot.width - width) > 1) c.plot.setSize({ width, height: c.plot.height });
  }
}
