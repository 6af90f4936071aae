/**
 * How long a title the "New recommendation" form accepts. A title becomes the branch name, the
 * commit subject and the pull request title; past this it is cut in all three. The schema itself
 * stays lenient (files written by hand or by tools keep working); the form asks for a short one.
 */
export const FORM_TITLE_MAX = 72;

/** The form's complaint about a title that is too long, or undefined. */
export function titleLengthProblem(title: string): string | undefined {
  const length = title.trim().length;
  return length > FORM_TITLE_MAX ? `${length} characters: keep it to ${FORM_TITLE_MAX} at most (it becomes the branch name and the pull request title) and say the rest in the description.` : undefined;
}
