import type { RunComparison } from './compare';
import type { EvalRun, EvalRunInfo, EvalSummary, TaskResult } from './types';

const n = (value: number) => value.toLocaleString('en-US');
const usd = (value: number) => `$${value.toFixed(4)}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(0)}%`);

/** One line per task run, then the totals: what `deploy-agent eval` prints. */
export function formatRun(run: EvalRun): string {
  const lines = [`Eval run ${run.run.id}: ${describeRun(run.run)}`, ''];
  lines.push(row(['task', 'run', 'solved', 'pipeline', 'turns', 'tools', 'repairs', 'input (cache read / written)', 'output', 'cost', 'wall', 'loads']));
  for (const r of run.results) lines.push(resultRow(r));
  lines.push('', ...formatSummary(run.summary));
  const errors = run.results.filter((r) => r.error);
  if (errors.length) {
    lines.push('', 'Why tasks failed:');
    for (const r of errors) lines.push(`  ${r.taskId} #${r.repeat}: ${r.error}${r.hidden.error ? ` (hidden tests: ${r.hidden.error})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export function describeRun(info: EvalRunInfo): string {
  const source = info.source === 'replay' ? `replayed from ${info.replayedFrom} (no model)` : `live${info.recordedTo ? `, recorded to ${info.recordedTo}` : ''}`;
  return `${info.provider} ${info.model}, tasks "${info.tasks}" × ${info.repeat}, strategy ${info.strategy}, ${source}, Deploy Agent ${info.version}`;
}

function resultRow(r: TaskResult): string {
  const hidden = r.hidden.error ? 'no (did not run)' : r.solved ? `yes (${r.hidden.passed})` : `no (${r.hidden.failed} of ${r.hidden.passed + r.hidden.failed} failed)`;
  const verdict = `${r.verdict}${r.falseSuccess ? ' (FALSE)' : ''}`;
  const input = `${n(r.inputTokens)} (${n(r.cacheReadTokens)} / ${n(r.cacheWriteTokens)})`;
  return row([r.taskId, `#${r.repeat}`, hidden, verdict, String(r.turns), String(r.toolCalls), String(r.repairs), input, n(r.outputTokens), usd(r.costUsd), seconds(r.wallMs), String(r.modelLoads)]);
}

export function formatSummary(s: EvalSummary): string[] {
  return [
    `Solved:            ${s.solved} of ${s.runs} (${percent(s.solveRate)}) — the hidden acceptance tests passed`,
    `Pipeline verdict:  ${s.pipelineSucceeded} said succeeded, of which ${s.falseSuccesses} falsely (hidden tests fail)`,
    `Turns / tools:     ${s.turns} model turns, ${s.toolCalls} tool calls, ${s.repairs} repair rounds`,
    `Tokens:            ${n(s.inputTokens)} input (${n(s.cacheReadTokens)} read from the prompt cache, ${n(s.cacheWriteTokens)} written to it, ${n(s.inputTokens - s.cacheReadTokens - s.cacheWriteTokens)} uncached), ${n(s.outputTokens)} output`,
    `Cost:              ${usd(s.costUsd)}`,
    `Wall time:         ${seconds(s.wallMs)}`,
    `Model loads:       ${s.modelLoads}`,
  ];
}

/** Two runs side by side (`deploy-agent eval compare A B`). */
export function formatComparison(c: RunComparison): string {
  const lines = [`A  ${c.a.id}: ${describeRun(c.a)}`, `B  ${c.b.id}: ${describeRun(c.b)}`, ''];
  lines.push(row(['figure', 'A', 'B', 'B − A']));
  const { a, b, delta } = c.summary;
  const figure = (label: string, key: keyof EvalSummary, show: (v: number) => string = String) =>
    lines.push(row([label, a[key] === null ? '—' : show(a[key]!), b[key] === null ? '—' : show(b[key]!), delta[key] === null ? '—' : `${delta[key]! > 0 ? '+' : ''}${show(delta[key]!)}`]));
  figure('task runs', 'runs');
  figure('solved', 'solved');
  figure('solve rate', 'solveRate', (v) => `${(v * 100).toFixed(0)}%`);
  figure('pipeline said succeeded', 'pipelineSucceeded');
  figure('false successes', 'falseSuccesses');
  figure('model turns', 'turns');
  figure('tool calls', 'toolCalls');
  figure('repair rounds', 'repairs');
  figure('input tokens', 'inputTokens', n);
  figure('  read from cache', 'cacheReadTokens', n);
  figure('  written to cache', 'cacheWriteTokens', n);
  figure('output tokens', 'outputTokens', n);
  figure('cost', 'costUsd', usd);
  figure('wall time', 'wallMs', seconds);
  figure('model loads', 'modelLoads');
  lines.push('', row(['task', 'A solved', 'B solved']));
  for (const t of c.tasks) lines.push(row([t.taskId, t.a.runs ? `${t.a.solved}/${t.a.runs}` : '—', t.b.runs ? `${t.b.solved}/${t.b.runs}` : '—']));
  if (c.regressions.length) lines.push('', `Solved in A, not in B: ${c.regressions.join(', ')}`);
  if (c.improvements.length) lines.push('', `Solved in B, not in A: ${c.improvements.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** The runs in the history database (`deploy-agent eval runs`). */
export function formatRuns(runs: (EvalRunInfo & { results: number; solved: number })[]): string {
  if (!runs.length) return 'No eval runs yet: run `deploy-agent eval` (docs/evaluation.md).\n';
  return `${runs.map((r) => `${r.id}  ${new Date(r.startedAt).toISOString().slice(0, 16).replace('T', ' ')}  ${r.solved}/${r.results} solved  ${describeRun(r)}`).join('\n')}\n`;
}

const WIDTHS = [30, 4, 18, 20, 6, 6, 8, 30, 9, 10, 9, 5];
function row(cells: string[]): string {
  return cells
    .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(Math.max(WIDTHS[i] ?? 12, cell.length + 1))))
    .join(' ')
    .trimEnd();
}
