// "Revert this change" / "Revert this hunk": the reverse of the deployment's diff of the file,
// shown in a diff editor first; applied only when asked (the notification's Revert, or the diff
// editor's title button), as one undoable edit; refused with the reason when the file changed
// where the deployment's change is.
import path from 'node:path';
import * as vscode from 'vscode';
import { planRevert, type RevertPlan } from '../../core/editor/revert';
import type { GeneratedFilesRepository } from '../../core/store/generated-files';
import { EDITOR_COMMANDS } from './commands';
import type { PreviewContent } from './preview-content';
import { plural } from '../../core/plural';

export interface RevertTarget {
  uri: vscode.Uri;
  deploymentId: string;
  /** One hunk (0-based), or the whole change. */
  hunk?: number;
}

export type RevertResult = { applied: true; deletedFile: boolean } | { applied: false; reason: string };

export class Reverts {
  /** The last preview, so that the diff editor's title button applies what it shows. */
  private pending: RevertTarget | undefined;

  constructor(
    private readonly deps: {
      repository(): GeneratedFilesRepository;
      previews: PreviewContent;
      output: vscode.LogOutputChannel;
    },
  ) {}

  /** Shows the file without the change in a diff editor, then offers to apply it. Resolves with what happened. */
  async preview(target: RevertTarget, options: { ask?: boolean } = {}): Promise<RevertResult | { applied: false; previewed: true }> {
    const document = await vscode.workspace.openTextDocument(target.uri);
    const plan = this.plan(target, document.getText());
    const file = vscode.workspace.asRelativePath(target.uri);
    if (!plan.ok) return this.refuse(target, file, plan.reason);
    this.pending = target;
    const what = target.hunk === undefined ? 'its change' : `hunk ${target.hunk + 1} of its change`;
    const right = this.deps.previews.put(`without ${target.deploymentId}`, file, plan.text);
    await vscode.commands.executeCommand('vscode.diff', target.uri, right, `${path.basename(file)} ↔ without deployment ${target.deploymentId}${target.hunk === undefined ? '' : ` hunk ${target.hunk + 1}`} (preview)`, { preview: true });
    if (options.ask === false) return { applied: false, previewed: true };
    const answer = await vscode.window.showInformationMessage(
      `Revert ${what} to ${file}? ${plan.deletesFile ? 'The deployment created this file: it will be deleted.' : `${plural(plan.hunks, 'hunk')} ${plan.hunks === 1 ? 'goes' : 'go'} back to how ${plan.hunks === 1 ? 'it was' : 'they were'} before deployment ${target.deploymentId}; edits elsewhere in the file stay.`}`,
      plan.deletesFile ? 'Delete File' : 'Revert',
      'Cancel',
    );
    if (answer !== 'Revert' && answer !== 'Delete File') return { applied: false, previewed: true };
    return this.apply(target);
  }

  /** Applies the revert to the file as it is now (checked again: it may have changed since the preview). */
  async apply(target: RevertTarget | undefined = this.pending): Promise<RevertResult> {
    if (!target) return { applied: false, reason: 'there is no revert previewed' };
    const document = await vscode.workspace.openTextDocument(target.uri);
    const file = vscode.workspace.asRelativePath(target.uri);
    const plan = this.plan(target, document.getText());
    if (!plan.ok) return this.refuse(target, file, plan.reason);
    const edit = new vscode.WorkspaceEdit();
    if (plan.deletesFile) edit.deleteFile(target.uri, { ignoreIfNotExists: true });
    else edit.replace(target.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), plan.text);
    if (!(await vscode.workspace.applyEdit(edit))) return { applied: false, reason: 'VS Code did not apply the edit' };
    if (!plan.deletesFile) await document.save();
    this.pending = undefined;
    await closePreviewTabs(target.deploymentId);
    this.deps.output.info(`Reverted ${target.hunk === undefined ? 'the change' : `hunk ${target.hunk + 1}`} of deployment ${target.deploymentId} in ${file}${plan.deletesFile ? ' (file deleted)' : ''}.`);
    return { applied: true, deletedFile: plan.deletesFile };
  }

  private plan(target: RevertTarget, text: string): RevertPlan {
    const repository = this.deps.repository();
    const row = repository.ofDeployment(target.deploymentId).find((r) => path.resolve(r.repoRoot, r.path) === path.resolve(target.uri.fsPath));
    if (!row) return { ok: false, reason: `deployment ${target.deploymentId} did not ship this file` };
    return planRevert({ patch: repository.patch(target.deploymentId, row.path) ?? null, currentText: text, change: row.change, path: row.path, ...(target.hunk !== undefined ? { hunk: target.hunk } : {}) });
  }

  private refuse(target: RevertTarget, file: string, reason: string): RevertResult {
    const message = `Deploy Agent cannot revert deployment ${target.deploymentId}'s change to ${file}: ${reason}. The file was not changed.`;
    this.deps.output.warn(message);
    void vscode.window.showErrorMessage(message, 'Compare with what was shipped').then((answer) => {
      if (answer) void vscode.commands.executeCommand(EDITOR_COMMANDS.compareWithShipped, target.uri, target.deploymentId);
    });
    return { applied: false, reason };
  }
}

async function closePreviewTabs(deploymentId: string): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.path.startsWith(`/without ${deploymentId}/`));
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
