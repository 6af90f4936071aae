import type { FileEntry } from './types';

/** About four characters a token (the same rough measure prompts are budgeted with). */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/**
 * A text map of the repository for a prompt, within `tokenBudget`: the most relevant files
 * first (with their exported symbols), grouped by folder; what does not fit is summarised
 * per folder as a count.
 */
export function buildRepoMap(files: readonly FileEntry[], tokenBudget: number, priority: (f: FileEntry) => number = () => 0): string {
  const candidates = files.filter((f) => f.kind === 'source' || f.kind === 'test' || f.kind === 'config');
  const order = [...candidates].sort((a, b) => priority(b) - priority(a) || kindRank(a) - kindRank(b) || a.path.split('/').length - b.path.split('/').length || a.path.localeCompare(b.path));
  const budget = Math.max(0, tokenBudget) * 4;
  const chosen: FileEntry[] = [];
  let used = 0;
  const reserve = Math.min(400, budget * 0.15); // room for the summary of what was left out
  for (const f of order) {
    const cost = lineFor(f).length + 8;
    if (used + cost > budget - reserve) continue;
    chosen.push(f);
    used += cost;
  }
  const chosenSet = new Set(chosen);
  const byDir = new Map<string, FileEntry[]>();
  for (const f of chosen) {
    const dir = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '.';
    byDir.set(dir, [...(byDir.get(dir) ?? []), f]);
  }
  const lines: string[] = [];
  for (const dir of [...byDir.keys()].sort()) {
    lines.push(dir === '.' ? './' : `${dir}/`);
    for (const f of byDir.get(dir)!.sort((a, b) => a.path.localeCompare(b.path))) lines.push(`  ${lineFor(f)}`);
  }
  const omitted = new Map<string, number>();
  for (const f of candidates) {
    if (chosenSet.has(f)) continue;
    const top = f.path.split('/').slice(0, 2).join('/');
    omitted.set(top, (omitted.get(top) ?? 0) + 1);
  }
  if (omitted.size) {
    const summary = [...omitted.entries()].sort((a, b) => b[1] - a[1]);
    let text = '';
    for (const [dir, count] of summary) {
      const piece = `${text ? ', ' : ''}${dir}${dir.includes('.') && !dir.includes('/') ? '' : '/'} (${count})`;
      if (text.length + piece.length + 40 > Math.max(reserve, 60)) {
        text += `${text ? ', ' : ''}…`;
        break;
      }
      text += piece;
    }
    lines.push(`(not shown: ${[...omitted.values()].reduce((a, b) => a + b, 0)} files: ${text})`);
  }
  let out = lines.join('\n');
  while (estimateTokens(out) > tokenBudget && lines.length > 1) {
    lines.splice(lines.length - 2, 1);
    out = lines.join('\n');
  }
  return estimateTokens(out) > tokenBudget ? out.slice(0, Math.max(0, tokenBudget * 4)) : out;
}

function kindRank(f: FileEntry): number {
  return f.kind === 'source' ? 0 : f.kind === 'config' ? 1 : 2;
}

function lineFor(f: FileEntry): string {
  const name = f.path.slice(f.path.lastIndexOf('/') + 1);
  const symbols = (f.facts?.exports ?? []).filter((s) => s !== 'default').slice(0, 8);
  return symbols.length ? `${name}: ${symbols.join(', ')}` : name;
}
