import { existsSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { CHANGE_DIFF_EVENT, type ChangeDiffRecord, type DeploymentChoice, type SandboxInfo, type TestCaseResult, type TestRunOutcome } from '../deployment/types';
import { git } from '../git/run';
import { unifiedDiff } from '../git/ship';
import { snapshotSandboxTree } from '../sandbox/sandbox-state';
import { DeploymentsRepository, type DeploymentStatus } from '../store/deployments';
import { EventsRepository, StepsRepository } from '../store/steps';
import type { GateResult } from '../testing/quality-gates';
import { failureLine } from '../testing/parsers/text';
import { isTestFile, requirementRows, type RequirementRow } from './requirements';

/**
 * Everything the review of one deployment shows (the panel's review view, and the report of a
 * dry run): the change as a unified diff and per file, the generated tests grouped by file with
 * their results and failure lines, the requirement → files → tests table and the gate results.
 *
 * While the sandbox worktree exists the change is read from it as it is now (the user's edits
 * included); once it is gone, from the diff recorded when the change last passed its checks
 * (`change.diff` events), so a dry run's report still shows what the model wrote.
 */
export interface ReviewData {
  deploymentId: string;
  title: string;
  status: DeploymentStatus;
  mode: string | null;
  /** The user's repository (the sandbox is a worktree of it). */
  repoRoot: string;
  branch: string | null;
  /** The commit the sandbox branched from: the left side of every diff. */
  baseCommit: string | null;
  /** The sandbox worktree: the right side of every diff, and where the user may edit. Null when unknown. */
  sandboxPath: string | null;
  /** false once the worktree is gone (shipped, discarded, a dry run): the change comes from the recorded diff. */
  sandboxExists: boolean;
  /** Where `diff` and `files` come from: the sandbox now, the diff recorded last, or nothing (the change never passed its checks). */
  source: 'sandbox' | 'recorded' | 'none';
  /** The whole change as one unified diff (`git diff base tree`). */
  diff: string;
  /** The diff was longer than the history keeps (recorded) or than `maxDiffChars`. */
  diffTruncated: boolean;
  files: ReviewFile[];
  /** The latest test run, grouped by test file (generated tests first). */
  tests: ReviewTestFile[];
  testTotals: { passed: number; failed: number; skipped: number; command: string | null; framework: string | null; error: string | null } | null;
  requirements: RequirementRow[];
  /** The latest result of each gate (type check, lint), with the problems found. */
  gates: Omit<GateResult, 'output'>[];
  /** The sandbox differs from the tree whose checks last passed (the user edited it): a ship checks it again. */
  changedSinceTests: boolean;
  /** The last "run tests again" (or a ship's check), when there was one. */
  lastCheck: { ok: boolean; problems: string[]; changed: boolean; at: number } | null;
  /** The user's choice of integration points, as recorded with the request. */
  choice: DeploymentChoice | null;
  /** It waits for review: ship, discard and "run tests again" apply. */
  awaitingReview: boolean;
}

export interface ReviewFile {
  /** Workspace-relative path (the new one for a rename). */
  path: string;
  /** The old path of a renamed file. */
  oldPath?: string;
  change: 'added' | 'modified' | 'deleted' | 'renamed';
  added: number;
  removed: number;
  binary: boolean;
  /** A test file by the test runner's notion of one. */
  isTest: boolean;
  /** Left side of the diff editor: this commit's `oldPath ?? path` (absent for an added file). */
  baseCommit: string | null;
  /** Right side: the file in the sandbox (null when deleted or the sandbox is gone). */
  sandboxFile: string | null;
}

export interface ReviewTestFile {
  /** Workspace-relative test file; `(file not reported)` for tests the reporter named without one. */
  path: string;
  /** The absolute path in the sandbox, to open at a failure's line (null when unknown or gone). */
  sandboxFile: string | null;
  generated: boolean;
  passed: number;
  failed: number;
  skipped: number;
  tests: TestCaseResult[];
}

export const UNATTRIBUTED_TESTS = '(file not reported)';

export interface ReviewDataOptions {
  /** Cut the diff after this many characters (default 1 MB; the panel may ask for less). */
  maxDiffChars?: number;
}

export async function collectReviewData(db: Database.Database, deploymentId: string, options: ReviewDataOptions = {}): Promise<ReviewData | undefined> {
  const row = new DeploymentsRepository(db).get(deploymentId);
  if (!row) return undefined;
  const events = new EventsRepository(db);
  const state: { sandbox?: SandboxInfo; repoRoot?: string; tests?: TestRunOutcome; filesWritten?: string[]; testedTree?: string; lastCheck?: ReviewData['lastCheck'] & { tree?: string } } = {};
  for (const step of new StepsRepository(db).list(deploymentId)) {
    if ((step.status === 'succeeded' || step.status === 'skipped') && step.artifacts && typeof step.artifacts === 'object') Object.assign(state, step.artifacts);
  }
  const sandbox = state.sandbox;
  const repoRoot = state.repoRoot ?? row.repoPath;
  const maxDiffChars = options.maxDiffChars ?? 1024 * 1024;
  const sandboxExists = Boolean(sandbox && existsSync(sandbox.path) && (await isWorktreeOf(repoRoot, sandbox)));

  let source: ReviewData['source'] = 'none';
  let diff = '';
  let diffTruncated = false;
  let files: ReviewFile[] = [];
  let changedSinceTests = false;
  if (sandbox && sandboxExists) {
    source = 'sandbox';
    const tree = await snapshotSandboxTree(sandbox.path);
    changedSinceTests = Boolean(state.testedTree) && tree !== state.testedTree;
    const full = await unifiedDiff(sandbox.path, sandbox.baseSha, tree);
    diffTruncated = full.length > maxDiffChars;
    diff = diffTruncated ? full.slice(0, maxDiffChars) : full;
    files = await filesOfTree(sandbox, tree);
  } else {
    const recorded = events.latest(deploymentId, CHANGE_DIFF_EVENT)?.payload as ChangeDiffRecord | undefined;
    if (recorded) {
      source = 'recorded';
      diffTruncated = recorded.truncated || recorded.diff.length > maxDiffChars;
      diff = recorded.diff.slice(0, maxDiffChars);
      files = filesOfDiff(recorded.diff, sandbox?.baseSha ?? null);
    }
  }

  const choice = (events.latest(deploymentId, 'request')?.payload as { choice?: DeploymentChoice } | undefined)?.choice ?? null;
  const recommendation = parseTitleAndCriteria(row.recommendation) ?? { title: row.title };
  const changed = files.map((f) => f.path);
  const written = source === 'none' ? (state.filesWritten ?? []) : changed;
  const tests = state.tests;
  const gates = latestGates(events.list(deploymentId, 'quality.gate').map((e) => e.payload as GateResult));
  return {
    deploymentId,
    title: row.title,
    status: row.status,
    mode: row.mode,
    repoRoot,
    branch: row.branch,
    baseCommit: sandbox?.baseSha ?? null,
    sandboxPath: sandbox?.path ?? null,
    sandboxExists,
    source,
    diff,
    diffTruncated,
    files,
    tests: tests ? groupTests(tests, written, sandboxExists ? sandbox!.path : null) : [],
    testTotals: tests ? { ...tests.counts, command: tests.command ?? null, framework: tests.framework ?? null, error: tests.error ?? null } : null,
    requirements: requirementRows(recommendation, written, tests ? { ...tests.counts, cases: tests.cases } : null),
    gates,
    changedSinceTests,
    lastCheck: state.lastCheck ? { ok: state.lastCheck.ok, problems: state.lastCheck.problems, changed: state.lastCheck.changed, at: state.lastCheck.at } : null,
    choice,
    awaitingReview: row.status === 'awaiting-review',
  };
}

async function isWorktreeOf(repoRoot: string, sandbox: SandboxInfo): Promise<boolean> {
  try {
    const list = await git(repoRoot, ['worktree', 'list', '--porcelain']);
    return list.split('\n\n').some((block) => block.includes(`branch refs/heads/${sandbox.branch}`));
  } catch {
    return false;
  }
}

/** The files of the change from git: kind of change, renames, added and removed lines (binary files have none). */
async function filesOfTree(sandbox: SandboxInfo, tree: string): Promise<ReviewFile[]> {
  const [numstat, status] = await Promise.all([
    git(sandbox.path, ['diff', '--numstat', '-z', '--find-renames', sandbox.baseSha, tree]),
    git(sandbox.path, ['diff', '--name-status', '-z', '--find-renames', sandbox.baseSha, tree]),
  ]);
  const kinds = new Map<string, { change: ReviewFile['change']; oldPath?: string }>();
  const parts = status.split('\0').filter((p) => p !== '');
  for (let i = 0; i < parts.length; ) {
    const code = parts[i++]!;
    if (code.startsWith('R') || code.startsWith('C')) {
      const oldPath = parts[i++]!;
      const newPath = parts[i++]!;
      kinds.set(newPath, { change: code.startsWith('R') ? 'renamed' : 'added', ...(code.startsWith('R') ? { oldPath } : {}) });
    } else {
      kinds.set(parts[i++]!, { change: code === 'A' ? 'added' : code === 'D' ? 'deleted' : 'modified' });
    }
  }
  // -z numstat: "added\tremoved\tpath\0", or for a rename "added\tremoved\t\0old\0new\0".
  const files: ReviewFile[] = [];
  const fields = numstat.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (!entry) continue;
    const [add, del, file] = entry.split('\t');
    const filePath = file ? file : fields[(i += 2)]!;
    const kind = kinds.get(filePath) ?? { change: 'modified' as const };
    const binary = add === '-';
    files.push({
      path: filePath,
      ...(kind.oldPath ? { oldPath: kind.oldPath } : {}),
      change: kind.change,
      added: binary ? 0 : Number(add),
      removed: binary ? 0 : Number(del),
      binary,
      isTest: isTestFile(filePath),
      baseCommit: kind.change === 'added' ? null : sandbox.baseSha,
      sandboxFile: kind.change === 'deleted' ? null : path.join(sandbox.path, filePath),
    });
  }
  return files;
}

/** The files of a recorded unified diff (the sandbox is gone): the same facts, read from the text. */
export function filesOfDiff(diff: string, baseCommit: string | null): ReviewFile[] {
  const files: ReviewFile[] = [];
  let current: ReviewFile | undefined;
  for (const line of diff.split('\n')) {
    const header = /^diff --git a\/(.+) b\/(.+)$/.exec(line);
    if (header) {
      current = { path: header[2]!, change: 'modified', added: 0, removed: 0, binary: false, isTest: isTestFile(header[2]!), baseCommit, sandboxFile: null };
      files.push(current);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('new file mode')) current.change = 'added';
    else if (line.startsWith('deleted file mode')) current.change = 'deleted';
    else if (line.startsWith('rename from ')) {
      current.change = 'renamed';
      current.oldPath = line.slice('rename from '.length);
    } else if (line.startsWith('Binary files ')) current.binary = true;
    else if (line.startsWith('+') && !line.startsWith('+++ ')) current.added++;
    else if (line.startsWith('-') && !line.startsWith('--- ')) current.removed++;
  }
  for (const f of files) if (f.change === 'added') f.baseCommit = null;
  return files;
}

/**
 * The latest test run grouped by test file. With the reporter's per-test cases, each test goes
 * under its file; without them (an older record, a reporter that names no files), the failures
 * are placed by the file their name or message mentions and the counts stay as totals.
 */
export function groupTests(tests: TestRunOutcome, filesOfChange: readonly string[], sandboxPath: string | null): ReviewTestFile[] {
  const generated = new Set(filesOfChange.filter(isTestFile));
  const groups = new Map<string, ReviewTestFile>();
  const group = (file: string | undefined) => {
    const key = file ?? UNATTRIBUTED_TESTS;
    let g = groups.get(key);
    if (!g) {
      g = { path: key, sandboxFile: file && sandboxPath ? path.join(sandboxPath, file) : null, generated: generated.has(key), passed: 0, failed: 0, skipped: 0, tests: [] };
      groups.set(key, g);
    }
    return g;
  };
  // A test the reporter named without its file goes where its message points (`x_test.go:12`), else to the unattributed group.
  const place = (name: string, message: string | undefined) => [...generated].find((t) => name.includes(t) || (message !== undefined && (message.includes(t) || failureLine(message, t) !== undefined))) ?? fileOfName(name, generated);
  if (tests.cases?.length) {
    const named = new Set(tests.cases.map((c) => c.name));
    for (const c of tests.cases) {
      const file = c.file ?? (c.status === 'failed' ? place(c.name, c.message) : undefined);
      const line = c.line ?? (c.message ? failureLine(c.message, file) : undefined);
      const g = group(file);
      g.tests.push({ ...c, ...(file ? { file } : {}), ...(line ? { line } : {}) });
      g[c.status]++;
    }
    // A failure the cases do not name (a package that did not build, a failing hook).
    for (const f of tests.failures) {
      if (named.has(f.name) || [...named].some((n) => f.name.endsWith(` > ${n}`))) continue;
      const file = place(f.name, f.message);
      const line = failureLine(f.message, file);
      const g = group(file);
      g.tests.push({ name: f.name, ...(file ? { file } : {}), status: 'failed', message: f.message, ...(line ? { line } : {}) });
      g.failed++;
    }
  } else {
    for (const f of tests.failures) {
      const file = place(f.name, f.message);
      const line = failureLine(f.message, file);
      const g = group(file);
      g.tests.push({ name: f.name, ...(file ? { file } : {}), status: 'failed', message: f.message, ...(line ? { line } : {}) });
      g.failed++;
    }
    // Passing tests without names: counted where the generated tests are when there is one file, else as totals.
    const rest = group(generated.size === 1 ? [...generated][0] : undefined);
    rest.passed += tests.counts.passed;
    rest.skipped += tests.counts.skipped;
  }
  for (const file of generated) if (!groups.has(file)) group(file);
  return [...groups.values()].sort((a, b) => Number(b.generated) - Number(a.generated) || Number(b.failed > 0) - Number(a.failed > 0) || a.path.localeCompare(b.path));
}

/** pytest names tests `tests.test_calc::test_adds`, go `example.com/m/pkg.TestAdds`: the module points at the file. */
function fileOfName(name: string, candidates: ReadonlySet<string>): string | undefined {
  const module = /^([\w.]+)::/.exec(name)?.[1];
  if (module) {
    const file = `${module.replace(/\./g, '/')}.py`;
    return [...candidates].find((c) => c.endsWith(file)) ?? file;
  }
  return undefined;
}

function latestGates(results: GateResult[]): Omit<GateResult, 'output'>[] {
  const latest = new Map<string, Omit<GateResult, 'output'>>();
  for (const { output: _output, ...gate } of results) latest.set(gate.gate, gate);
  return [...latest.values()];
}

function parseTitleAndCriteria(json: string | null): { title: string; acceptanceCriteria?: string[] } | undefined {
  if (!json) return undefined;
  try {
    const value = JSON.parse(json) as { title?: unknown; acceptanceCriteria?: unknown };
    if (typeof value.title !== 'string') return undefined;
    return { title: value.title, ...(Array.isArray(value.acceptanceCriteria) ? { acceptanceCriteria: value.acceptanceCriteria.filter((c): c is string => typeof c === 'string') } : {}) };
  } catch {
    return undefined;
  }
}
