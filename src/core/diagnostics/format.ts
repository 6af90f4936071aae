import type { Diagnostics } from './collect';

const GiB = 1024 ** 3;

/** Plain-text diagnostics for a terminal or a read-only document. */
export function formatDiagnostics(d: Diagnostics): string {
  const lines: string[] = [];
  const section = (title: string) => lines.push('', title);
  const row = (label: string, value: unknown) => lines.push(`  ${label.padEnd(22)} ${value}`);

  lines.push(`Deploy Agent ${d.deployAgentVersion} (${d.host === 'vscode' ? `VS Code ${d.vscodeVersion ?? ''}`.trim() : 'CLI'})`);
  section('Runtime');
  row('Node', `${d.node.version} (Node-API ${d.node.napiVersion})`);
  row('Platform', `${d.node.platform} ${d.node.arch} ${d.node.release}`);
  row('git', d.git.version ?? `not available: ${d.git.error}`);
  section('History database');
  row('Path', `${d.database.path} (from ${d.database.pathFrom})`);
  row('Schema version', `${d.database.schemaVersion} of ${d.database.latestSchemaVersion}`);
  row('SQLite', d.database.sqliteVersion);
  if (d.database.movedAside) row('Moved aside', `${d.database.movedAside} (it was corrupt or unreadable)`);
  section('Environment');
  for (const [name, value] of Object.entries(d.environment)) row(name, value ?? '(not set)');
  section('Ollama');
  row('Address', d.ollama.host);
  if (d.ollama.reachable) {
    row('Status', `reachable, version ${d.ollama.version}`);
    row('Models', d.ollama.models?.length ? d.ollama.models.join(', ') : '(none pulled — `ollama pull <model>`)');
  } else {
    row('Status', `unreachable: ${d.ollama.error}`);
  }
  section('System');
  if ('error' in d.system) {
    row('Metrics', `unavailable: ${d.system.error}`);
  } else {
    row('CPU load', `${d.system.cpuLoadPercent}% of ${d.system.cpuCores} cores (load average ${d.system.loadAverage.join(' ')})`);
    row('Memory', `${(d.system.memoryUsedBytes / GiB).toFixed(1)} GiB used, ${(d.system.memoryAvailableBytes / GiB).toFixed(1)} GiB available of ${(d.system.memoryTotalBytes / GiB).toFixed(1)} GiB`);
    row('Disk', d.system.disk ? `${(d.system.disk.freeBytes / GiB).toFixed(1)} GiB free on ${d.system.disk.mount}` : 'unknown');
  }
  section('Confinement of model-written code');
  row('Tool', d.confinement.tool.kind === 'none' ? `none: ${d.confinement.tool.problem}` : `${d.confinement.tool.kind}${d.confinement.tool.version ? ` ${d.confinement.tool.version}` : ''} (${d.confinement.tool.command})`);
  row('In effect', d.confinement.inEffect);
  if (d.confinement.refused) row('What to do', d.confinement.refused);
  section('Configuration');
  lines.push(...configurationRows(d.configuration, d.ignoredSettings ?? []));
  return lines.join('\n') + '\n';
}

/** The longest one-line value; a longer one (ai.prices, a map of models) is printed as indented JSON below its key. */
const ONE_LINE_VALUE = 60;

/** Settings in a column as wide as the longest key (`history.busyTimeoutSeconds` does not push its value out of line), each with where it came from. */
export function configurationRows(configuration: Diagnostics['configuration'], ignored: NonNullable<Diagnostics['ignoredSettings']>): string[] {
  const width = Math.max(22, ...Object.keys(configuration).map((key) => key.length), ...ignored.map((i) => i.key.length));
  const lines: string[] = [];
  for (const [key, setting] of Object.entries(configuration)) {
    const where = `[${setting.source}${setting.origin ? `: ${setting.origin}` : ''}]`;
    const value = JSON.stringify(setting.value) ?? 'undefined';
    if (value.length <= ONE_LINE_VALUE) {
      lines.push(`  ${key.padEnd(width)} ${value}  ${where}`);
      continue;
    }
    lines.push(`  ${key.padEnd(width)} ${where}`);
    for (const line of JSON.stringify(setting.value, null, 2).split('\n')) lines.push(`  ${' '.repeat(width)}   ${line}`);
  }
  for (const i of ignored) lines.push(`  ${i.key.padEnd(width)} ignored in ${i.origin}: ${i.reason}`);
  return lines;
}
