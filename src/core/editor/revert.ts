import { applyPatch, parsePatch, reversePatch, type StructuredPatch } from 'diff';

/**
 * "Revert this change": the reverse of a deployment's diff of one file (or of one of its hunks),
 * applied to the text as it is now. Context lines must match exactly (no fuzz), so a file edited
 * where the change was is refused with the first hunk that no longer fits, never half-reverted;
 * edits elsewhere in the file are kept (the hunks may have moved: jsdiff looks around for them).
 */
export type RevertPlan =
  | { ok: true; text: string; hunks: number; deletesFile: boolean }
  | { ok: false; reason: string };

export function planRevert(input: { patch: string | null; currentText: string; change: 'added' | 'modified' | 'renamed'; path: string; hunk?: number }): RevertPlan {
  if (input.patch === null) return { ok: false, reason: `the change to ${input.path} was not kept as a patch (a binary file, or a diff larger than the history keeps)` };
  const parsed = parsePatch(input.patch).filter((p) => p.hunks.length > 0);
  const file = parsed[0];
  if (!file) return { ok: false, reason: `the recorded change to ${input.path} has no hunks` };
  const selected: StructuredPatch = input.hunk === undefined ? file : { ...file, hunks: file.hunks.filter((_, i) => i === input.hunk) };
  if (!selected.hunks.length) return { ok: false, reason: `the change to ${input.path} has no hunk ${input.hunk! + 1}` };
  const reversed = reversePatch(selected);
  // Try hunk by hunk first to say which one no longer applies.
  for (const [index, hunk] of reversed.hunks.entries()) {
    if (applyPatch(input.currentText, { ...reversed, hunks: [hunk] }) === false) {
      const which = input.hunk ?? index;
      return { ok: false, reason: `the lines of hunk ${which + 1} (shipped at line ${hunk.oldStart}) are no longer as the deployment left them` };
    }
  }
  const text = applyPatch(input.currentText, reversed);
  if (text === false) return { ok: false, reason: `the hunks of the change no longer apply together to ${input.path}` };
  const wholeFile = input.hunk === undefined || file.hunks.length === 1;
  return { ok: true, text, hunks: selected.hunks.length, deletesFile: input.change === 'added' && wholeFile && text === '' };
}
