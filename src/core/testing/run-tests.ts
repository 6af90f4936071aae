import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_TEST_CASES, type TestCaseResult } from '../deployment/types';
import { describeConfinement, widen } from '../confinement';
import { isDeployAgentError } from '../errors';
import { chooseFramework } from './detect';
import { testEnv } from './env';
import type { CommandPlan, FrameworkAdapter } from './frameworks/adapter';
import { cargoTest } from './frameworks/cargo';
import { goTest } from './frameworks/go';
import { jest } from './frameworks/jest';
import { mocha } from './frameworks/mocha';
import { nodeTest } from './frameworks/node-test';
import { pytest } from './frameworks/pytest';
import { vitest } from './frameworks/vitest';
import { absentByproducts, newUntracked, removeByproducts, untrackedFiles } from './leftovers';
import { prepareNodeDependencies, type PreparedDependencies } from './node-deps';
import { CappedOutput, DEFAULT_OUTPUT_CAP, runProcess } from './run-process';
import { selectTests } from './scope';
import { FRAMEWORK_IDS, type FrameworkId, type ParsedResults, type RunLimits, type RunTestsRequest, type RunTestsResult } from './types';

/**
 * Runs a project's tests in the sandbox and reads the results from the framework's
 * machine-readable reporter: the framework from the project profile (or the files), the
 * tests the strategy's scope asks for, dependencies made available first, secrets kept out of
 * the environment, a time (and memory) limit that kills the whole process tree, output capped.
 * A run that could not happen (no framework, a missing tool, a timeout) is an outcome with
 * `error`, not an exception; only cancellation throws.
 */
const ADAPTERS: Record<FrameworkId, FrameworkAdapter> = { mocha, jest, vitest, 'node-test': nodeTest, pytest, 'go-test': goTest, 'cargo-test': cargoTest };
const NODE_FRAMEWORKS = new Set<FrameworkId>(['mocha', 'jest', 'vitest', 'node-test']);
const DEFAULT_INSTALL_LIMIT_MS = 10 * 60_000;

export async function runTests(request: RunTestsRequest): Promise<RunTestsResult> {
  const setupStarted = performance.now();
  const setupMs = () => Math.round(performance.now() - setupStarted);
  const empty = { counts: { passed: 0, failed: 0, skipped: 0 }, durationMs: 0, failures: [], output: '' };
  const choice = chooseFramework(request.dir, { ...(request.profile ? { profile: request.profile } : {}), filesWritten: request.filesWritten, ...(request.framework ? { requested: request.framework } : {}) });
  if (!choice) return { ...empty, error: `no supported test framework was found (supported: ${FRAMEWORK_IDS.join(', ')})`, setupMs: setupMs() };
  if ('unsupported' in choice) return { ...empty, error: `the project's tests use ${choice.unsupported}, which Deploy Agent cannot run yet (supported: ${FRAMEWORK_IDS.join(', ')})`, setupMs: setupMs() };

  const projectDir = path.join(request.dir, choice.projectPath);
  const userProjectDir = request.repoRoot ? path.join(request.repoRoot, choice.projectPath) : undefined;
  const selection = selectTests(choice.id, projectDir, choice.projectPath, request.scope, request.filesWritten);
  const env = testEnv(request.env ?? process.env);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-tests-'));
  const notes: string[] = [`framework ${choice.id} (${choice.source === 'profile' ? `project profile, confidence ${choice.confidence}` : choice.source === 'files' ? 'detected from the files' : 'requested'})${choice.projectPath === '.' ? '' : ` in ${choice.projectPath}`}`];
  if (selection.note) notes.push(selection.note);
  // The run's scratch folder (reports, coverage, caches) is written by the confined tools too.
  const confinement = request.confinement ? widen(request.confinement, { writable: [scratch] }) : undefined;
  if (confinement) notes.push(`confinement: ${describeConfinement(confinement)}`);
  let deps: PreparedDependencies | undefined;
  let untracked: Set<string> | undefined;
  let byproducts: string[] = [];
  const base = { framework: choice.id };
  try {
    if (NODE_FRAMEWORKS.has(choice.id)) {
      deps = await prepareNodeDependencies({
        projectDir,
        sandboxRoot: request.dir,
        ...(userProjectDir && request.repoRoot ? { userProjectDir, userRoot: request.repoRoot } : {}),
        env,
        ...(request.signal ? { signal: request.signal } : {}),
        timeLimitMs: request.installTimeLimitMs ?? DEFAULT_INSTALL_LIMIT_MS,
        // An install needs the registry; it runs confined all the same (install scripts are code too).
        ...(confinement ? { confinement: widen(confinement, { network: true }, env) } : {}),
        ...(request.watch ? { watch: request.watch } : {}),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      });
      notes.push(`dependencies: ${deps.how} (${deps.setupMs} ms)`);
    }
    const plan: CommandPlan = await ADAPTERS[choice.id].plan({
      projectDir,
      ...(userProjectDir ? { userProjectDir } : {}),
      ...(request.repoRoot ? { repoRoot: request.repoRoot } : {}),
      files: selection.files,
      scratch,
      coverage: Boolean(request.coverage),
      workers: workersFor(request.limits),
      ...(request.limits.memoryLimitMb ? { memoryLimitMb: request.limits.memoryLimitMb } : {}),
      env,
      ...(confinement ? { confinement } : {}),
    });
    untracked = untrackedFiles(request.dir);
    byproducts = absentByproducts(projectDir, plan.byproducts);
    const setup = setupMs();
    request.onProgress?.(`running ${plan.display}`);
    const result = await runProcess({
      command: plan.command,
      args: plan.args,
      cwd: projectDir,
      env: { ...env, ...(NODE_FRAMEWORKS.has(choice.id) ? nodeCacheEnv(scratch) : {}), ...plan.env },
      timeLimitMs: request.limits.timeLimitMs,
      ...(request.limits.memoryLimitMb ? { memoryLimitMb: request.limits.memoryLimitMb } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(plan.wholeStdout ? { keepStdout: true } : {}),
      ...(confinement ? { confinement } : {}),
      ...(request.watch ? { watch: request.watch, what: 'tests' } : {}),
    });
    const removed = removeByproducts(projectDir, byproducts);
    byproducts = [];
    if (removed.length) notes.push(`removed what ${choice.id} generated in the sandbox (no part of the change): ${removed.join(', ')}`);
    const created = newUntracked(request.dir, untracked);
    if (created.length) notes.push(`the test run wrote ${created.slice(0, 10).join(', ')}${created.length > 10 ? ` and ${created.length - 10} more` : ''} into the sandbox (reviewed with the change)`);
    const common = { ...base, command: plan.display, setupMs: setup, durationMs: result.durationMs, ...(deps ? { dependencies: deps.how } : {}) };
    if (result.timedOut || result.memoryExceeded) {
      const why = result.timedOut
        ? `the tests did not finish within ${Math.round(request.limits.timeLimitMs / 1000)} s; the whole process tree was killed`
        : `the tests used more than ${request.limits.memoryLimitMb} MB of memory together; the whole process tree was killed`;
      return { ...common, counts: empty.counts, failures: [], output: render(notes, result.output), error: why };
    }
    const parsed = plan.parse({ code: result.code, output: result.output, stderr: result.stderr, ...(result.stdout !== undefined ? { stdout: result.stdout } : {}) });
    const coverageNote = request.coverage && parsed.coverage === undefined ? (parsed.coverageNote ?? plan.coverageNote ?? 'no coverage was reported') : undefined;
    if (coverageNote) notes.push(`coverage not measured: ${coverageNote}`);
    const output = render(notes, parsed.output ?? result.output, parsed);
    const ran = parsed.counts.passed + parsed.counts.failed + parsed.counts.skipped;
    if (parsed.noReport || (!ran && result.code !== 0 && !(choice.id === 'pytest' && result.code === 5))) {
      return { ...common, counts: parsed.counts, failures: parsed.failures, output, error: `the test command exited with ${result.code ?? result.signal} before reporting results` };
    }
    const cases = casesInSandbox(parsed.cases, projectDir, request.dir);
    return {
      ...common,
      counts: parsed.counts,
      failures: parsed.failures,
      ...(cases ? { cases } : {}),
      output,
      ...(parsed.coverage !== undefined ? { coverage: parsed.coverage } : {}),
      ...(coverageNote ? { coverageNote } : {}),
    };
  } catch (error) {
    if ((error as Error).name === 'AbortError' || request.signal?.aborted) throw error;
    if (!isDeployAgentError(error)) throw error;
    const said = typeof error.details?.output === 'string' ? `\n${error.details.output}` : '';
    return { ...empty, ...base, setupMs: setupMs(), output: render(notes, `${error.message} ${error.hint}${said}`), error: error.message, ...(deps ? { dependencies: deps.how } : {}) };
  } finally {
    // Cancelled or failed half-way: the tool's by-products still go.
    removeByproducts(projectDir, byproducts);
    deps?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Tools that cache under node_modules/.cache (nyc, babel-loader, ava through find-cache-dir;
 * @babel/register) would write through a linked node_modules into the user's folder: their
 * caches go to the run's scratch folder instead.
 */
function nodeCacheEnv(scratch: string): Record<string, string> {
  return { CACHE_DIR: path.join(scratch, 'cache'), BABEL_DISABLE_CACHE: '1' };
}

/** Workers: the strategy's concurrency, capped by its share of the cores; at least one. */
export function workersFor(limits: Pick<RunLimits, 'concurrency' | 'cpuLimit'>, cores = os.availableParallelism?.() ?? os.cpus().length): number {
  const share = Math.max(1, Math.floor(cores * Math.min(1, Math.max(0, limits.cpuLimit ?? 1))));
  return Math.max(1, Math.min(limits.concurrency ?? share, share));
}

/** What people and the fix phase read: how the run was set up, the tool's output (capped), and the results in one block. */
function render(notes: string[], toolOutput: string, parsed?: ParsedResults): string {
  // Room for the notes and the results block within the cap the pipeline stores.
  const capped = new CappedOutput(DEFAULT_OUTPUT_CAP - 16 * 1024);
  capped.append(toolOutput);
  const lines = notes.map((n) => `[deploy-agent] ${n}`);
  lines.push(capped.text().trimEnd());
  if (parsed) {
    const { passed, failed, skipped } = parsed.counts;
    lines.push('', `[deploy-agent] ${passed} passed, ${failed} failed, ${skipped} skipped${parsed.coverage !== undefined ? `; line coverage ${parsed.coverage}%` : ''}`);
    for (const f of parsed.failures.slice(0, 20)) lines.push(`[deploy-agent] FAILED ${f.name}: ${f.message.split('\n').join('\n    ')}`);
  }
  return lines.join('\n');
}

/** The reporter's cases with their files relative to the sandbox (the review shows and opens them there), at most MAX_TEST_CASES. */
function casesInSandbox(cases: TestCaseResult[] | undefined, projectDir: string, sandbox: string): TestCaseResult[] | undefined {
  if (!cases?.length) return undefined;
  return cases.slice(0, MAX_TEST_CASES).map((c) => {
    if (!c.file) return c;
    const absolute = path.resolve(projectDir, c.file.startsWith('file://') ? fileURLToPath(c.file) : c.file);
    const relative = path.relative(sandbox, absolute);
    // A file outside the sandbox (a helper in node_modules) is named as the reporter gave it.
    return { ...c, file: relative.startsWith('..') || path.isAbsolute(relative) ? c.file : relative.split(path.sep).join('/') };
  });
}
