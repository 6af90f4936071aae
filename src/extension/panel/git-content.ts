// Read-only documents of a file at a commit (`deploy-agent-git:` URIs), for the left side of the
// review's diff editors (the base the sandbox branched from), and for the right side once the
// sandbox is gone (the branch's commit). Added or deleted files show as empty on the missing side.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';

const run = promisify(execFile);
export const GIT_CONTENT_SCHEME = 'deploy-agent-git';

interface Ref {
  repo: string;
  /** null: the file does not exist on this side (an empty document). */
  ref: string | null;
  path: string;
}

/** A URI whose document is `file` (repository-relative) at `ref` in `repo`; its name keeps the file's extension for highlighting. */
export function gitContentUri(repo: string, ref: string | null, file: string, label: string): vscode.Uri {
  const query: Ref = { repo, ref, path: file };
  return vscode.Uri.from({ scheme: GIT_CONTENT_SCHEME, path: `/${label}/${file}`, query: JSON.stringify(query) });
}

export function registerGitContent(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(GIT_CONTENT_SCHEME, {
      async provideTextDocumentContent(uri) {
        const { repo, ref, path: file } = JSON.parse(uri.query) as Ref;
        if (!ref) return '';
        // `git show` keeps the file's bytes as they are (no trimming), so the diff is exact.
        const { stdout } = await run('git', ['show', `${ref}:${file.split(path.sep).join('/')}`], { cwd: repo, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
        return stdout;
      },
    }),
  );
}
