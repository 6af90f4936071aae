import { DeployAgentError } from '../errors';
import { findFileHolders } from './lock-holder';

const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED_SHAREDCACHE']);

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * A failure of the history database that is the situation's, not a bug: another process holding
 * its lock longer than the busy timeout, a file or folder this user may not write, one it may not
 * read, a full disk. Each becomes an error that says so and what to do; anything else is left as
 * it is (undefined). `file` is the database's path (better-sqlite3's `db.name`).
 */
export function historyStoreError(error: unknown, file: string): DeployAgentError | undefined {
  if (error instanceof DeployAgentError) return undefined;
  const code = sqliteCode(error);
  if (!code) return undefined;
  if (BUSY_CODES.has(code)) return databaseLocked(file, error);
  if (code.startsWith('SQLITE_READONLY')) return databaseReadOnly(file, error);
  if (code === 'SQLITE_FULL') {
    return new DeployAgentError('DB_DISK_FULL', `The disk holding the history database at ${file} is full.`, 'Free some space on that disk, then run the command again (`deploy-agent resume ID` continues an interrupted deployment).', { cause: error, details: { path: file } });
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return databaseNotPermitted(file, error);
  return undefined;
}

export function databaseLocked(file: string, cause?: unknown): DeployAgentError {
  const holders = findFileHolders(file);
  const who = holders.length ? holders.map((h) => `pid ${h.pid} (${h.command})`).join(', ') : 'another process (its id is not visible to this user)';
  return new DeployAgentError(
    'DB_LOCKED',
    `Another process holds the history database at ${file}: ${who}. Deploy Agent waited for it and gave up.`,
    'Wait for that process to finish (or stop it), then run the command again; an interrupted deployment continues with `deploy-agent resume ID`. The wait is deployAgent.history.busyTimeoutSeconds.',
    { cause, details: { path: file, holders } },
  );
}

export function databaseReadOnly(file: string, cause?: unknown, why = 'this user cannot write to it or to its folder'): DeployAgentError {
  return new DeployAgentError(
    'DB_READ_ONLY',
    `The history database at ${file} is read-only: ${why}. Deploy Agent records every deployment there, so it cannot run with it.`,
    `Give your user write access to the file and its folder (\`ls -l ${file}\` shows the owner), or use another database with --db PATH / DEPLOY_AGENT_DB. The file was left as it is.`,
    { cause, details: { path: file } },
  );
}

export function databaseNotPermitted(file: string, cause?: unknown): DeployAgentError {
  return new DeployAgentError(
    'DB_PERMISSION_DENIED',
    `The history database at ${file} cannot be opened by this user (permission denied). It is not damaged and was left as it is.`,
    `Give your user read and write access to the file and its folder (\`ls -l ${file}\` shows the owner; a database created with sudo belongs to root), or use another database with --db PATH / DEPLOY_AGENT_DB.`,
    { cause, details: { path: file } },
  );
}
