// "Preview integration points": core's previewDeployment (no model, no sandbox) ranks where a
// recommendation's change would land; its points show as lenses at the ranked files and symbols,
// "Deploy Agent would integrate here · <why>", with Exclude and Prefer, which are stored with the
// recommendation file and joined to its next deployment's choice (core's Orchestrator.deploy).
import path from 'node:path';
import * as vscode from 'vscode';
import { resolveConfig } from '../../core/config/resolve';
import { describeError } from '../../core/errors';
import type { IntegrationPointPreview } from '../../core/pipeline/preview';
import type { HistoryStore } from '../../core/store/database';
import { isRecommendationPath } from '../../core/recommendation/workspace';
import { RecommendationChoicesRepository, type ChoiceAction } from '../../core/store/recommendation-choices';
import { explicitEditorSettings } from '../editor-settings';
import { EDITOR_COMMANDS } from './commands';

/** The preview shown now (one at a time: the last one asked for). */
export interface ShownPreview {
  recommendationFile: string;
  title: string;
  repoRoot: string;
  points: IntegrationPointPreview[];
}

const WHY_CHARS = 90;

export class IntegrationPoints {
  private shown: ShownPreview | undefined;

  constructor(
    private readonly deps: {
      openStore(): HistoryStore;
      output: vscode.LogOutputChannel;
      /** The lenses changed (a preview shown or hidden, a point excluded or preferred). */
      changed(): void;
    },
  ) {}

  current(): ShownPreview | undefined {
    return this.shown;
  }

  /** Ranks the integration points of the recommendation in `file` (with progress), then shows them. */
  async preview(file: vscode.Uri): Promise<ShownPreview | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath ?? path.dirname(file.fsPath);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
    if (document?.isDirty) await document.save();
    try {
      const preview = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Deploy Agent: ranking where the change would land (no model is called)', cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          const cancel = token.onCancellationRequested(() => controller.abort(new Error('cancelled')));
          try {
            const { previewDeployment } = await import('../../core/pipeline/preview');
            return await previewDeployment({
              store: this.deps.openStore(),
              workspaceDir: folder,
              recommendation: { file: file.fsPath },
              env: process.env,
              config: resolveConfig({ workspaceDir: folder, editor: explicitEditorSettings() }),
              signal: controller.signal,
              onProgress: (message) => progress.report({ message }),
            });
          } finally {
            cancel.dispose();
          }
        },
      );
      this.shown = { recommendationFile: file.fsPath, title: preview.recommendation.title, repoRoot: preview.repoRoot, points: preview.integrationPoints };
      this.deps.output.info(`Integration points of "${preview.recommendation.title}": ${preview.integrationPoints.map((p) => p.path).join(', ') || 'none'} (${preview.durationMs} ms).`);
      this.deps.changed();
      return this.shown;
    } catch (error) {
      const message = `Deploy Agent could not preview the integration points: ${describeError(error)}`;
      this.deps.output.warn(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  }

  clear(): void {
    this.shown = undefined;
    this.deps.changed();
  }

  /** Exclude, prefer or reset one point; stored with the recommendation file. */
  choose(recommendationFile: string, point: string, action: ChoiceAction): void {
    new RecommendationChoicesRepository(this.deps.openStore().db).set(recommendationFile, point, action);
    this.deps.output.info(`${point}: ${action === 'reset' ? 'no longer excluded or preferred' : action === 'exclude' ? 'excluded' : 'preferred'} for the next deployment of ${vscode.workspace.asRelativePath(recommendationFile)}.`);
    this.deps.changed();
  }

  /** A quick pick of the points; the chosen one opens at its first symbol. */
  async show(): Promise<void> {
    const shown = this.shown;
    if (!shown) return;
    const stored = new RecommendationChoicesRepository(this.deps.openStore().db).get(shown.recommendationFile);
    const picked = await vscode.window.showQuickPick(
      shown.points.map((p) => ({
        label: `${stored?.excluded.includes(p.path) ? '$(circle-slash) ' : stored?.preferred.includes(p.path) ? '$(star-full) ' : '$(target) '}${p.path}`,
        description: p.symbols.join(', '),
        detail: p.why,
        point: p,
      })),
      { title: `Deploy Agent: where "${shown.title}" would integrate`, placeHolder: 'Open a place (Exclude and Prefer are lenses in the file)', matchOnDetail: true },
    );
    if (!picked) return;
    const document = await vscode.workspace.openTextDocument(path.join(shown.repoRoot, picked.point.path));
    const line = symbolLines(document.getText(), picked.point.symbols)[0]?.line ?? 0;
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, 0, line, 0) });
  }

  /** The lenses of a recommendation file (Preview…) and of a ranked file (would integrate here, Exclude, Prefer). */
  lenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    const head = new vscode.Range(0, 0, 0, 0);
    const shown = this.shown;
    if (isRecommendationDocument(document.uri)) {
      if (shown && path.resolve(shown.recommendationFile) === path.resolve(document.uri.fsPath)) {
        const stored = new RecommendationChoicesRepository(this.deps.openStore().db).get(shown.recommendationFile);
        const counts = [`${shown.points.length} integration point${shown.points.length === 1 ? '' : 's'}`, ...(stored?.excluded.length ? [`${stored.excluded.length} excluded`] : []), ...(stored?.preferred.length ? [`${stored.preferred.length} preferred`] : [])];
        lenses.push(new vscode.CodeLens(head, { title: `$(target) ${counts.join(' · ')}`, command: EDITOR_COMMANDS.showIntegrationPoints, tooltip: 'Open one of the places' }));
        lenses.push(new vscode.CodeLens(head, { title: '$(refresh) Preview again', command: EDITOR_COMMANDS.previewIntegrationPoints, arguments: [document.uri] }));
        lenses.push(new vscode.CodeLens(head, { title: '$(close) Hide', command: EDITOR_COMMANDS.clearIntegrationPoints }));
      } else {
        lenses.push(new vscode.CodeLens(head, { title: '$(search) Preview integration points', command: EDITOR_COMMANDS.previewIntegrationPoints, arguments: [document.uri], tooltip: 'Where Deploy Agent would change the code, before any model is called' }));
      }
    }
    if (!shown) return lenses;
    const relative = path.relative(shown.repoRoot, document.uri.fsPath).split(path.sep).join('/');
    const point = shown.points.find((p) => p.path === relative);
    if (!point) return lenses;
    const stored = new RecommendationChoicesRepository(this.deps.openStore().db).get(shown.recommendationFile);
    const excluded = stored?.excluded.includes(point.path) ?? false;
    const preferred = stored?.preferred.includes(point.path) ?? false;
    const places = symbolLines(document.getText(), point.symbols);
    const first = places[0] ? new vscode.Range(places[0].line, 0, places[0].line, 0) : head;
    const why = point.why.length > WHY_CHARS ? `${point.why.slice(0, WHY_CHARS - 1)}…` : point.why;
    const choose = (action: ChoiceAction) => [shown.recommendationFile, point.path, action];
    if (excluded) {
      lenses.push(new vscode.CodeLens(first, { title: `$(circle-slash) Excluded from “${shown.title}”`, command: EDITOR_COMMANDS.showIntegrationPoints, tooltip: point.why }));
      lenses.push(new vscode.CodeLens(first, { title: 'Include again', command: EDITOR_COMMANDS.choosePoint, arguments: choose('reset') }));
    } else {
      lenses.push(new vscode.CodeLens(first, { title: `$(target) Deploy Agent would integrate here · ${why || shown.title}`, command: EDITOR_COMMANDS.showIntegrationPoints, tooltip: `${shown.title}: ${point.why}` }));
      if (preferred) {
        lenses.push(new vscode.CodeLens(first, { title: '$(star-full) Preferred', command: EDITOR_COMMANDS.choosePoint, arguments: choose('reset'), tooltip: 'The next deployment looks here first. Click to undo.' }));
      } else {
        lenses.push(new vscode.CodeLens(first, { title: 'Prefer', command: EDITOR_COMMANDS.choosePoint, arguments: choose('prefer'), tooltip: 'The next deployment of this recommendation looks here first.' }));
        lenses.push(new vscode.CodeLens(first, { title: 'Exclude', command: EDITOR_COMMANDS.choosePoint, arguments: choose('exclude'), tooltip: 'The next deployment of this recommendation is told to leave this file alone.' }));
      }
    }
    for (const place of places.slice(1)) {
      lenses.push(new vscode.CodeLens(new vscode.Range(place.line, 0, place.line, 0), { title: `$(target) Deploy Agent would integrate here · ${place.symbol}`, command: EDITOR_COMMANDS.showIntegrationPoints, tooltip: point.why }));
    }
    return lenses;
  }
}


/** Where each symbol is declared (0-based lines), else first named; symbols not found are left out. */
export function symbolLines(text: string, symbols: readonly string[]): { symbol: string; line: number }[] {
  const lines = text.split('\n');
  const found: { symbol: string; line: number }[] = [];
  for (const symbol of symbols) {
    const name = symbol.split(/[.#:]/).pop()!.replace(/[^\w$]/g, '');
    if (!name) continue;
    const declared = new RegExp(`\\b(?:function|class|def|const|let|var|func|fn|interface|type|enum|struct|trait|impl|module)\\s+\\*?${escape(name)}\\b`);
    const named = new RegExp(`\\b${escape(name)}\\b`);
    let line = lines.findIndex((l) => declared.test(l));
    if (line < 0) line = lines.findIndex((l) => named.test(l));
    if (line >= 0 && !found.some((f) => f.line === line)) found.push({ symbol, line });
  }
  return found.sort((a, b) => a.line - b.line);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A recommendation file of an open folder (the schema's patterns: `.deploy-agent/recommendations/*.json`, `*.recommendation.json`). */
export function isRecommendationDocument(uri: vscode.Uri): boolean {
  if (uri.scheme !== 'file') return false;
  // Outside the open folders, the folder that holds `.deploy-agent` stands in for the workspace.
  const root = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? /^(.*)[\\/]\.deploy-agent[\\/]/.exec(uri.fsPath)?.[1] ?? path.dirname(uri.fsPath);
  return isRecommendationPath(root, uri.fsPath);
}
