import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StrategyLevers, TestRunOutcome } from '../ports';

/**
 * Interim test runner (until src/core/testing lands): node:test (TAP) and pytest (JUnit XML),
 * in the worktree, with a time limit that kills the whole process group, output capped,
 * and the environment scrubbed of secrets.
 */
const OUTPUT_CAP = 64 * 1024;
const SECRET = /(_KEY|_TOKEN|_SECRET|_PASSWORD|_PASSWD|_CREDENTIALS?)$/i;

export function scrubEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (SECRET.test(key) || key === 'ANTHROPIC_API_KEY' || key === 'GITHUB_TOKEN' || key === 'GH_TOKEN' || key === 'NPM_TOKEN') continue;
    clean[key] = value;
  }
  return clean;
}

type Framework = 'node:test' | 'pytest';

export function detectFramework(dir: string): Framework | undefined {
  if (existsSync(path.join(dir, 'package.json'))) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string>; devDependencies?: Record<string, string> };
      if (/\bnode\s+--test\b/.test(pkg.scripts?.test ?? '')) return 'node:test';
    } catch {
      return undefined;
    }
  }
  if (['pyproject.toml', 'pytest.ini', 'setup.cfg', 'tox.ini'].some((f) => existsSync(path.join(dir, f)))) return 'pytest';
  return undefined;
}

const isTestFile = (f: string) => /(^|\/)(test_[^/]*\.py|[^/]*_test\.py|[^/]*\.test\.[cm]?[jt]s|[^/]*\.spec\.[cm]?[jt]s)$/.test(f);

export async function runTests(
  dir: string,
  input: { levers: StrategyLevers; filesWritten: string[]; signal: AbortSignal; env?: NodeJS.ProcessEnv; timeLimitMs?: number },
): Promise<TestRunOutcome> {
  const setupStarted = performance.now();
  const framework = detectFramework(dir);
  if (!framework) {
    return { counts: { passed: 0, failed: 0, skipped: 0 }, durationMs: 0, failures: [], output: '', error: 'no supported test framework found (interim runner: node:test, pytest)' };
  }
  const generated = input.filesWritten.filter(isTestFile).filter((f) => existsSync(path.join(dir, f)));
  const only = input.levers.testScope === 'generated' && generated.length ? generated : [];
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-tests-'));
  const junit = path.join(scratch, 'junit.xml');
  const [command, args] =
    framework === 'node:test'
      ? [process.execPath, ['--test', '--test-reporter=tap', ...only]]
      : ['python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', `--junitxml=${junit}`, ...only]];
  const env = { ...scrubEnv(input.env ?? process.env), PYTHONDONTWRITEBYTECODE: '1', CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' };
  const setupMs = performance.now() - setupStarted;
  try {
    const started = performance.now();
    const result = await runProcess(command, args, { cwd: dir, env, signal: input.signal, timeLimitMs: input.timeLimitMs ?? Math.max(30_000, input.levers.timeLimitMs) });
    const durationMs = Math.round(performance.now() - started);
    const commandLine = [framework === 'node:test' ? 'node' : command, ...args.filter((a) => !a.startsWith('--junitxml'))].join(' ');
    if (result.timedOut) return { counts: { passed: 0, failed: 0, skipped: 0 }, durationMs, failures: [], output: result.output, error: `the tests did not finish within ${Math.round(result.limitMs / 1000)} s`, framework, command: commandLine, setupMs };
    const parsed = framework === 'node:test' ? parseTap(result.output) : parseJunit(existsSync(junit) ? readFileSync(junit, 'utf8') : '');
    if (!parsed.counts.passed && !parsed.counts.failed && result.code !== 0) {
      return { ...parsed, durationMs, output: result.output, error: `the test command exited with ${result.code} before reporting results`, framework, command: commandLine, setupMs };
    }
    return { ...parsed, durationMs, output: result.output, framework, command: commandLine, setupMs };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runProcess(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; signal: AbortSignal; timeLimitMs: number }): Promise<{ code: number | null; output: string; timedOut: boolean; limitMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const append = (d: Buffer) => {
      output += d.toString('utf8');
      if (output.length > OUTPUT_CAP * 2) output = output.slice(-OUTPUT_CAP);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    let timedOut = false;
    const killTree = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, options.timeLimitMs);
    const onAbort = () => killTree();
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      if (options.signal.aborted) return reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
      resolve({ code, output: output.slice(-OUTPUT_CAP), timedOut, limitMs: options.timeLimitMs });
    });
  });
}

export function parseTap(output: string): Pick<TestRunOutcome, 'counts' | 'failures'> {
  const num = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? 0);
  const failures: { name: string; message: string }[] = [];
  const lines = output.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*not ok \d+ - (.+?)(\s+#.*)?$/.exec(lines[i]!);
    if (!m) continue;
    const block = lines.slice(i + 1, i + 40).join('\n');
    if (/failureType: 'subtestsFailed'/.test(block)) continue;
    const message = /^\s*error: \|?-?\s*\n?\s*(.+)$/m.exec(block)?.[1]?.replace(/^'|'$/g, '') ?? 'failed';
    failures.push({ name: m[1]!.trim(), message: message.trim() });
  }
  return { counts: { passed: num('pass'), failed: num('fail') + num('cancelled'), skipped: num('skipped') + num('todo') }, failures };
}

export function parseJunit(xml: string): Pick<TestRunOutcome, 'counts' | 'failures'> {
  let tests = 0;
  let failed = 0;
  let skipped = 0;
  for (const m of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
    const attr = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(m[1]!)?.[1] ?? 0);
    tests += attr('tests');
    failed += attr('failures') + attr('errors');
    skipped += attr('skipped');
  }
  const failures: { name: string; message: string }[] = [];
  for (const m of xml.matchAll(/<testcase\b[^>]*\bname="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)) {
    const failure = /<(failure|error)\b[^>]*message="([^"]*)"/.exec(m[2]!);
    if (failure) failures.push({ name: decode(m[1]!), message: decode(failure[2]!) });
  }
  return { counts: { passed: Math.max(0, tests - failed - skipped), failed, skipped }, failures };
}

function decode(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#10;/g, '\n').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
