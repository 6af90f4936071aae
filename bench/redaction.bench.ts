// Secret redaction on output the size a deployment produces: a test run's output at its cap
// (64 KiB), a large transcript (1 MiB) and a worst case (8 MiB) of stack traces, SHAs and
// `key=value` lines, with 60 known values (a deployment's environment and secret files).
// Side by side in one run with JSON.stringify of the same text — what every database write does
// anyway — as the ratio. Target: a capped test output in under 5 ms; the 8 MiB worst case under
// 1.5 s (both are far above what any one write carries).
// Run alone: npx tsx bench/redaction.bench.ts
import { Redactor } from '../src/core/security/redactor';
import { median, target, time, timing, verdict } from './support';

const RUNS = 7;
const KNOWN = 60;

function output(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line =
      i % 7 === 0
        ? `commit=${(i * 2654435761).toString(16).padStart(8, '0').repeat(5)} tree ${(i * 40503).toString(16).padStart(40, '0')}`
        : i % 5 === 0
          ? `  DEBUG=app:* PORT=${3000 + (i % 10)} NODE_ENV=test TIMEOUT_MS=${i % 500}`
          : `    at Object.<anonymous> (/tmp/deploy-agent-worktrees/calc-1a2b/src/module${i % 40}.js:${i % 300}:17) expected ${i} to equal ${i + 1}`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const token = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const redactor = new Redactor(Array.from({ length: KNOWN }, (_, i) => ({ name: `SECRET_${i}`, value: token(12 + (i % 30)) })));

for (const [name, bytes, targetMs] of [
  ['redaction.testOutput64k', 64 * 1024, 5],
  ['redaction.transcript1m', 1024 * 1024, undefined],
  ['redaction.worstCase8m', 8 * 1024 * 1024, 1500],
] as const) {
  const text = output(bytes);
  const redact: number[] = [];
  const stringify: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const r = time(() => redactor.text(text));
    if (r.value !== text) throw new Error('the benchmark text has no secret; nothing may change');
    redact.push(r.ms);
    stringify.push(time(() => JSON.stringify(text)).ms);
  }
  const ms = median(redact);
  const baseline = median(stringify);
  console.log(
    JSON.stringify({
      name,
      timed: `Redactor.text() of ${Math.round(text.length / 1024)} KiB of test output (stack traces, SHAs, key=value lines; no secret in it, so every byte is scanned) with ${KNOWN} known values`,
      ...timing(redact, 2),
      bytes: text.length,
      knownValues: KNOWN,
      mbPerSecond: Math.round(text.length / 1e6 / (ms / 1000)),
      jsonStringifyMs: Math.round(baseline * 100) / 100,
      ratioToStringify: Math.round((ms / baseline) * 10) / 10,
      ...(targetMs === undefined ? {} : verdict(target('median', Math.round(ms * 100) / 100, '<', targetMs, 'ms'))),
    }),
  );
}
