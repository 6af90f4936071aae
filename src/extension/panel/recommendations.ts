// The panel's list: VS Code finds the recommendation files (it knows the user's excludes), core
// reads and validates them and says how each one's last deployment went.
import path from 'node:path';
import * as vscode from 'vscode';
import { RECOMMENDATION_CATEGORIES, RECOMMENDATION_PRIORITIES, recommendationProblems } from '../../core/recommendation/load';
import { DeployAgentError } from '../../core/errors';
import { titleLengthProblem } from '../../core/recommendation/title';
import { problemOf } from './problems';
import { describeRecommendationFiles, findRecommendationFiles, isRecommendationPath, RECOMMENDATION_GLOBS, saveRecommendation } from '../../core/recommendation/workspace';
import type { HistoryStore } from '../../core/store/database';
import { DeploymentsRepository } from '../../core/store/deployments';
import { lastDeploymentsOf } from '../../core/store/recommendation-status';
import type { PanelFolder } from './panel';
import type { FieldProblem, RecommendationDraft, RecommendationItem, RecommendationsView } from '../../protocol/panel';

/** More than this many files is not a list anyone reads in a panel. */
const MAX_FILES = 500;

export async function listRecommendations(folder: PanelFolder | undefined, store: HistoryStore | undefined, preselect?: string): Promise<RecommendationsView> {
  if (!folder) return { workspace: null, items: [], categories: [...RECOMMENDATION_CATEGORIES], priorities: [...RECOMMENDATION_PRIORITIES], awaitingReview: [] };
  const dir = folder.uri.fsPath;
  // git knows the files at once; outside a git repository VS Code's search finds them.
  const inGit = await findRecommendationFiles(dir);
  const files =
    inGit ??
    (await vscode.workspace.findFiles(new vscode.RelativePattern(folder.uri, `{${RECOMMENDATION_GLOBS.join(',')}}`), '**/node_modules/**', MAX_FILES)).filter((u) => u.scheme === 'file').map((u) => u.fsPath);
  const listed = files.slice(0, MAX_FILES);
  // A file the user pointed at (the active editor's JSON, a chosen file) is listed too, wherever it
  // is, when it is a valid recommendation (another JSON file open in the editor is no business of the list).
  const extra = preselect && !listed.some((f) => path.resolve(f) === path.resolve(preselect)) ? preselect : undefined;
  const entries = (await describeRecommendationFiles(dir, extra ? [...listed, extra] : listed)).filter(
    (e) => !extra || e.file !== path.resolve(extra) || !e.problem || isRecommendationPath(dir, e.file),
  );
  const last = store ? lastDeploymentsOf(store.db, [dir], entries.map((e) => e.file)) : new Map();
  const items: RecommendationItem[] = entries.map((e) => {
    const previous = last.get(e.file);
    return {
      file: e.file,
      relativePath: e.relativePath,
      ...(e.recommendation?.id ? { id: e.recommendation.id } : {}),
      ...(e.recommendation ? { title: e.recommendation.title, description: e.recommendation.description, ...(e.recommendation.category ? { category: e.recommendation.category } : {}), ...(e.recommendation.priority ? { priority: e.recommendation.priority } : {}) } : {}),
      ...(e.problem ? { problem: { message: e.problem.message, hint: e.problem.hint, problems: e.problem.problems } } : {}),
      ...(previous ? { last: { id: previous.id, status: previous.status, mode: previous.mode, at: previous.finishedAt ?? previous.createdAt, prUrl: previous.prUrl } } : {}),
    };
  });
  const awaitingReview = store
    ? new DeploymentsRepository(store.db)
        .list({ repoPath: dir, limit: 50 })
        .filter((d) => d.status === ('awaiting-review' as string))
        .map((d) => ({ id: d.id, title: d.title, at: d.finishedAt ?? d.createdAt }))
    : [];
  const selected = preselect && items.some((i) => i.file === path.resolve(preselect)) ? path.resolve(preselect) : undefined;
  // Outside a git repository no deployment can start (it needs a worktree and a branch): said before any Deploy….
  const problem = inGit ? undefined : problemOf(new DeployAgentError('NOT_A_GIT_REPO', `${folder.name} is not a git repository, so a recommendation cannot be deployed here yet.`, 'Run `git init` and commit your files.'));
  return { workspace: { name: folder.name, dir }, items, categories: [...RECOMMENDATION_CATEGORIES], priorities: [...RECOMMENDATION_PRIORITIES], awaitingReview, ...(selected ? { preselect: selected } : {}), ...(problem ? { problem } : {}) };
}

/** The draft as a recommendation value: empty optional fields left out, so the schema judges only what was written. */
export function draftValue(draft: RecommendationDraft): Record<string, unknown> {
  const criteria = draft.acceptanceCriteria.map((c) => c.trim()).filter(Boolean);
  const targets = draft.targetFiles.map((t) => t.trim()).filter(Boolean);
  return {
    title: draft.title.trim(),
    description: draft.description.trim(),
    ...(draft.category ? { category: draft.category } : {}),
    ...(draft.priority ? { priority: draft.priority } : {}),
    ...(criteria.length ? { acceptanceCriteria: criteria } : {}),
    ...(targets.length ? { targetFiles: targets } : {}),
  };
}

export function draftProblems(draft: RecommendationDraft): FieldProblem[] {
  const problems = recommendationProblems(draftValue(draft));
  const tooLong = titleLengthProblem(draft.title);
  if (tooLong && !problems.some((p) => p.field === 'title')) problems.push({ field: 'title', message: tooLong });
  return problems;
}

export function saveDraft(folder: PanelFolder, draft: RecommendationDraft): Promise<{ file: string; relativePath: string }> {
  return saveRecommendation(folder.uri.fsPath, draftValue(draft));
}
