import { describeOmitted } from '../recommendation/fit';
import type { DeploymentReport } from './collect';
import { renderReleaseMarkdown } from './release';
import { renderRequirementTable } from './requirements';
import { uncachedInput } from '../ai/usage-text';
import { plural } from '../plural';

const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** The Markdown form of a deployment report (the JSON form is the DeploymentReport itself). */
export function renderReportMarkdown(r: DeploymentReport): string {
  const lines: string[] = [
    `# Deployment ${r.id}: ${r.title}`,
    '',
    `**${r.status}** — mode ${r.mode ?? '—'}, strategy ${r.strategy ?? '—'}, environment ${r.environment ?? '—'}, ${seconds(r.durationMs)}` +
      (r.performance.medianOfEarlierMs !== null ? ` (median of ${r.performance.earlierCount} earlier: ${seconds(r.performance.medianOfEarlierMs)}, ratio ${r.performance.ratio ?? '—'})` : ' (no earlier deployment to compare with)'),
    '',
  ];
  if (r.branch) lines.push(`Branch \`${r.branch}\`${r.commit ? `, commit \`${r.commit.slice(0, 12)}\`` : ''}${r.prUrl ? `, pull request ${r.prUrl}` : ''}`, '');
  if (r.error) lines.push(`Error \`${r.error.code}\`: ${r.error.message ?? ''}`, '');
  if (r.release) lines.push(...renderReleaseMarkdown(r.release));

  if (r.requirements.length) lines.push('## Requirements → files → tests → result', '', ...renderRequirementTable(r.requirements), '');
  if (r.recommendation?.omitted.length) {
    lines.push('## Left out of the prompts', '', 'The recommendation was larger than the prompt budget; the model did not see:', '', ...describeOmitted(r.recommendation.omitted).map((d) => `- ${d}`), '');
  }

  lines.push('## Decisions', '');
  if (!r.decisions.length) lines.push('- none recorded');
  for (const d of r.decisions) {
    const p = d.probabilities ? ` (P(success): ${Object.entries(d.probabilities).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')})` : '';
    lines.push(`- **${d.kind}**: ${d.chosen}${p} — ${d.reason}`);
  }
  lines.push('', '## Steps', '', '| Step | Status | Duration |', '| --- | --- | --- |');
  for (const s of r.steps) {
    const status = s.status === 'skipped' ? `not run${s.note ? `: ${s.note}` : ''}` : `${s.status}${s.error ? ` (${s.error.code})` : ''}${s.runs > 1 ? ` (${s.runs} runs)` : ''}`;
    lines.push(`| ${s.name} | ${status} | ${s.durationMs === null ? '—' : `${s.durationMs} ms`} |`);
  }

  lines.push('', '## Model calls', '');
  if (!r.modelCalls.length) lines.push('- none');
  else {
    // Input: all of it, then the part read from the provider's prompt cache (a tenth of the price), written to it (1.25×), and the rest.
    lines.push(
      '| Phase | Provider | Model | Calls | Input tokens | of which cache read | cache written | uncached | Output tokens | Cost | Time |',
      '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    const input = (c: { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number }) => `${c.inputTokens} | ${c.cacheReadTokens} | ${c.cacheWriteTokens} | ${uncachedInput(c)}`;
    for (const c of r.modelCalls) lines.push(`| ${c.phase ?? '—'} | ${c.provider} | ${c.model} | ${c.calls}${c.errors ? ` (${c.errors} failed)` : ''}${c.cached ? ` (${c.cached} cached)` : ''} | ${input(c)} | ${c.outputTokens} | $${c.costUsd.toFixed(4)} | ${seconds(c.durationMs)} |`);
    const t = r.modelTotals;
    lines.push(`| **total** | | | ${t.calls} | ${input(t)} | ${t.outputTokens} | $${t.costUsd.toFixed(4)} | ${seconds(t.durationMs)} |`);
  }

  lines.push('', '## Tests', '');
  if (r.confinement) lines.push(`Model-written code (tests, gates, hooks) ran ${r.confinement.kind === 'unconfined' ? '' : 'confined by '}${r.confinement.description}.`, '');
  if (!r.tests.length) lines.push('- no test run');
  r.tests.forEach((t, i) => lines.push(`- run ${i + 1}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${t.coverage !== null ? `, coverage ${t.coverage.toFixed(1)}%` : ''} (${t.command ?? t.framework ?? '?'}, ${t.durationMs ?? '—'} ms)`));

  if (r.qualityGates.length) {
    lines.push('', '## Quality gates', '');
    for (const g of r.qualityGates) {
      if (g.skipped) lines.push(`- ${g.gate}: skipped — ${g.skipped}`);
      else lines.push(`- ${g.gate} (\`${g.command}\`): ${g.ok ? 'passed' : `**failed** — ${g.problems.slice(0, 5).join('; ')}`}${g.preexisting ? ` (${plural(g.preexisting, 'older problem')} elsewhere, not held against the change)` : ''}`);
    }
  }

  lines.push('', '## Repairs', '');
  if (!r.repairs.length) lines.push('- none needed');
  for (const rep of r.repairs) lines.push(`- round ${rep.round} (${rep.action}${rep.automatic ? ', automatic' : ''}): error pattern ${rep.patternId ?? 'not matched'} — ${rep.answered && rep.answered !== 'tests' ? `${rep.answered} problems ${rep.succeeded ? 'gone afterwards' : 'still there'}` : rep.succeeded ? 'tests passed afterwards' : 'tests still failing'} (${seconds(rep.durationMs)})`);

  if (r.systemImpact.length) {
    lines.push('', '## System impact', '');
    for (const s of r.systemImpact) {
      lines.push(
        `- ${seconds(s.wallMs)} wall; CPU: agent ${seconds(s.agentCpuMs)}, child processes ${s.childCpuMs === null ? 'not reported' : seconds(s.childCpuMs)} (${s.coresUsed} of ${s.machine.cores} cores on average); peak memory of the agent ${s.peakRssMb} MB`,
        `- machine during the run: load average ${s.machine.loadAverage1.start} → max ${s.machine.loadAverage1.max}; memory used ${s.machine.memoryUsedPercent.start}% → max ${s.machine.memoryUsedPercent.max}% (${s.machine.samples} samples)`,
      );
    }
  }
  if (r.hooks.length) {
    lines.push('', '## Hooks', '');
    for (const h of r.hooks) {
      lines.push(`- ${h.stage} \`${h.command}\`: ${h.timedOut ? 'timed out' : `exit ${h.exitCode}`} (${h.durationMs} ms)`);
      if (h.output.trim()) lines.push('', '  ```', ...h.output.trim().split('\n').slice(-20).map((l) => `  ${l}`), '  ```', '');
    }
  }
  if (r.choice) {
    lines.push('', '## Integration points chosen by the user', '');
    if (r.choice.addedFiles?.length) lines.push(`- added: ${r.choice.addedFiles.map((f) => `\`${f}\``).join(', ')}`);
    if (r.choice.excludedIntegrationPoints?.length) lines.push(`- left out: ${r.choice.excludedIntegrationPoints.map((f) => `\`${f}\``).join(', ')}`);
  }
  if (r.change) {
    const added = r.change.files.reduce((n, f) => n + f.added, 0);
    const removed = r.change.files.reduce((n, f) => n + f.removed, 0);
    lines.push('', '## The change', '', `${plural(r.change.files.length, 'file')}, +${added} −${removed}`, '', '| File | Change | + | − |', '| --- | --- | ---: | ---: |');
    for (const f of r.change.files) lines.push(`| \`${f.path}\` | ${f.change} | ${f.added} | ${f.removed} |`);
    // A fence longer than any run of backticks in the diff, so the diff cannot close it.
    const fence = '`'.repeat(Math.max(3, ...[...r.change.diff.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    lines.push('', `${fence}diff`, r.change.diff.replace(/\n$/, ''), fence);
    if (r.change.truncated) lines.push('', `(cut at ${r.change.diff.length.toLocaleString('en-US')} of ${r.change.chars.toLocaleString('en-US')} characters)`);
  }
  if (r.warnings.length) lines.push('', '## Warnings', '', ...r.warnings.map((w) => `- ${w}`));
  return lines.join('\n') + '\n';
}
