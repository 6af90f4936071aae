// Turns the JSON lines of `npm run bench` into the Markdown table of docs/benchmarks.md:
//   npm run bench > bench.jsonl; node bench/table.mjs bench.jsonl
// For every figure the table says what exactly is timed (`timed`), how many runs (`runs`), the
// median and the spread (`minMs`–`maxMs`, the range of `samplesMs`, or a `spread` text for a figure
// that is not a time), and every target with its
// own verdict (`targets`: [{ figure, value, op, limit, unit, met }], see bench/support.ts). A line
// with only `targetMs` and `pass` (the older form) gets "median < targetMs" with `pass` as its verdict.
import { readFileSync } from 'node:fs';

const SHOWN = new Set(['name', 'timed', 'spread', 'medianMs', 'ms', 'minMs', 'maxMs', 'runs', 'samplesMs', 'targetMs', 'targets', 'pass', 'note', 'skipped', 'reason', 'error']);
const file = process.argv[2] ?? '/dev/stdin';
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l));

const fmt = (v) => (typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : typeof v === 'string' ? v : JSON.stringify(v));
const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
console.log('| benchmark | what is timed | runs | median | spread (min–max) | targets: met? | other figures |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
// Per-project evaluation rows have their own table (docs/evaluation.md); the step breakdown is a detail.
const DETAIL = /^strategy\.model\.evaluate\.|^pipeline\.dryRun\.steps$/;
for (const r of rows) {
  if (!r.name || DETAIL.test(r.name)) continue;
  const time = r.medianMs ?? r.ms;
  const median = time === undefined ? '' : `${fmt(time)} ms`;
  const samples = Array.isArray(r.samplesMs) && r.samplesMs.length ? r.samplesMs : undefined;
  const min = r.minMs ?? (samples ? Math.min(...samples) : undefined);
  const max = r.maxMs ?? (samples ? Math.max(...samples) : undefined);
  const spread = typeof r.spread === 'string' ? r.spread : min !== undefined && max !== undefined ? `${fmt(min)}–${fmt(max)} ms` : time !== undefined && r.runs === 1 ? 'one run' : '';
  const runs = r.runs ?? (samples ? samples.length : time !== undefined ? 1 : '');
  const other = Object.entries(r)
    .filter(([k, v]) => !SHOWN.has(k) && !/^target/.test(k) && !/Pass$/.test(k) && (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length < 60)))
    .slice(0, 7)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
  console.log(`| \`${r.name}\` | ${cell(r.timed ?? (r.skipped || r.error ? '' : '**not stated**'))} | ${runs} | ${median} | ${spread} | ${cell(verdicts(r))} | ${cell(other)} |`);
}

/** Every target of the line with its own verdict. */
function verdicts(r) {
  if (r.skipped) return `skipped (${r.reason})`;
  if (r.error) return `**error** (${r.error})`;
  const checks = Array.isArray(r.targets) ? r.targets : r.targetMs !== undefined ? [{ figure: 'median', value: r.medianMs ?? r.ms ?? null, op: '<', limit: r.targetMs, unit: 'ms', met: Boolean(r.pass) }] : [];
  const unknown = Object.keys(r).filter((k) => /^target/.test(k) && k !== 'targets' && k !== 'targetMs' && !Array.isArray(r.targets));
  const parts = checks.map((c) => c.text ? `${c.text}: ${c.met ? 'yes' : '**no**'}` : `${c.figure} ${c.value === null ? 'n/a' : fmt(c.value)}${c.unit && c.unit !== '%' ? ' ' : ''}${c.unit} ${c.op} ${fmt(c.limit)}${c.unit && c.unit !== '%' ? ' ' : ''}${c.unit}: ${c.met ? 'yes' : '**no**'}`);
  // An older line with a target the table cannot judge by itself: shown, with the line's overall verdict.
  for (const k of unknown) parts.push(`${k.replace(/^target/, '').replace(/^./, (ch) => ch.toLowerCase())} ${fmt(r[k])}: ${r.pass === undefined ? '?' : r.pass ? 'yes (overall)' : '**no** (overall)'}`);
  return parts.join('; ');
}
