// Deploy Agent in the editor (issue [editor]): code lenses on shipped files and on a
// recommendation's integration points, reverts, the Testing view's controller, New Recommendation,
// and the walkthrough's "deployed in dry-run mode" event. Created on first use (register.ts keeps
// the activation-time part); the facts come from core, over the extension's one history store.
import path from 'node:path';
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { git } from '../../core/git/run';
import type { PipelineEventBus } from '../../core/pipeline/events';
import type { HistoryStore } from '../../core/store/database';
import { DeploymentsRepository } from '../../core/store/deployments';
import { GeneratedFilesRepository } from '../../core/store/generated-files';
import type { ChoiceAction } from '../../core/store/recommendation-choices';
import { EDITOR_COMMANDS, type EditorCommand } from './commands';
import { generatedLenses } from './generated-lenses';
import { IntegrationPoints, isRecommendationDocument } from './integration-lenses';
import { newRecommendation, type NewRecommendationAnswers } from './new-recommendation';
import { PreviewContent } from './preview-content';
import { Reverts, type RevertResult } from './revert';
import { DeploymentTests } from './testing';

export interface EditorDeps {
  context: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  openStore(): HistoryStore;
  /** The extension's shared bus: lenses and tests follow the deployments run anywhere in this window. */
  events: PipelineEventBus;
  /** Restricted Mode makes the lenses read-only (tests: a stand-in). */
  isTrusted?(): boolean;
  /** A deployment through the command's flow (file picked, progress notification): the walkthrough's dry run. */
  deploy(options: { mode: 'dry-run' }): Promise<unknown>;
}

/** What register.ts hands over once the editor exists. */
export interface EditorHooks {
  controller: vscode.TestController;
  lensesChanged(): void;
}

export const WALKTHROUGH_DRY_RUN_CONTEXT = 'deployAgent.walkthrough.dryRunDeployed';

export class Editor implements vscode.Disposable {
  readonly previews = new PreviewContent();
  readonly reverts: Reverts;
  readonly integration: IntegrationPoints;
  private tests: DeploymentTests | undefined;
  private hooks: EditorHooks | undefined;
  private repository: GeneratedFilesRepository | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Repositories whose shipped files were opened: the Testing view lists their deployments too (besides the open folders). */
  private readonly repositories = new Set<string>();
  /** Restricted Mode cannot be entered from an extension: the extension-host tests stand it in here. */
  restrictedForTests = false;

  constructor(private readonly deps: EditorDeps) {
    this.reverts = new Reverts({ repository: () => this.generated(), previews: this.previews, output: deps.output });
    this.integration = new IntegrationPoints({ openStore: deps.openStore, output: deps.output, changed: () => this.hooks?.lensesChanged() });
    this.disposables.push(this.previews, { dispose: deps.events.on((event) => void this.onEvent(event)) });
    deps.context.subscriptions.push(this);
  }

  attach(hooks: EditorHooks): void {
    this.hooks = hooks;
  }

  /** The Testing view's controller logic (needs the controller register.ts made). */
  testing(): DeploymentTests {
    if (!this.hooks) throw new Error('the editor is not attached to its test controller yet');
    return (this.tests ??= new DeploymentTests({
      controller: this.hooks.controller,
      openStore: this.deps.openStore,
      output: this.deps.output,
      secrets: this.deps.context.secrets,
      folders: () => [...new Set([...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), ...this.repositories])],
      events: this.deps.events,
    }));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file') return [];
    try {
      const generated = generatedLenses(this.generated(), document, this.isTrusted());
      if (generated.repoRoot && !this.repositories.has(generated.repoRoot)) {
        this.repositories.add(generated.repoRoot);
        if (this.tests) void this.tests.refresh();
      }
      return [...generated.lenses, ...this.integration.lenses(document)];
    } catch (error) {
      this.deps.output.warn(`Code lenses of ${document.uri.fsPath}: ${describeError(error)}`);
      return [];
    }
  }

  /** Carries out one of the editor's commands (register.ts forwards them). */
  async run(command: EditorCommand, ...args: unknown[]): Promise<unknown> {
    switch (command) {
      case EDITOR_COMMANDS.runTests:
        if (!this.trusted('run a deployment’s tests (model-written code)')) return undefined;
        return this.testing().runTestsOf(String(args[0]));
      case EDITOR_COMMANDS.revert:
        if (!this.trusted('revert a change (it writes the file)')) return undefined;
        return this.reverts.preview({ uri: uriOf(args[0]), deploymentId: String(args[1]), ...(typeof args[2] === 'number' ? { hunk: args[2] } : {}) });
      case EDITOR_COMMANDS.applyRevert:
        if (!this.trusted('revert a change (it writes the file)')) return undefined;
        return args[0] ? this.reverts.apply({ uri: uriOf(args[0]), deploymentId: String(args[1]), ...(typeof args[2] === 'number' ? { hunk: args[2] } : {}) }) : this.reverts.apply();
      case EDITOR_COMMANDS.compareWithShipped:
        return this.compareWithShipped(uriOf(args[0]), String(args[1]));
      case EDITOR_COMMANDS.previewIntegrationPoints: {
        const file = args[0] ? uriOf(args[0]) : vscode.window.activeTextEditor?.document.uri;
        if (!file || !isRecommendationDocument(file)) {
          void vscode.window.showWarningMessage('Deploy Agent: open a recommendation file first (.deploy-agent/recommendations/*.json or *.recommendation.json).');
          return undefined;
        }
        const shown = await this.integration.preview(file);
        if (shown && !args[1]) void this.integration.show();
        return shown;
      }
      case EDITOR_COMMANDS.showIntegrationPoints:
        return this.integration.show();
      case EDITOR_COMMANDS.clearIntegrationPoints:
        return this.integration.clear();
      case EDITOR_COMMANDS.choosePoint:
        return this.integration.choose(String(args[0]), String(args[1]), String(args[2]) as ChoiceAction);
      case EDITOR_COMMANDS.newRecommendation:
        return newRecommendation(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, (args[0] ?? {}) as NewRecommendationAnswers);
      case EDITOR_COMMANDS.openRecommendation:
        return this.openRecommendation();
      case EDITOR_COMMANDS.deployDryRun:
        return this.deps.deploy({ mode: 'dry-run' });
      default:
        return undefined;
    }
  }

  /** The file as the deployment shipped it (left) beside the file now (right). */
  private async compareWithShipped(uri: vscode.Uri, deploymentId: string): Promise<void> {
    const row = this.generated().ofDeployment(deploymentId).find((r) => path.resolve(r.repoRoot, r.path) === path.resolve(uri.fsPath));
    if (!row) return;
    const shipped = await git(row.repoRoot, ['cat-file', 'blob', row.blobSha], { raw: true }).catch(() => undefined);
    if (shipped === undefined) {
      void vscode.window.showWarningMessage(`Deploy Agent: the content deployment ${deploymentId} shipped is no longer in this repository (its commit ${row.commitSha.slice(0, 12)} is gone).`);
      return;
    }
    const left = this.previews.put(`as deployment ${deploymentId} shipped it`, row.path, shipped);
    await vscode.commands.executeCommand('vscode.diff', left, uri, `${path.basename(row.path)}: as deployment ${deploymentId} shipped it ↔ now`);
  }

  /** The walkthrough's "write a first recommendation": the workspace's first one (the example's), else a new one. */
  private async openRecommendation(): Promise<vscode.Uri | undefined> {
    const [found] = await vscode.workspace.findFiles('{.deploy-agent/recommendations/*.json,**/*.recommendation.json}', '**/node_modules/**', 1);
    if (found) {
      await vscode.window.showTextDocument(found);
      return found;
    }
    return this.run(EDITOR_COMMANDS.newRecommendation) as Promise<vscode.Uri | undefined>;
  }

  private isTrusted(): boolean {
    return !this.restrictedForTests && (this.deps.isTrusted?.() ?? vscode.workspace.isTrusted);
  }

  private trusted(action: string): boolean {
    if (this.isTrusted()) return true;
    void vscode.window.showWarningMessage(`Deploy Agent cannot ${action} in Restricted Mode. Trust this folder (Workspaces: Manage Workspace Trust) to continue.`);
    return false;
  }

  private generated(): GeneratedFilesRepository {
    return (this.repository ??= new GeneratedFilesRepository(this.deps.openStore().db));
  }

  private async onEvent(event: { type: string; deploymentId: string; status?: string; goalReached?: boolean }): Promise<void> {
    if (event.type !== 'deployment.finished') return;
    // A commit may have shipped files (lenses), a review may have started or ended (tests).
    this.hooks?.lensesChanged();
    if (this.tests) void this.tests.refresh();
    const row = new DeploymentsRepository(this.deps.openStore().db).get(event.deploymentId);
    if (row?.mode === 'dry-run' && event.goalReached) await vscode.commands.executeCommand('setContext', WALKTHROUGH_DRY_RUN_CONTEXT, true);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export type { RevertResult };

function uriOf(value: unknown): vscode.Uri {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string') return value.includes('://') ? vscode.Uri.parse(value) : vscode.Uri.file(value);
  throw new Error('Deploy Agent: this command needs a file.');
}
