import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

export type AdoptResult = { adopted: true; from: string } | { adopted: false; reason: 'no-earlier-history' | 'target-exists' | 'same-file'; from: string };

/**
 * Before one history was shared, the extension kept its own in VS Code's global storage. The
 * first time the shared history is opened and does not exist yet, that earlier history is copied
 * there (`VACUUM INTO`: a consistent copy even with a WAL, the original left untouched), so
 * nothing done in VS Code disappears. When both exist they are not merged: the earlier one is
 * left where it is, and the caller says so.
 */
export function adoptEarlierHistory(from: string, to: string): AdoptResult {
  if (path.resolve(from) === path.resolve(to)) return { adopted: false, reason: 'same-file', from };
  if (!existsSync(from)) return { adopted: false, reason: 'no-earlier-history', from };
  if (existsSync(to)) return { adopted: false, reason: 'target-exists', from };
  mkdirSync(path.dirname(to), { recursive: true });
  // Into a file of its own, then renamed: two windows starting at once never open a half-copied history.
  const partial = `${to}.adopting-${process.pid}`;
  rmSync(partial, { force: true });
  const source = new Database(from, { readonly: true, fileMustExist: true });
  try {
    source.prepare('VACUUM INTO ?').run(partial);
  } finally {
    source.close();
  }
  if (existsSync(to)) {
    rmSync(partial, { force: true });
    return { adopted: false, reason: 'target-exists', from };
  }
  renameSync(partial, to);
  return { adopted: true, from };
}
