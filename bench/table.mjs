// Turns the JSON lines of `npm run bench` into the Markdown table of the README:
//   npm run bench > bench.jsonl; node bench/table.mjs bench.jsonl
import { readFileSync } from 'node:fs';

const SKIP = new Set(['name', 'medianMs', 'ms', 'targetMs', 'pass', 'runs', 'samplesMs', 'note', 'skipped', 'reason', 'error']);
const file = process.argv[2] ?? '/dev/stdin';
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l));

const fmt = (v) => (typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : typeof v === 'string' ? v : JSON.stringify(v));
console.log('| benchmark | median | target | met | other figures |');
console.log('| --- | --- | --- | --- | --- |');
// Per-project evaluation rows have their own table (README "Outcome model evaluation"); the step breakdown is a detail.
const DETAIL = /^strategy\.model\.evaluate\.|^pipeline\.dryRun\.steps$/;
for (const r of rows) {
  if (!r.name || DETAIL.test(r.name)) continue;
  const time = r.medianMs ?? r.ms;
  const median = time === undefined ? '' : `${fmt(time)} ms`;
  const target = r.targetMs !== undefined ? `${r.targetMs} ms` : Object.entries(r).filter(([k]) => /^target/.test(k) && k !== 'targetMs').map(([k, v]) => `${k.replace(/^target/, '').replace(/^./, (c) => c.toLowerCase())} ${fmt(v)}`).join(', ');
  const met = r.skipped ? `skipped (${r.reason})` : r.error ? `**error** (${r.error})` : r.pass === undefined ? '' : r.pass ? 'yes' : '**no**';
  const other = Object.entries(r)
    .filter(([k, v]) => !SKIP.has(k) && !/^target/.test(k) && (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length < 40)))
    // The figure a target is about comes first (percentOfOneCore for a `targetPercent`, …).
    .sort(([a], [b]) => Number(isTargeted(b, r)) - Number(isTargeted(a, r)))
    .slice(0, 7)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
  console.log(`| \`${r.name}\` | ${median} | ${target} | ${met} | ${other} |`);
}

function isTargeted(key, row) {
  return Object.keys(row).some((k) => k.startsWith('target') && k !== 'targetMs' && key.toLowerCase().includes(k.slice(6).toLowerCase()));
}
