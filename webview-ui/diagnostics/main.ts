// Diagnostics webview: renders the data the extension host collected. It imports only the
// protocol types; every value on screen came from the host.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import type { DiagnosticsToHost, DiagnosticsView, HostToDiagnostics } from '../../src/protocol/diagnostics';
import { escapeHtml, formatBytes } from '../shared/format';

interface VsCodeApi {
  postMessage(message: DiagnosticsToHost): void;
  getState(): { data?: DiagnosticsView; collectedAt?: string } | undefined;
  setState(state: { data?: DiagnosticsView; collectedAt?: string }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

window.addEventListener('message', (event: MessageEvent<HostToDiagnostics>) => {
  const message = event.data;
  if (message.type === 'diagnostics') {
    vscode.setState({ data: message.data, collectedAt: message.collectedAt });
    render(message.data, message.collectedAt);
  } else if (message.type === 'error') {
    app.innerHTML = `<h1>Deploy Agent: Diagnostics</h1><p class="error" role="alert">${escapeHtml(message.message)}</p>${message.hint ? `<p>${escapeHtml(message.hint)}</p>` : ''}`;
  }
});

const saved = vscode.getState();
if (saved?.data) render(saved.data, saved.collectedAt ?? '');
vscode.postMessage({ type: 'ready' });

function render(d: DiagnosticsView, collectedAt: string): void {
  const rows = (pairs: [string, string][]) =>
    `<table>${pairs.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td data-field="${escapeHtml(k)}">${escapeHtml(v)}</td></tr>`).join('')}</table>`;
  const system = 'error' in d.system
    ? [['Metrics', `unavailable: ${d.system.error}`]] as [string, string][]
    : [
        ['CPU load', `${d.system.cpuLoadPercent}% of ${d.system.cpuCores} cores`],
        ['Load average', d.system.loadAverage.join(' ')],
        ['Memory', `${formatBytes(d.system.memoryUsedBytes)} used, ${formatBytes(d.system.memoryAvailableBytes)} available of ${formatBytes(d.system.memoryTotalBytes)}`],
        ['Disk free', d.system.disk ? `${formatBytes(d.system.disk.freeBytes)} on ${d.system.disk.mount}` : 'unknown'],
      ] as [string, string][];
  const ollama: [string, string][] = [
    ['Address', d.ollama.host],
    ['Status', d.ollama.reachable ? `reachable (version ${d.ollama.version})` : `unreachable: ${d.ollama.error}`],
  ];
  if (d.ollama.reachable) ollama.push(['Models', d.ollama.models?.join(', ') || '(none pulled)']);
  const tool = d.confinement.tool;
  const confinement: [string, string][] = [
    ['Tool', tool.kind === 'none' ? `none: ${tool.problem ?? ''}` : `${tool.kind}${tool.version ? ` ${tool.version}` : ''}${tool.command ? ` (${tool.command})` : ''}`],
    ['In effect', d.confinement.inEffect],
    ...(d.confinement.refused ? [['What to do', d.confinement.refused] as [string, string]] : []),
    ...(d.ignoredSettings ?? []).map((i) => [i.key, `ignored in ${i.origin}: ${i.reason}`] as [string, string]),
  ];
  const config = Object.entries(d.configuration).map(([k, s]) => [k, `${JSON.stringify(s.value)} — ${s.source}${s.origin ? ` (${s.origin})` : ''}`] as [string, string]);

  app.innerHTML = `
    <header>
      <h1>Deploy Agent: Diagnostics</h1>
      <vscode-badge>${escapeHtml(d.deployAgentVersion)}</vscode-badge>
      <span class="muted">computed in the ${d.host === 'vscode' ? 'extension host' : 'CLI'} in ${d.durationMs} ms · ${escapeHtml(collectedAt)}</span>
      <div class="actions">
        <vscode-button id="refresh" icon="refresh">Refresh</vscode-button>
        <vscode-button id="copy" secondary icon="copy">Copy as JSON</vscode-button>
      </div>
    </header>
    <section><h2>Runtime</h2>${rows([
      ['VS Code', d.vscodeVersion ?? '—'],
      ['Node', d.node.version],
      ['Node-API', d.node.napiVersion],
      ['Platform', `${d.node.platform} ${d.node.arch} ${d.node.release}`],
      ['git', d.git.version ?? `not available: ${d.git.error ?? ''}`],
      ...(d.activationMs !== undefined ? [['Activation', `${d.activationMs.toFixed(2)} ms`] as [string, string]] : []),
    ])}</section>
    <section><h2>History database</h2>${rows([
      ['Path', d.database.path],
      ['Chosen by', d.database.pathFrom],
      ['Schema version', `${d.database.schemaVersion} of ${d.database.latestSchemaVersion}`],
      ['SQLite version', d.database.sqliteVersion],
      ...(d.database.movedAside ? [['Moved aside', d.database.movedAside] as [string, string]] : []),
    ])}</section>
    <section><h2>Environment</h2>${rows(Object.entries(d.environment).map(([k, v]) => [k, v ?? '(not set)']))}</section>
    <section><h2>Ollama</h2>${rows(ollama)}</section>
    <section><h2>System</h2>${rows(system)}</section>
    <section><h2>Confinement of model-written code</h2>${rows(confinement)}</section>
    <vscode-collapsible title="Configuration (${config.length} settings)" open>${rows(config)}</vscode-collapsible>`;
  document.getElementById('refresh')?.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  document.getElementById('copy')?.addEventListener('click', () => vscode.postMessage({ type: 'copyJson' }));
}
