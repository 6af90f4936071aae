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
  for (const [key, setting] of Object.entries(d.configuration)) {
    row(key, `${JSON.stringify(setting.value)}  [${setting.source}${setting.origin ? `: ${setting.origin}` : ''}]`);
  }
  for (const i of d.ignoredSettings ?? []) lines.push(`  ${i.key.padEnd(22)} ignored in ${i.origin}: ${i.reason}`);
  return lines.join('\n') + '\n';
}
