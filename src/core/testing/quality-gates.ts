import { existsSync, readFileSync } from 'node:fs';
import { widen, type Confinement } from '../confinement';
import path from 'node:path';
import { testEnv } from './env';
import { prepareNodeDependencies } from './node-deps';
import { runProcess, type ProcessWatch } from './run-process';
import { findExecutable, toolchainDirs } from './tools';

/**
 * The strategy's type-check and lint gates: the project's own tools, run in the sandbox on the
 * change. A gate judges the change, not the repository's past: lint runs on the files the
 * deployment wrote, and a type check (which needs the whole project) fails the gate only for
 * errors in those files — problems elsewhere are reported as pre-existing. A project without
 * such a tool skips the gate and says so; it never passes by pretending to have run.
 */
export type GateKind = 'typecheck' | 'lint';

export interface GateResult {
  gate: GateKind;
  /** What ran (null: skipped). */
  command: string | null;
  ok: boolean;
  skipped?: string;
  /** Problems in the files the change wrote (these fail the gate). */
  problems: string[];
  /** Problems elsewhere (reported, not held against the change). */
  preexisting: number;
  durationMs: number;
  output: string;
}

interface GatePlan {
  command: string;
  args: string[];
  /** Whether the tool's output lists problems by file (then only the change's files fail the gate). */
  attributes: boolean;
  display: string;
  /** Turns the tool's stdout into `file:line:col: message` lines (tools whose only stable format is JSON). */
  toLines?(stdout: string): string[];
}

export interface QualityGateInput {
  sandboxDir: string;
  repoRoot?: string;
  gates: { typecheck: boolean; lint: boolean };
  filesWritten: string[];
  env: NodeJS.ProcessEnv;
  timeLimitMs: number;
  signal?: AbortSignal;
  /** The project's linters and type checkers load its (model-written) configuration and plugins: they run confined. */
  confinement?: Confinement;
  watch?: ProcessWatch;
}

export async function runQualityGates(input: QualityGateInput): Promise<GateResult[]> {
  const wanted = (['typecheck', 'lint'] as const).filter((g) => input.gates[g]);
  if (!wanted.length) return [];
  const env = testEnv(input.env);
  const isNode = existsSync(path.join(input.sandboxDir, 'package.json'));
  const deps = isNode
    ? await prepareNodeDependencies({ projectDir: input.sandboxDir, sandboxRoot: input.sandboxDir, ...(input.repoRoot ? { userProjectDir: input.repoRoot, userRoot: input.repoRoot } : {}), env, timeLimitMs: input.timeLimitMs, ...(input.signal ? { signal: input.signal } : {}), ...(input.confinement ? { confinement: widen(input.confinement, { network: true }, env) } : {}), ...(input.watch ? { watch: input.watch } : {}) })
    : undefined;
  try {
    const results: GateResult[] = [];
    for (const gate of wanted) {
      const plan = planGate(gate, input.sandboxDir, input.filesWritten, env);
      if ('skipped' in plan) {
        results.push({ gate, command: null, ok: true, skipped: plan.skipped, problems: [], preexisting: 0, durationMs: 0, output: '' });
        continue;
      }
      const run = await runProcess({ command: plan.command, args: plan.args, cwd: input.sandboxDir, env, timeLimitMs: input.timeLimitMs, ...(plan.toLines ? { keepStdout: true } : {}), ...(input.signal ? { signal: input.signal } : {}), ...(input.confinement ? { confinement: input.confinement } : {}), ...(input.watch ? { watch: input.watch, what: gate } : {}) });
      const output = (plan.toLines && run.stdout !== undefined ? safeLines(plan.toLines, run.stdout, run.output) : run.output).trim();
      if (run.timedOut || run.cancelled) {
        results.push({ gate, command: plan.display, ok: false, problems: [run.timedOut ? `${plan.display} did not finish within ${Math.round(input.timeLimitMs / 1000)} s` : 'cancelled'], preexisting: 0, durationMs: run.durationMs, output });
        continue;
      }
      if (run.code === 0) {
        results.push({ gate, command: plan.display, ok: true, problems: [], preexisting: 0, durationMs: run.durationMs, output });
        continue;
      }
      const { mine, others } = plan.attributes ? attribute(output, input.filesWritten) : { mine: [lastLines(output)], others: 0 };
      // A failing tool that names no file of the change: its problems were there before.
      const problems = plan.attributes && mine.length === 0 && others === 0 ? [lastLines(output)] : mine;
      results.push({ gate, command: plan.display, ok: problems.length === 0, problems, preexisting: others, durationMs: run.durationMs, output });
    }
    return results;
  } finally {
    deps?.cleanup();
  }
}

function planGate(gate: GateKind, dir: string, written: string[], env: NodeJS.ProcessEnv): GatePlan | { skipped: string } {
  const files = (pattern: RegExp) => written.filter((f) => pattern.test(f) && existsSync(path.join(dir, f)));
  if (existsSync(path.join(dir, 'package.json'))) {
    const bin = (name: string) => [path.join(dir, 'node_modules', '.bin', name)].find(existsSync);
    if (gate === 'typecheck') {
      const tsc = bin('tsc');
      if (existsSync(path.join(dir, 'tsconfig.json')) && tsc) return { command: tsc, args: ['--noEmit', '--pretty', 'false', '-p', '.'], attributes: true, display: 'tsc --noEmit' };
      return { skipped: 'no tsconfig.json with a local TypeScript: nothing to type-check' };
    }
    const eslint = bin('eslint');
    const targets = files(/\.[cm]?[jt]sx?$/);
    if (!targets.length) return { skipped: 'the change wrote no JavaScript or TypeScript file' };
    if (eslint && hasEslintConfig(dir)) return { command: eslint, args: ['--format', 'json', ...targets], attributes: true, display: `eslint ${targets.join(' ')}`, toLines: (stdout) => eslintLines(stdout, dir) };
    return { skipped: 'no ESLint configuration with a local eslint' };
  }
  if (['pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt'].some((f) => existsSync(path.join(dir, f)))) {
    const targets = files(/\.py$/);
    if (!targets.length) return { skipped: 'the change wrote no Python file' };
    if (gate === 'typecheck') {
      const mypy = findTool('mypy', env);
      if (mypy && configMentions(dir, ['mypy.ini', '.mypy.ini'], /\[(tool\.)?mypy\]/)) return { command: mypy, args: ['--no-error-summary', ...targets], attributes: true, display: `mypy ${targets.join(' ')}` };
      return { skipped: 'no mypy configuration with mypy installed' };
    }
    const ruff = findTool('ruff', env);
    if (ruff && configMentions(dir, ['ruff.toml', '.ruff.toml'], /\[tool\.ruff/)) return { command: ruff, args: ['check', '--output-format', 'concise', ...targets], attributes: true, display: `ruff check ${targets.join(' ')}` };
    const flake8 = findTool('flake8', env);
    if (flake8 && configMentions(dir, ['.flake8', 'tox.ini'], /\[flake8\]/)) return { command: flake8, args: targets, attributes: true, display: `flake8 ${targets.join(' ')}` };
    return { skipped: 'no ruff or flake8 configuration with the tool installed' };
  }
  if (existsSync(path.join(dir, 'go.mod'))) {
    const go = findTool('go', env);
    if (!go) return { skipped: 'go is not installed' };
    if (gate === 'typecheck') return { command: go, args: ['vet', './...'], attributes: true, display: 'go vet ./...' };
    const targets = files(/\.go$/);
    const gofmt = findTool('gofmt', env);
    if (!targets.length || !gofmt) return { skipped: targets.length ? 'gofmt is not installed' : 'the change wrote no Go file' };
    // gofmt -l lists the files that are not formatted and exits 0: a listed file is the problem.
    return { command: 'sh', args: ['-c', `out=$("$0" -l "$@"); [ -z "$out" ] || { echo "$out" | sed 's/$/: not gofmt-formatted/'; exit 1; }`, gofmt, ...targets], attributes: true, display: `gofmt -l ${targets.join(' ')}` };
  }
  if (existsSync(path.join(dir, 'Cargo.toml'))) {
    const cargo = findTool('cargo', env);
    if (!cargo) return { skipped: 'cargo is not installed' };
    if (gate === 'typecheck') return { command: cargo, args: ['check', '--quiet', '--message-format', 'short'], attributes: true, display: 'cargo check' };
    return { command: cargo, args: ['clippy', '--quiet', '--message-format', 'short'], attributes: true, display: 'cargo clippy' };
  }
  return { skipped: 'no tool for this kind of project' };
}

/** Splits a tool's problem lines into those about the change's files and the rest. */
function attribute(output: string, written: string[]): { mine: string[]; others: number } {
  const mine: string[] = [];
  let others = 0;
  const normalized = written.map((f) => f.replace(/\\/g, '/'));
  for (const line of output.split('\n')) {
    const m = /^\s*(?:\.\/)?([^\s:(]+\.[A-Za-z]+)(?:[:(]\d+)/.exec(line) ?? /^\s*(?:\.\/)?([^\s:(]+\.[A-Za-z]+): /.exec(line);
    if (!m) continue;
    const file = m[1]!.replace(/\\/g, '/');
    if (normalized.some((w) => file === w || file.endsWith(`/${w}`))) mine.push(line.trim());
    else others++;
  }
  return { mine, others };
}

/** ESLint's JSON report as `file:line:col: message [rule]` lines, paths relative to the project. */
function eslintLines(stdout: string, dir: string): string[] {
  const report = JSON.parse(stdout) as { filePath: string; messages: { line?: number; column?: number; message: string; ruleId?: string | null; severity: number }[] }[];
  return report.flatMap((file) =>
    file.messages.filter((m) => m.severity >= 2).map((m) => `${path.relative(dir, file.filePath)}:${m.line ?? 0}:${m.column ?? 0}: ${m.message}${m.ruleId ? ` [${m.ruleId}]` : ''}`),
  );
}

function safeLines(toLines: (stdout: string) => string[], stdout: string, fallback: string): string {
  try {
    return toLines(stdout).join('\n');
  } catch {
    return fallback; // not the format asked for (the tool failed before reporting): its own words
  }
}

function hasEslintConfig(dir: string): boolean {
  const names = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', '.eslintrc', '.eslintrc.js', '.eslintrc.cjs', '.eslintrc.json', '.eslintrc.yml', '.eslintrc.yaml'];
  if (names.some((n) => existsSync(path.join(dir, n)))) return true;
  try {
    return 'eslintConfig' in (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as object);
  } catch {
    return false;
  }
}

function configMentions(dir: string, files: string[], section: RegExp): boolean {
  if (files.some((f) => existsSync(path.join(dir, f)))) return true;
  for (const f of ['pyproject.toml', 'setup.cfg', 'tox.ini']) {
    try {
      if (section.test(readFileSync(path.join(dir, f), 'utf8'))) return true;
    } catch {
      // not there
    }
  }
  return false;
}

const findTool = (name: string, env: NodeJS.ProcessEnv) => findExecutable(name, env, toolchainDirs());

function lastLines(text: string, n = 20): string {
  return text.split('\n').slice(-n).join('\n');
}
