// The review of a deployment as the panel shows it (core's collectReviewData, translated), and
// what its links open: a diff editor per changed file (base on the left, the sandbox file on the
// right, editable), a generated test at its line.
import path from 'node:path';
import * as vscode from 'vscode';
import { DeployAgentError } from '../../core/errors';
import type { ReviewData } from '../../core/report/review-data';
import type { HistoryStore } from '../../core/store/database';
import type { ReviewView } from '../../protocol/panel';
import { gitContentUri } from './git-content';

/** The diff the panel asks for is only used for the file list; the diff editors read the files. */
const PANEL_DIFF_CHARS = 1;

export async function reviewData(store: HistoryStore, deploymentId: string): Promise<ReviewData> {
  const { collectReviewData } = await import('../../core/report/review-data');
  const data = await collectReviewData(store.db, deploymentId, { maxDiffChars: PANEL_DIFF_CHARS });
  if (!data) throw new DeployAgentError('DEPLOYMENT_NOT_FOUND', `There is no deployment ${deploymentId} in the history.`, 'Run "Deploy Agent: Open Deployment" to pick one from the history.');
  return data;
}

export function reviewView(data: ReviewData, extra: { commitSha: string | null; prUrl: string | null; testedAt?: number }): ReviewView {
  const pr = extra.prUrl ? { url: extra.prUrl, number: Number(/\/pull\/(\d+)/.exec(extra.prUrl)?.[1] ?? 0), draft: false } : undefined;
  return {
    deploymentId: data.deploymentId,
    title: data.title,
    status: data.status,
    branch: data.branch,
    worktree: data.sandboxExists ? data.sandboxPath : null,
    files: data.files.map((f) => ({ path: f.path, status: f.change, insertions: f.added, deletions: f.removed, test: f.isTest })),
    tests: data.tests.map((t) => ({
      path: t.path,
      generated: t.generated,
      passed: t.passed,
      failed: t.failed,
      skipped: t.skipped,
      cases: t.tests.map((c) => ({ name: c.name, status: c.status, ...(c.message ? { message: c.message } : {}), ...(c.line ? { line: c.line } : {}) })),
    })),
    counts: { passed: data.testTotals?.passed ?? 0, failed: data.testTotals?.failed ?? 0, skipped: data.testTotals?.skipped ?? 0 },
    ...(data.testTotals?.command ? { testCommand: data.testTotals.command } : {}),
    ...(data.lastCheck ? { testedAt: data.lastCheck.at } : extra.testedAt ? { testedAt: extra.testedAt } : {}),
    requirements: data.requirements.map((r) => ({ requirement: r.requirement, tag: r.tag, files: r.files, tests: r.tests, result: r.result })),
    gates: data.gates.map((g) => ({ gate: g.gate, ok: g.ok, command: g.command, problems: g.problems, ...(g.skipped ? { skipped: g.skipped } : {}) })),
    ...(extra.commitSha && data.branch ? { commit: { sha: extra.commitSha, branch: data.branch } } : {}),
    ...(pr ? { pullRequest: pr } : {}),
    ...(data.lastCheck && !data.lastCheck.ok ? { checkProblems: data.lastCheck.problems } : {}),
    changedSinceTests: data.changedSinceTests,
  };
}

/**
 * A diff editor for one changed file: the base commit on the left; on the right the file in the
 * sandbox (an ordinary editor: the user's edits are kept, tested again and committed), or, once
 * the sandbox is gone, the file on the deployment's branch.
 */
export async function openDiff(data: ReviewData, file: string): Promise<void> {
  const entry = data.files.find((f) => f.path === file);
  if (!entry) throw new DeployAgentError('FILE_NOT_IN_CHANGE', `${file} is not part of deployment ${data.deploymentId}'s change.`, 'Refresh the review: the change may have been edited.');
  const left = gitContentUri(data.repoRoot, entry.baseCommit, entry.oldPath ?? entry.path, 'base');
  const right = entry.sandboxFile
    ? vscode.Uri.file(entry.sandboxFile)
    : gitContentUri(data.repoRoot, entry.change === 'deleted' ? null : data.branch, entry.path, data.branch ?? 'change');
  const where = entry.sandboxFile ? 'sandbox' : (data.branch ?? 'change');
  await vscode.commands.executeCommand('vscode.diff', left, right, `${path.posix.basename(entry.path)} (base ↔ ${where === 'sandbox' ? 'sandbox, editable' : where})`, { preview: true });
}

/** A test file of the review, at a test's line (in the sandbox while it exists). */
export async function openTest(data: ReviewData, file: string, line?: number): Promise<void> {
  const group = data.tests.find((t) => t.path === file);
  const onDisk = group?.sandboxFile ?? (data.sandboxExists && data.sandboxPath ? path.join(data.sandboxPath, file) : undefined);
  const uri = onDisk ? vscode.Uri.file(onDisk) : gitContentUri(data.repoRoot, data.branch, file, data.branch ?? 'change');
  const position = line ? new vscode.Position(Math.max(0, line - 1), 0) : undefined;
  await vscode.window.showTextDocument(uri, { preview: true, ...(position ? { selection: new vscode.Range(position, position) } : {}) });
}
