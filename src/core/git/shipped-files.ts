import { isTestFile } from '../report/requirements';
import { hunksOfPatch, type HunkSummary } from '../editor/patch';
import { git } from './run';

/** One file a commit added, modified or renamed, with what the editor needs later (the lenses, a revert). */
export interface ShippedFile {
  path: string;
  oldPath: string | null;
  change: 'added' | 'modified' | 'renamed';
  blobSha: string;
  baseBlobSha: string | null;
  isTest: boolean;
  hunks: HunkSummary[];
  /** The file's unified diff (3 lines of context); null when binary or larger than `maxPatchChars`. */
  patch: string | null;
}

/** Beyond these, a file keeps its blob ids but no patch (a revert then says so). */
export const MAX_PATCH_CHARS = 512 * 1024;
const MAX_FILES_WITH_PATCH = 200;

/**
 * The files `commit` changed relative to `base` (deleted ones are left out: nothing to open).
 * `cwd` is any working tree of the repository. Blob ids come from `git diff --raw`, so they are the
 * committed bytes — what was shipped — whatever the working tree holds now.
 */
export async function shippedFiles(cwd: string, base: string, commit: string): Promise<ShippedFile[]> {
  const raw = await git(cwd, ['diff', '--raw', '-z', '--no-abbrev', '--find-renames', base, commit], { raw: true });
  const fields = raw.split('\0');
  const files: Omit<ShippedFile, 'hunks' | 'patch'>[] = [];
  for (let i = 0; i < fields.length; ) {
    const meta = fields[i++];
    if (!meta?.startsWith(':')) continue;
    // ":100644 100644 <old> <new> M" then the path (two paths for a rename or copy).
    const [, , , oldSha, newSha, status] = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*$/.exec(meta) ?? [];
    const first = fields[i++]!;
    const second = status === 'R' || status === 'C' ? fields[i++]! : undefined;
    if (!status || status === 'D' || !newSha) continue;
    const path = second ?? first;
    const zero = /^0+$/.test(oldSha ?? '');
    files.push({
      path,
      oldPath: status === 'R' ? first : null,
      change: status === 'A' || status === 'C' || zero ? 'added' : status === 'R' ? 'renamed' : 'modified',
      blobSha: newSha,
      baseBlobSha: zero || status === 'C' ? null : oldSha!,
      isTest: isTestFile(path),
    });
  }
  const result: ShippedFile[] = [];
  for (const [index, file] of files.entries()) {
    let patch: string | null = null;
    if (index < MAX_FILES_WITH_PATCH) {
      const paths = file.oldPath ? [file.oldPath, file.path] : [file.path];
      const text = await git(cwd, ['diff', '--no-color', '--no-ext-diff', '--find-renames', base, commit, '--', ...paths], { raw: true });
      patch = text && !/^Binary files /m.test(text) && text.length <= MAX_PATCH_CHARS ? text : null;
    }
    result.push({ ...file, hunks: patch ? hunksOfPatch(patch) : [], patch });
  }
  return result;
}
