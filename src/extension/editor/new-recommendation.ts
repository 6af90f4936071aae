// "Deploy Agent: New Recommendation": a short form of quick inputs (title, what and why, kind,
// acceptance criteria) written by core's saveRecommendation into .deploy-agent/recommendations/,
// where the schema gives completion, hovers and errors, then opened.
import * as vscode from 'vscode';
import { RECOMMENDATION_CATEGORIES } from '../../core/recommendation/load';
import { saveRecommendation } from '../../core/recommendation/workspace';
import { describeError } from '../../core/errors';

/** Answers given ahead (tests); anything missing is asked. */
export interface NewRecommendationAnswers {
  title?: string;
  description?: string;
  category?: string;
  acceptanceCriteria?: string[];
}

export async function newRecommendation(folder: string | undefined, given: NewRecommendationAnswers = {}): Promise<vscode.Uri | undefined> {
  if (!folder) {
    void vscode.window.showWarningMessage('Deploy Agent: open the repository folder first — a recommendation is saved in its .deploy-agent/recommendations/ folder.');
    return undefined;
  }
  const step = (n: number) => `Deploy Agent: New Recommendation (${n}/4)`;
  const title = given.title ?? (await vscode.window.showInputBox({ title: step(1), prompt: 'A short title: it becomes the branch name, the commit title and the pull request title.', placeHolder: 'Paginate the order list', validateInput: (v) => (v.trim() ? undefined : 'A title is needed.'), ignoreFocusOut: true }));
  if (!title?.trim()) return undefined;
  const description = given.description ?? (await vscode.window.showInputBox({ title: step(2), prompt: 'What to change and why, in words.', placeHolder: 'GET /orders returns every order at once; add limit and offset…', validateInput: (v) => (v.trim() ? undefined : 'Say what to change.'), ignoreFocusOut: true }));
  if (!description?.trim()) return undefined;
  const category = given.category ?? (await vscode.window.showQuickPick(RECOMMENDATION_CATEGORIES.map((c) => ({ label: c })), { title: step(3), placeHolder: 'The kind of change', ignoreFocusOut: true }))?.label;
  if (!category) return undefined;
  const criteria = given.acceptanceCriteria ?? [];
  if (!given.acceptanceCriteria) {
    for (let n = 1; n <= 12; n++) {
      const criterion = await vscode.window.showInputBox({ title: step(4), prompt: `Acceptance criterion ${n}: a testable statement (Enter on an empty box to finish).`, placeHolder: n === 1 ? 'GET /orders?limit=10 returns at most 10 orders' : '', ignoreFocusOut: true });
      if (criterion === undefined) return undefined;
      if (!criterion.trim()) break;
      criteria.push(criterion.trim());
    }
  }
  try {
    const saved = await saveRecommendation(folder, { title: title.trim(), description: description.trim(), category, ...(criteria.length ? { acceptanceCriteria: criteria } : {}) });
    const uri = vscode.Uri.file(saved.file);
    await vscode.window.showTextDocument(uri);
    return uri;
  } catch (error) {
    void vscode.window.showErrorMessage(`Deploy Agent: ${describeError(error)}`);
    return undefined;
  }
}
