// The Testing view's "Deploy Agent" controller: per deployment of this workspace (waiting for
// review, or shipped with tests), the tests it generated with the results of its stored run
// (failure messages at their lines); "Run" runs them again — in the review sandbox while the
// deployment waits for review (core's Orchestrator.retest), else in the working tree through the
// same framework adapters (core's runWorkspaceTests) — with the output streamed into the run.
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { resolveConfig } from '../../core/config/resolve';
import type { TestCaseResult, TestRunOutcome } from '../../core/deployment/types';
import { describeError } from '../../core/errors';
import type { PipelineEventBus } from '../../core/pipeline/events';
import { collectReviewData, groupTests, type ReviewTestFile } from '../../core/report/review-data';
import type { HistoryStore } from '../../core/store/database';
import { GeneratedFilesRepository } from '../../core/store/generated-files';
import { runWorkspaceTests } from '../../core/testing/workspace-tests';
import { explicitEditorSettings } from '../editor-settings';
import { createOrchestrator } from '../orchestrator';

export interface DeploymentTestsDeps {
  controller: vscode.TestController;
  openStore(): HistoryStore;
  output: vscode.LogOutputChannel;
  secrets: vscode.SecretStorage;
  /** The workspace folders whose deployments are listed. */
  folders(): string[];
  /** The extension's shared bus: a retest shows in the panel and the sidebar too. */
  events?: PipelineEventBus;
}

interface Listed {
  id: string;
  title: string;
  status: string;
  createdAt: number;
}

/** What a run of one deployment's tests gave (also returned to "Run its tests" and the tests). */
export interface DeploymentTestRun {
  deploymentId: string;
  where: 'sandbox' | 'workspace';
  passed: number;
  failed: number;
  skipped: number;
  error?: string;
}

const MAX_DEPLOYMENTS = 25;

/** One result as it was reported to VS Code (the extension-host tests read these: the API cannot read results back). */
export interface ReportedResult {
  id: string;
  status: TestCaseResult['status'];
  message?: string;
  /** Where the failure message points (1-based), and in which file. */
  line?: number;
  file?: string;
}

export class DeploymentTests {
  /** Deployments whose stored results were shown once this session (expanding again shows no new run). */
  private readonly shownStored = new Set<string>();
  /** The results of the last report per test item. */
  readonly reported = new Map<string, ReportedResult>();

  constructor(private readonly deps: DeploymentTestsDeps) {}

  get controller(): vscode.TestController {
    return this.deps.controller;
  }

  /** The deployments (root), or one deployment's test files and tests. */
  async resolve(item: vscode.TestItem | undefined): Promise<void> {
    if (!item) return this.listDeployments();
    const id = deploymentIdOf(item);
    if (item.parent === undefined) await this.resolveDeployment(id, item);
  }

  /** Re-lists the deployments (after one ended, or was shipped). */
  async refresh(): Promise<void> {
    await this.listDeployments();
  }

  private async listDeployments(): Promise<void> {
    const { controller } = this.deps;
    const folders = this.deps.folders();
    if (!folders.length) return;
    const db = this.deps.openStore().db;
    const marks = folders.map(() => '?').join(', ');
    const rows = db
      .prepare(
        `SELECT d.id AS id, d.title AS title, d.recommendation AS recommendation, d.status AS status, d.created_at AS createdAt FROM deployments d
          WHERE d.kind = 'code' AND (d.repo_path IN (${marks}) OR EXISTS (SELECT 1 FROM generated_files g WHERE g.deployment_id = d.id AND g.repo_root IN (${marks})))
            AND (d.status = 'awaiting-review' OR EXISTS (SELECT 1 FROM generated_files g WHERE g.deployment_id = d.id AND g.is_test = 1))
          ORDER BY d.created_at DESC LIMIT ${MAX_DEPLOYMENTS}`,
      )
      .all(...folders, ...folders) as (Listed & { recommendation: string | null })[];
    const items = rows.map((row) => {
      const existing = controller.items.get(row.id);
      const item = existing ?? controller.createTestItem(row.id, titleOf(row));
      item.description = `${row.status === 'awaiting-review' ? 'awaiting review (runs in its sandbox)' : 'shipped (runs in this working tree)'} · ${row.id} · ${new Date(row.createdAt).toLocaleDateString()}`;
      item.canResolveChildren = true;
      return item;
    });
    controller.items.replace(items);
  }

  /** A deployment's generated test files and tests, from its review data; its stored results shown once. */
  private async resolveDeployment(id: string, item: vscode.TestItem): Promise<ReviewTestFile[]> {
    const data = await collectReviewData(this.deps.openStore().db, id);
    if (!data) return [];
    const inSandbox = data.awaitingReview && data.sandboxExists && data.sandboxPath;
    const root = inSandbox ? data.sandboxPath! : data.repoRoot;
    const files = data.tests.filter((f) => f.generated);
    this.place(item, root, files);
    if (!this.shownStored.has(id) && data.testTotals) {
      this.shownStored.add(id);
      const run = this.deps.controller.createTestRun(new vscode.TestRunRequest([item]), `Deploy Agent · ${item.label} (recorded run)`, false);
      this.report(run, item, root, files.flatMap((f) => f.tests.map((t) => ({ ...t, file: f.path }))));
      run.end();
    }
    return files;
  }

  /** Puts the test files and their tests under the deployment's item (new tests a rerun found are added). */
  private place(item: vscode.TestItem, root: string, files: ReviewTestFile[]): void {
    const { controller } = this.deps;
    const fileItems = files.map((file) => {
      const uri = fileUri(root, file.path);
      const fileItem = item.children.get(`${item.id}/${file.path}`) ?? controller.createTestItem(`${item.id}/${file.path}`, file.path, uri);
      fileItem.children.replace(
        file.tests.map((test) => {
          const testItem = controller.createTestItem(`${item.id}/${file.path}/${test.name}`, test.name, uri);
          if (test.line) testItem.range = new vscode.Range(test.line - 1, 0, test.line - 1, 0);
          return testItem;
        }),
      );
      return fileItem;
    });
    item.children.replace(fileItems);
  }

  /** Marks each test of `cases` in `run`: passed, skipped, or failed with its message at the line it failed. */
  private report(run: vscode.TestRun, deployment: vscode.TestItem, root: string, cases: TestCaseResult[]): void {
    for (const c of cases) {
      const file = c.file ?? '';
      const testItem = deployment.children.get(`${deployment.id}/${file}`)?.children.get(`${deployment.id}/${file}/${c.name}`);
      if (!testItem) continue;
      this.reported.set(testItem.id, { id: testItem.id, status: c.status, ...(c.message ? { message: c.message } : {}), ...(c.line && file ? { line: c.line, file: path.join(root, file) } : {}) });
      if (c.status === 'passed') run.passed(testItem);
      else if (c.status === 'skipped') run.skipped(testItem);
      else {
        const message = new vscode.TestMessage(c.message ?? 'failed');
        if (c.line && file) message.location = new vscode.Location(vscode.Uri.file(path.join(root, file)), new vscode.Position(c.line - 1, 0));
        run.failed(testItem, message);
      }
    }
  }

  /** The Run profile: every deployment the request includes (all listed when it names none). */
  async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<DeploymentTestRun[]> {
    const { controller } = this.deps;
    const roots = new Map<string, vscode.TestItem>();
    for (const included of request.include ?? [...iterate(controller.items)]) {
      let top = included;
      while (top.parent) top = top.parent;
      if (!request.exclude?.includes(top)) roots.set(top.id, top);
    }
    const run = controller.createTestRun(request, undefined, true);
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort(new Error('cancelled in the Testing view')));
    const results: DeploymentTestRun[] = [];
    try {
      for (const item of roots.values()) {
        if (abort.signal.aborted) break;
        results.push(await this.runDeployment(item, run, abort.signal));
      }
    } finally {
      cancel.dispose();
      run.end();
    }
    return results;
  }

  /** "Run its tests" (the lens): this deployment's tests, as the Testing view's Run does them. */
  async runTestsOf(deploymentId: string): Promise<DeploymentTestRun | undefined> {
    await this.listDeployments();
    const item = this.deps.controller.items.get(deploymentId);
    if (!item) {
      void vscode.window.showWarningMessage(`Deploy Agent: deployment ${deploymentId} has no tests to run in this workspace.`);
      return undefined;
    }
    void vscode.commands.executeCommand('workbench.view.testing.focus');
    const source = new vscode.CancellationTokenSource();
    try {
      return (await this.run(new vscode.TestRunRequest([item]), source.token))[0];
    } finally {
      source.dispose();
    }
  }

  private async runDeployment(item: vscode.TestItem, run: vscode.TestRun, signal: AbortSignal): Promise<DeploymentTestRun> {
    const id = item.id;
    const files = await this.resolveDeployment(id, item);
    const leaves = [...iterate(item.children)].flatMap((f) => [...iterate(f.children)]);
    for (const leaf of leaves) run.started(leaf);
    const data = await collectReviewData(this.deps.openStore().db, id);
    const line = (text: string) => run.appendOutput(`${text.replace(/\r?\n/g, '\r\n')}\r\n`);
    try {
      if (data?.awaitingReview) {
        line(`Deployment ${id} waits for review: its tests run again in the sandbox ${data.sandboxPath ?? ''}.`);
        const orchestrator = await createOrchestrator({ store: this.deps.openStore(), secrets: this.deps.secrets });
        const shared = this.deps.events;
        const detach = orchestrator.events.on((event) => {
          shared?.emit(event);
          if (event.type === 'log') line(event.message);
          else if (event.type === 'step.progress') line(event.message);
        });
        try {
          const check = await orchestrator.retest(id, signal);
          const after = await collectReviewData(this.deps.openStore().db, id);
          const generated = (after?.tests ?? []).filter((f) => f.generated);
          this.place(item, after?.sandboxPath ?? data.repoRoot, generated);
          this.report(run, item, after?.sandboxPath ?? data.repoRoot, generated.flatMap((f) => f.tests.map((t) => ({ ...t, file: f.path }))));
          if (check.problems.length) line(`Problems: ${check.problems.join(' ')}`);
          return { deploymentId: id, where: 'sandbox', ...check.tests, ...(check.error ? { error: check.error.message } : {}) };
        } finally {
          detach();
        }
      }
      const repoRoot = data?.repoRoot ?? '';
      const testFiles = new GeneratedFilesRepository(this.deps.openStore().db).testFiles(id);
      line(`Deployment ${id}: ${testFiles.join(', ')} in the working tree ${repoRoot}.`);
      const config = resolveConfig({ workspaceDir: repoRoot, editor: explicitEditorSettings() });
      const result = await runWorkspaceTests({ repoRoot, testFiles, config, env: process.env, signal, onProgress: line });
      line(result.output);
      const grouped = groupTests(result as TestRunOutcome, testFiles, null).filter((f) => f.generated || files.some((g) => g.path === f.path));
      this.place(item, repoRoot, mergeFiles(files, grouped));
      this.report(run, item, repoRoot, grouped.flatMap((f) => f.tests.map((t) => ({ ...t, file: f.path }))));
      if (result.error) for (const leaf of leaves) run.errored(leaf, new vscode.TestMessage(result.error));
      return { deploymentId: id, where: 'workspace', ...result.counts, ...(result.error ? { error: result.error } : {}) };
    } catch (error) {
      const said = describeError(error);
      line(said);
      for (const leaf of [...iterate(item.children)].flatMap((f) => [...iterate(f.children)])) run.errored(leaf, new vscode.TestMessage(said));
      this.deps.output.warn(`Running the tests of deployment ${id}: ${said}`);
      return { deploymentId: id, where: data?.awaitingReview ? 'sandbox' : 'workspace', passed: 0, failed: 0, skipped: 0, error: said };
    }
  }
}

function* iterate(collection: vscode.TestItemCollection): Generator<vscode.TestItem> {
  for (const [, item] of collection) yield item;
}

function deploymentIdOf(item: vscode.TestItem): string {
  let top = item;
  while (top.parent) top = top.parent;
  return top.id;
}

function titleOf(row: { title: string; recommendation: string | null }): string {
  try {
    const title = (JSON.parse(row.recommendation ?? 'null') as { title?: unknown } | null)?.title;
    if (typeof title === 'string' && title.trim()) return title;
  } catch {
    // the file name stands in
  }
  return row.title;
}

function fileUri(root: string, file: string): vscode.Uri | undefined {
  const absolute = path.join(root, file);
  return existsSync(absolute) ? vscode.Uri.file(absolute) : undefined;
}

/** The files known from the stored run, with the tests a new run reported added (a test the user wrote since). */
function mergeFiles(known: ReviewTestFile[], fresh: ReviewTestFile[]): ReviewTestFile[] {
  const byPath = new Map(known.map((f) => [f.path, { ...f, tests: [...f.tests] }]));
  for (const f of fresh) {
    const target = byPath.get(f.path);
    if (!target) byPath.set(f.path, f);
    else for (const t of f.tests) if (!target.tests.some((k) => k.name === t.name)) target.tests.push(t);
  }
  return [...byPath.values()];
}
