import type { IntegrationReport, ProjectProfile } from './types';
import { plural } from '../plural';

const pct = (n: number) => `${Math.round(n * 100)}%`;

function section(p: ProjectProfile, indent: string): string[] {
  const out: string[] = [];
  const line = (label: string, value: string | null | undefined, key?: string) => {
    if (!value) return;
    const d = key ? p.detections[key] : undefined;
    out.push(`${indent}${label.padEnd(16)}${value}${d ? `  (${pct(d.confidence)}: ${d.evidence.slice(0, 2).join(', ')})` : ''}`);
  };
  line('languages', p.languages.map((l) => `${l.name} ${plural(l.files, 'file')}`).join(', ') || 'none found');
  line('primary', p.primaryLanguage);
  line('frameworks', p.frameworks.map((f) => `${f.name}${f.version ? ` ${f.version}` : ''} (${pct(f.confidence)})`).join(', ') || 'none found');
  line('package manager', p.packageManager, 'packageManager');
  line('build tool', p.buildTool, 'buildTool');
  line('runtime', p.runtime ? `${p.runtime.name}${p.runtime.range || p.runtime.version ? ` ${p.runtime.range || p.runtime.version}` : ''}` : null, 'runtime');
  for (const k of ['install', 'build', 'test', 'start', 'dev', 'migrate'] as const) line(k, p.commands[k], p.detections[`commands.${k}`] ? `commands.${k}` : undefined);
  line('port', p.port !== null ? String(p.port) : null, 'port');
  line('tests', p.tests.framework ? `${p.tests.framework}, ${plural(p.tests.files, 'file')} in ${p.tests.dirs.slice(0, 4).join(', ') || '.'}` : p.tests.files ? `${plural(p.tests.files, 'file')}, framework unknown` : 'none found');
  line('dependencies', p.dependencies.length ? `${p.dependencies.filter((d) => !d.dev).length} runtime, ${p.dependencies.filter((d) => d.dev).length} dev` : null);
  line('env vars', p.envVars.join(', '));
  line('ci', p.ci.map((c) => c.provider).join(', '));
  line('docker', [...p.docker.dockerfiles, ...p.docker.compose].join(', '));
  line('data models', p.dataInventory.models.length ? p.dataInventory.models.slice(0, 12).map((m) => m.name).join(', ') + (p.dataInventory.models.length > 12 ? ' …' : '') : null);
  return out;
}

/** The profile as a human reads it in a terminal. */
export function formatProfile(p: ProjectProfile, integration?: IntegrationReport): string {
  const out = [`${p.name ?? p.root}  (${p.root})`, ...section(p, '  ')];
  const s = p.structure;
  out.push(`  ${'structure'.padEnd(16)}${plural(s.files, 'file')}: ${s.sourceFiles} source, ${s.testFiles} test, ${s.configFiles} config, ${s.docsFiles} docs (${s.source}, ${s.readCount} read)`);
  if (s.skipped.count) out.push(`  ${'skipped'.padEnd(16)}${Object.entries(s.skipped.byReason).map(([r, n]) => `${n} ${r}`).join(', ')}`);
  for (const sub of p.projects) out.push('', `  ${sub.path}${sub.name ? ` (${sub.name})` : ''}`, ...section(sub, '    '));
  if (integration) {
    out.push('', 'integration');
    for (const f of integration.rankedFiles.slice(0, 10)) out.push(`  ${f.score.toFixed(2)}  ${f.path}${f.reasons.length ? `  — ${f.reasons.slice(0, 2).join('; ')}` : ''}`);
    out.push(`  ${integration.suggestedLocations.existing ? 'change' : 'new code in'} ${integration.suggestedLocations.code}, tests in ${integration.suggestedLocations.tests}`);
    for (const r of integration.reuse.slice(0, 6)) out.push(`  reuse ${r.kind}: ${r.path}`);
    for (const m of integration.missingDependencies) out.push(`  missing dependency: ${m.name} (${m.ecosystem})`);
    for (const g of integration.dataGaps) out.push(`  data gap: ${g.message}`);
  }
  out.push('', `analysed in ${p.durationMs} ms`);
  return out.join('\n') + '\n';
}
