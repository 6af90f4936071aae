import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { DeploymentsRepository } from '../store/deployments';
import { EventsRepository, StepsRepository, TestRunsRepository } from '../store/steps';
import type { HookRun } from '../pipeline/hooks';

/**
 * The deployment report: JSON and Markdown next to the
 * history database — the outcome, every step with its duration, the decisions, the test runs,
 * performance against the median of earlier deployments of the repository.
 */
export function writeReport(db: Database.Database, dbPath: string, deploymentId: string): { json: string; markdown: string } | undefined {
  const row = new DeploymentsRepository(db).get(deploymentId);
  if (!row) return undefined;
  const steps = new StepsRepository(db).list(deploymentId).map((s) => ({
    name: s.name,
    status: s.status,
    durationMs: s.finishedAt === null ? null : s.finishedAt - s.startedAt,
    error: s.errorCode ? { code: s.errorCode, message: s.errorMessage } : null,
  }));
  const tests = new TestRunsRepository(db).list(deploymentId).map((t) => ({ framework: t.framework, command: t.command, passed: t.passed, failed: t.failed, skipped: t.skipped, durationMs: t.durationMs }));
  const decisions = db.prepare(`SELECT kind, chosen, reason, created_at AS at FROM decisions WHERE deployment_id = ? ORDER BY id`).all(deploymentId) as { kind: string; chosen: string; reason: string; at: number }[];
  const earlier = (db.prepare(`SELECT duration_ms AS d FROM deployments WHERE repo_path = ? AND id != ? AND status = 'succeeded' AND duration_ms IS NOT NULL ORDER BY created_at DESC LIMIT 20`).all(row.repoPath, deploymentId) as { d: number }[]).map((r) => r.d).sort((a, b) => a - b);
  const medianEarlier = earlier.length ? earlier[Math.floor(earlier.length / 2)]! : null;
  const hooks = new EventsRepository(db).list(deploymentId, 'hook.run').map((e) => e.payload as HookRun);
  const report = {
    id: row.id,
    title: row.title,
    status: row.status,
    mode: row.mode,
    strategy: row.strategy,
    environment: row.environment,
    branch: row.branch,
    commit: row.commitSha,
    prUrl: row.prUrl,
    durationMs: row.durationMs,
    performance: { medianOfEarlierMs: medianEarlier, ratio: medianEarlier && row.durationMs ? Math.round((row.durationMs / medianEarlier) * 100) / 100 : null },
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage } : null,
    steps,
    decisions,
    tests,
    hooks,
  };
  const dir = path.join(path.dirname(dbPath), 'reports');
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${deploymentId}.json`);
  const markdown = path.join(dir, `${deploymentId}.md`);
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  const md = [
    `# Deployment ${row.id}: ${row.title}`,
    '',
    `**${row.status}** — mode ${row.mode}, strategy ${row.strategy ?? '—'}, ${((row.durationMs ?? 0) / 1000).toFixed(1)} s${medianEarlier ? ` (median of earlier: ${(medianEarlier / 1000).toFixed(1)} s)` : ''}`,
    '',
    ...(row.branch ? [`Branch \`${row.branch}\`${row.commitSha ? `, commit \`${row.commitSha.slice(0, 12)}\`` : ''}${row.prUrl ? `, pull request ${row.prUrl}` : ''}`, ''] : []),
    ...(row.errorCode ? [`Error \`${row.errorCode}\`: ${row.errorMessage}`, ''] : []),
    '## Steps',
    '',
    '| Step | Status | Duration |',
    '| --- | --- | --- |',
    ...steps.map((s) => `| ${s.name} | ${s.status}${s.error ? ` (${s.error.code})` : ''} | ${s.durationMs === null ? '—' : `${s.durationMs} ms`} |`),
    '',
    '## Decisions',
    '',
    ...(decisions.length ? decisions.map((d) => `- **${d.kind}**: ${d.chosen} — ${d.reason}`) : ['- none recorded']),
    '',
    '## Tests',
    '',
    ...(tests.length ? tests.map((t, i) => `- run ${i + 1}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${t.command ?? t.framework ?? '?'}, ${t.durationMs} ms)`) : ['- no test run']),
    '',
    ...(hooks.length
      ? ['## Hooks', '', ...hooks.flatMap((h) => [`- ${h.stage} \`${h.command}\`: ${h.timedOut ? 'timed out' : `exit ${h.exitCode}`} (${h.durationMs} ms)`, ...(h.output.trim() ? ['', '  ```', ...h.output.trim().split('\n').slice(-20).map((l) => `  ${l}`), '  ```', ''] : [])]), '']
      : []),
  ].join('\n');
  writeFileSync(markdown, md);
  return { json, markdown };
}
