import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../git/run';

/**
 * The user's work in progress, kept while model-written code runs: the content (not only a
 * hash) of every file in the main working tree that git reports as modified or untracked (not
 * ignored), which tracked files are deleted, and the repository's git hooks and config (where
 * planted code would run later). Confinement keeps the repository read-only, so
 * normally nothing changes; where something still did (no confinement tool and
 * `pipeline.allowUnconfinedTests`, or a tool with a hole), `restoreUserFiles` puts every such
 * file back exactly — bytes, mode, symbolic links — and keeps what it found instead in a folder
 * of the repository's git directory, so that an edit the user made meanwhile is never lost.
 */
export interface UserFilesSnapshot {
  repoRoot: string;
  /** Repository-relative path → what it was (null: the file did not exist, a deleted tracked file). */
  files: Map<string, SavedFile | null>;
  /** Files over the snapshot's size cap, by their SHA-256: a change is detected, not restored. */
  tooLarge: Map<string, string>;
  /** Repository-relative folders where a new file is a change too (the git hooks folder). */
  watched: string[];
}

type SavedFile = { kind: 'file'; content: Buffer; mode: number } | { kind: 'link'; target: string };

export interface RestoreResult {
  /** Paths put back to what they were. */
  restored: string[];
  /** Where what was found instead is kept (absent when nothing was restored). */
  keptAt?: string;
  /** Paths that changed but could not be put back (over the size cap, or the write failed). */
  notRestored: string[];
}

/** The most a snapshot keeps in memory; larger work in progress is named, not kept. */
export const USER_FILES_CAP_BYTES = 256 * 1024 * 1024;

/** git must never refresh (rewrite) the user's index while we look at it. */
const READ_ONLY_GIT = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };

export async function snapshotUserFiles(repoRoot: string, capBytes = USER_FILES_CAP_BYTES): Promise<UserFilesSnapshot> {
  const status = await git(repoRoot, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], { env: READ_ONLY_GIT, raw: true });
  const snapshot: UserFilesSnapshot = { repoRoot, files: new Map(), tooLarge: new Map(), watched: [] };
  // Where code planted in a repository runs later on the user's machine: its git hooks and its config.
  const common = path.resolve(repoRoot, await git(repoRoot, ['rev-parse', '--git-common-dir']));
  const control: string[] = [];
  if (!path.relative(repoRoot, common).startsWith('..')) {
    const hooks = path.relative(repoRoot, path.join(common, 'hooks'));
    snapshot.watched.push(hooks);
    control.push(...(await listFiles(repoRoot, hooks)), path.relative(repoRoot, path.join(common, 'config')));
  }
  let total = 0;
  for (const rel of [...status.split('\0').filter(Boolean).map((entry) => entry.slice(3)), ...control]) {
    const file = path.join(repoRoot, rel);
    const size = await lstat(file).then((st) => (st.isFile() ? st.size : 0), () => 0);
    if (total + size > capBytes) {
      snapshot.tooLarge.set(rel, await digest(file));
      continue;
    }
    const saved = await read(file);
    if (saved?.kind === 'file') total += saved.content.length;
    snapshot.files.set(rel, saved);
  }
  return snapshot;
}

export async function restoreUserFiles(snapshot: UserFilesSnapshot, keepDir: string): Promise<RestoreResult> {
  const result: RestoreResult = { restored: [], notRestored: [] };
  const now = new Map(snapshot.files);
  for (const dir of snapshot.watched) for (const rel of await listFiles(snapshot.repoRoot, dir)) if (!now.has(rel) && !snapshot.tooLarge.has(rel)) now.set(rel, null);
  for (const [rel, saved] of now) {
    const file = path.join(snapshot.repoRoot, rel);
    const found = await read(file);
    if (same(saved, found)) continue;
    try {
      if (found) {
        // What was there instead is kept, not destroyed: it may be the user's own edit of a moment ago.
        const kept = path.join(keepDir, rel);
        await mkdir(path.dirname(kept), { recursive: true });
        await rm(kept, { force: true });
        await write(kept, found);
        result.keptAt = keepDir;
      }
      if (saved) {
        await mkdir(path.dirname(file), { recursive: true });
        const temp = `${file}.deploy-agent-restore`;
        await rm(temp, { force: true });
        await write(temp, saved);
        await rename(temp, file);
      } else {
        await rm(file, { force: true });
      }
      result.restored.push(rel);
    } catch {
      result.notRestored.push(rel);
    }
  }
  // Changed files the snapshot could not keep (too large) are said, not restored.
  for (const [rel, before] of snapshot.tooLarge) if ((await digest(path.join(snapshot.repoRoot, rel))) !== before) result.notRestored.push(rel);
  return result;
}

/** Files (not folders) below a repository-relative folder, repository-relative. */
async function listFiles(repoRoot: string, dir: string): Promise<string[]> {
  try {
    const entries = await readdir(path.join(repoRoot, dir), { recursive: true, withFileTypes: true });
    return entries.filter((e) => !e.isDirectory()).map((e) => path.relative(repoRoot, path.join(e.parentPath, e.name)));
  } catch {
    return [];
  }
}

function digest(file: string): Promise<string> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', () => resolve('(unreadable)'));
  });
}

async function read(file: string): Promise<SavedFile | null> {
  try {
    const st = await lstat(file);
    if (st.isSymbolicLink()) return { kind: 'link', target: await readlink(file) };
    if (!st.isFile()) return null;
    return { kind: 'file', content: await readFile(file), mode: st.mode & 0o7777 };
  } catch {
    return null;
  }
}

async function write(file: string, saved: SavedFile): Promise<void> {
  if (saved.kind === 'link') {
    await symlink(saved.target, file);
    return;
  }
  await writeFile(file, saved.content, { mode: saved.mode });
  await chmod(file, saved.mode); // writeFile's mode is masked by the umask
}

function same(a: SavedFile | null, b: SavedFile | null): boolean {
  if (!a || !b) return a === b;
  if (a.kind === 'link' || b.kind === 'link') return a.kind === b.kind && (a as { target: string }).target === (b as { target: string }).target;
  return a.mode === b.mode && a.content.equals(b.content);
}

/**
 * Snapshot now, restore later: what the pipeline wraps around a run of model-written code. What
 * a restore finds instead of the user's files is kept in `<git dir>/deploy-agent/restored/<id>-<time>/`.
 */
export async function guardUserFiles(repoRoot: string, deploymentId: string): Promise<{ restore(): Promise<RestoreResult> }> {
  const snapshot = await snapshotUserFiles(repoRoot);
  return {
    restore: async () => {
      const common = path.resolve(repoRoot, await git(repoRoot, ['rev-parse', '--git-common-dir']));
      return restoreUserFiles(snapshot, path.join(common, 'deploy-agent', 'restored', `${deploymentId}-${Date.now()}`));
    },
  };
}
