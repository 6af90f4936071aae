import envPaths from 'env-paths';
import path from 'node:path';

export type DbPathSource = 'flag' | 'setting' | 'env' | 'default';

/**
 * Where the history lives, the same for the CLI and the extension so that one history holds
 * every deployment (`deploy-agent list` shows the ones made in VS Code, and the panel the CLI's):
 * the CLI's `--db PATH` or the extension's `deployAgent.historyDatabase` setting, else
 * DEPLOY_AGENT_DB, else the platform's data directory (XDG on Linux, Application Support on
 * macOS, %LOCALAPPDATA% on Windows).
 */
export function resolveDbPath(input: { flag?: string; setting?: string; env?: NodeJS.ProcessEnv }): { path: string; source: DbPathSource } {
  if (input.flag) return { path: path.resolve(input.flag), source: 'flag' };
  if (input.setting?.trim()) return { path: path.resolve(expandHome(input.setting.trim(), input.env)), source: 'setting' };
  const fromEnv = input.env?.DEPLOY_AGENT_DB;
  if (fromEnv) return { path: path.resolve(fromEnv), source: 'env' };
  return { path: defaultDbPath(), source: 'default' };
}

/** The platform's data directory for Deploy Agent (env-paths: XDG_DATA_HOME or ~/.local/share, Application Support, %LOCALAPPDATA%). */
export function defaultDbPath(): string {
  return path.join(envPaths('deploy-agent', { suffix: '' }).data, 'history.db');
}

/** The sentence diagnostics show for where the path came from. */
export function describeDbPathSource(source: string): string {
  switch (source) {
    case 'flag':
      return '--db';
    case 'setting':
      return 'the deployAgent.historyDatabase setting';
    case 'env':
      return 'DEPLOY_AGENT_DB';
    case 'default':
      return 'the default location, shared by the deploy-agent CLI and VS Code';
    default:
      return source;
  }
}

function expandHome(p: string, env: NodeJS.ProcessEnv | undefined): string {
  const home = env?.HOME ?? env?.USERPROFILE ?? process.env.HOME ?? process.env.USERPROFILE;
  return home && (p === '~' || p.startsWith('~/')) ? path.join(home, p.slice(1)) : p;
}
