// Replays the planted bugs of docs/testing.md ("Planted bugs"): each mutation is applied to a
// temporary copy of this working tree (tracked and untracked files, node_modules linked), the
// test files named for it run, and they must FAIL; then the file is restored. First the same
// tests run on the unmutated copy and must pass, so a "kill" is never a test that fails anyway.
//
//   node scripts/mutations.mjs                 every mutation (npm run test:mutations)
//   node scripts/mutations.mjs circuit sandbox only those whose id contains one of the words
//   node scripts/mutations.mjs --list          the mutations and their tests, nothing run
//   node scripts/mutations.mjs --keep          keep the temporary copy (its path is printed)
//
// Exit 0 only when every selected mutation applied and was killed. A mutation whose text is no
// longer in its file is reported as "not applied" (the code moved: update MUTATIONS below).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATIONS } from './mutations.list.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const words = args.filter((a) => !a.startsWith('--'));
const selected = MUTATIONS.filter((m) => !words.length || words.some((w) => m.id.includes(w)));

if (args.includes('--list')) {
  for (const m of selected) console.log(`${m.id}\n  ${m.file}: ${m.what}\n  killed by: ${m.tests.join(', ')}${m.build ? ' (built CLI)' : ''}`);
  process.exit(0);
}
if (!selected.length) {
  console.error(`No mutation matches ${words.join(', ')}. Known: ${MUTATIONS.map((m) => m.id).join(', ')}`);
  process.exit(2);
}

// The tests run on the Node that `npm test` uses (the node@22 dev dependency), with tsx (.mocharc).
const node = existsSync(path.join(root, 'node_modules', '.bin', 'node')) ? path.join(root, 'node_modules', '.bin', 'node') : process.execPath;
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');

const copy = makeCopy();
console.error(`copy of ${root} in ${copy}`);
let distBuiltFrom = null; // null: not built; 'clean' or a mutation id
const results = [];
try {
  // Baseline: the killing tests pass on the unmutated source.
  const baselineTests = [...new Set(selected.flatMap((m) => m.tests))];
  if (selected.some((m) => m.build)) build('clean');
  const baseline = runTests(baselineTests);
  if (baseline.code !== 0) {
    console.error(`The tests fail WITHOUT any mutation, so no kill would mean anything:\n${baseline.tail}`);
    process.exitCode = 1;
  } else {
    console.error(`baseline: ${baselineTests.length} test files pass unmutated (${baseline.seconds} s)`);
    for (const m of selected) results.push(apply(m));
    report(results);
    process.exitCode = results.every((r) => r.verdict === 'killed') ? 0 : 1;
  }
} finally {
  if (keep) console.error(`kept ${copy}`);
  else rmSync(copy, { recursive: true, force: true });
}

function apply(m) {
  const file = path.join(copy, m.file);
  const original = readFileSync(file, 'utf8');
  const count = original.split(m.from).length - 1;
  if (count !== 1) return { m, verdict: 'not applied', detail: `the text to mutate occurs ${count} times in ${m.file}`, seconds: 0 };
  writeFileSync(file, original.replace(m.from, () => m.to));
  try {
    if (m.build) build(m.id);
    const run = runTests(m.tests);
    const verdict = run.code === 0 ? 'SURVIVED' : run.timedOut ? 'timed out' : 'killed';
    console.error(`${verdict.padEnd(8)} ${m.id} (${run.seconds} s)${run.failing ? `: ${run.failing}` : ''}`);
    return { m, verdict, detail: run.failing, seconds: run.seconds };
  } finally {
    writeFileSync(file, original);
  }
}

function runTests(tests) {
  const started = Date.now();
  const r = spawnSync(node, [mocha, '--reporter', 'dot', '--no-colors', ...tests], { cwd: copy, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 20 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  const failing = failures(out);
  return {
    code: r.status ?? 1,
    timedOut: r.error?.code === 'ETIMEDOUT',
    seconds: Math.round((Date.now() - started) / 100) / 10,
    failing: failing.length ? `${failing.length} failing; first: ${failing[0]}` : '',
    tail: out.split('\n').slice(-40).join('\n'),
  };
}

/** Mocha's failure list: "title › title: first line of the error" per failing test. */
function failures(out) {
  const lines = out.split('\n');
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s+\d+\) \S/.test(lines[i])) continue;
    const title = [lines[i].replace(/^\s+\d+\) /, '').trim()];
    let j = i + 1;
    for (; j < lines.length && lines[j].trim(); j++) title.push(lines[j].trim().replace(/:$/, ''));
    while (j < lines.length && !lines[j].trim()) j++;
    found.push(`${title.join(' › ')}: ${(lines[j] ?? '').trim().slice(0, 200)}`);
    i = j;
  }
  return found;
}

function build(from) {
  if (distBuiltFrom === from) return;
  const r = spawnSync(node, ['scripts/build.mjs'], { cwd: copy, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed (${from}):\n${r.stderr}`);
  distBuiltFrom = from;
}

/** The working tree as it is (tracked and untracked, not ignored) in a temp folder; node_modules linked. */
function makeCopy() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-mutations-'));
  const list = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (list.status !== 0) throw new Error(`git ls-files failed: ${list.stderr}`);
  for (const rel of new Set(list.stdout.split('\0').filter(Boolean))) {
    const from = path.join(root, rel);
    if (!existsSync(from) && !isLink(from)) continue; // deleted in the working tree
    const to = path.join(dir, rel);
    mkdirSync(path.dirname(to), { recursive: true });
    if (isLink(from)) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to);
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function report(rows) {
  const width = Math.max(...rows.map((r) => r.m.id.length));
  console.log(`\n${'mutation'.padEnd(width)}  result       seconds  killed by`);
  for (const r of rows) console.log(`${r.m.id.padEnd(width)}  ${r.verdict.padEnd(11)}  ${String(r.seconds).padStart(7)}  ${r.m.tests.map((t) => path.basename(t)).join(', ')}${r.verdict === 'killed' ? '' : `  (${r.detail})`}`);
  const killed = rows.filter((r) => r.verdict === 'killed').length;
  console.log(`\n${killed} of ${rows.length} mutations killed.`);
}
