import envPaths from 'env-paths';
import path from 'node:path';

export type DbPathSource = 'flag' | 'env' | 'editor' | 'default';

/**
 * Where the CLI keeps its history: `--db PATH`, else DEPLOY_AGENT_DB, else the platform's
 * data directory (XDG on Linux, Application Support on macOS, %LOCALAPPDATA% on Windows).
 * The extension passes its globalStorageUri path as `editorPath`.
 */
export function resolveDbPath(input: { flag?: string; env?: NodeJS.ProcessEnv; editorPath?: string }): { path: string; source: DbPathSource } {
  if (input.flag) return { path: path.resolve(input.flag), source: 'flag' };
  const fromEnv = input.env?.DEPLOY_AGENT_DB;
  if (fromEnv) return { path: path.resolve(fromEnv), source: 'env' };
  if (input.editorPath) return { path: input.editorPath, source: 'editor' };
  return { path: path.join(envPaths('deploy-agent', { suffix: '' }).data, 'history.db'), source: 'default' };
}
