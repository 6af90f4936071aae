import type { ConfigGeneration } from './generate';
import type { Choice } from './types';
import { plural } from '../plural';

const pct = (n: number) => `${Math.round(n * 100)}%`;

/** A choice, its reason, and the evidence the reason does not name already ("the version the project declares (go.mod)" needs no second "(go.mod)"). */
function choiceLine(c: Choice): string {
  const unsaid = c.evidence.filter((e) => !c.reason.includes(e));
  return `  ${c.what}: ${c.value}\n      ${c.reason}${unsaid.length ? ` (${unsaid.join(', ')})` : ''} — ${pct(c.confidence)}`;
}

/** A generation as a person reads it in a terminal: each file, then why each choice, what is unknown, what the checks found. */
export function formatGeneration(g: ConfigGeneration): string {
  const out: string[] = [];
  for (const f of g.files) out.push(`──── ${f.path}${f.mode === 'merge' ? ' (merged into the existing file when written)' : ''}`, f.content.trimEnd(), '');
  if (g.skipped) out.push(`Nothing generated: ${g.skipped}.`, '');
  if (g.choices.length) out.push('Why:', ...g.choices.map(choiceLine), '');
  if (g.unknowns.length) out.push('Not known (nothing generated for it):', ...g.unknowns.map((u) => `  ${u.what}: ${u.why}\n      → ${u.hint}`), '');
  if (g.checks.length) {
    out.push('Checks:');
    for (const r of g.checks) out.push(r.problems.length ? `  ✗ ${r.file}: ${plural(r.problems.length, 'problem')}` : `  ✓ ${r.file}: ${r.ran.join(', ')}`, ...r.problems.map((p) => `      ${p.line ? `line ${p.line}: ` : ''}[${p.rule}] ${p.message}`));
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
