import type Database from 'better-sqlite3';
import { EventsRepository, StepsRepository } from '../store/steps';

/** What a release's report adds (a deployment of kind `release`, src/core/release): read from its request, steps and events. */
export interface ReleaseReportPart {
  target: string | null;
  mode: string | null;
  release: string | null;
  ref: string | null;
  hosts: { host: string; previous: string | null; switched: boolean; health: { status: number; ms: number } | null }[];
  strategy: { name: string; batchSize: number; watchMinutes: number; reasons: string[] } | null;
  batches: string[][];
  recoveries: { host: string; step: string; patternId: string | null; action: string; worked: boolean; recoveredMs: number | null; detail?: string }[];
  breach: { host: string; what: string } | null;
}

export function collectReleasePart(db: Database.Database, deploymentId: string, row: { target: string | null; mode: string | null }): ReleaseReportPart {
  const events = new EventsRepository(db);
  const request = (events.latest(deploymentId, 'request')?.payload ?? {}) as { release?: string; ref?: string; levers?: ReleaseReportPart['strategy']; batches?: string[][] };
  const state: { hosts?: Record<string, { previous: string | null; switched?: boolean }>; health?: Record<string, { status: number; ms: number }> } = {};
  for (const step of new StepsRepository<string>(db).list(deploymentId)) if (step.artifacts && typeof step.artifacts === 'object') Object.assign(state, step.artifacts);
  const breach = events.latest(deploymentId, 'release.watch.breach')?.payload as { host: string; what: string } | undefined;
  return {
    target: row.target,
    mode: row.mode,
    release: request.release ?? null,
    ref: request.ref ?? null,
    hosts: Object.entries(state.hosts ?? {}).map(([host, h]) => ({ host, previous: h.previous, switched: Boolean(h.switched), health: state.health?.[host] ?? null })),
    strategy: request.levers ?? null,
    batches: request.batches ?? [],
    recoveries: events.list(deploymentId, 'release.recovery').map((e) => e.payload as ReleaseReportPart['recoveries'][number]),
    breach: breach ? { host: breach.host, what: breach.what } : null,
  };
}

export function renderReleaseMarkdown(r: ReleaseReportPart): string[] {
  const lines = ['## Release', ''];
  lines.push(`- target **${r.target ?? '—'}**, ${r.mode === 'rollback' ? 'rollback to' : 'release'} \`${r.release ?? '—'}\`${r.ref && r.mode !== 'rollback' ? ` of ${r.ref}` : ''}`);
  if (r.strategy) lines.push(`- strategy ${r.strategy.name}: batches of ${r.strategy.batchSize} (${r.batches.map((b) => b.join(', ')).join(' → ')}), watched ${r.strategy.watchMinutes} min — ${r.strategy.reasons.join('; ')}`);
  for (const h of r.hosts) lines.push(`- ${h.host}: ${h.previous ? `was ${h.previous}` : 'first release'}${h.switched ? ', switched' : ''}${h.health ? `, health ${h.health.status} in ${h.health.ms} ms` : ''}`);
  if (r.breach) lines.push(`- watch breach on ${r.breach.host}: ${r.breach.what}`);
  lines.push('', '### Recoveries', '');
  if (!r.recoveries.length) lines.push('- none needed');
  for (const x of r.recoveries) lines.push(`- ${x.host}, ${x.step}: ${x.action}${x.patternId ? ` for ${x.patternId}` : ''} — ${x.worked ? `worked${x.recoveredMs !== null ? ` in ${(x.recoveredMs / 1000).toFixed(1)} s` : ''}` : 'did not work'}${x.detail ? ` (${x.detail})` : ''}`);
  lines.push('');
  return lines;
}
