import { existsSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Confinement } from './types';

export interface CommandLine {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface WrappedCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Removes what the wrapping made for the run (a private temporary folder). */
  cleanup(): void;
}

/**
 * The command as it runs under its confinement. bubblewrap: the whole file system read-only, a
 * fresh /tmp, /dev and /proc, the writable folders bound back writable, the user's repository
 * bound read-only again over anything writable, credential stores covered by empty ones, new
 * PID and IPC namespaces (the run cannot see or signal other processes; when its first process
 * dies, all of it dies), a new network namespace with only loopback unless the network is on,
 * and `--die-with-parent` so a killed Deploy Agent takes its runs with it. No new session: the
 * run stays in the process group the caller made, so a time limit still kills all of it.
 */
export function confineCommand(confinement: Confinement, line: CommandLine): WrappedCommand {
  const env: NodeJS.ProcessEnv = { ...line.env, ...confinement.env, ...(confinement.network || confinement.kind === 'unconfined' ? {} : OFFLINE) };
  switch (confinement.kind) {
    case 'unconfined':
      return { command: line.command, args: line.args, env, cleanup: () => undefined };
    case 'bubblewrap':
      return {
        command: confinement.tool!,
        args: [...bubblewrapArgs(confinement, line.cwd, toolsUnderTmp(line)), '--', line.command, ...line.args],
        env: { ...env, TMPDIR: '/tmp' },
        cleanup: () => undefined,
      };
    case 'sandbox-exec': {
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-confined-'));
      return {
        command: confinement.tool!,
        args: ['-p', sandboxProfile(confinement, tmp), line.command, ...line.args],
        env: { ...env, TMPDIR: tmp },
        cleanup: () => rmSync(tmp, { recursive: true, force: true }),
      };
    }
  }
}

/** Without the network, package tools fail at once with a clear message instead of timing out on a lookup. */
const OFFLINE: Record<string, string> = { GOPROXY: 'off', CARGO_NET_OFFLINE: 'true', PIP_NO_INDEX: '1', npm_config_offline: 'true' };

const TMP_ROOTS = ['/tmp', '/var/tmp'];

/**
 * The folders under /tmp or /var/tmp that hold the run's own tools: the command itself and the
 * folders on its PATH (a project cloned into /tmp whose node_modules/.bin is on PATH, a runtime
 * unpacked there). The run's fresh /tmp would hide them; each is shown again read-only as the
 * whole top folder under the temporary root, so the links inside it (node_modules/.bin → ../x)
 * resolve. Nothing else of the machine's /tmp is visible.
 */
export function toolsUnderTmp(line: Pick<CommandLine, 'command' | 'env'>): string[] {
  const candidates = [...(line.env.PATH ?? '').split(path.delimiter), path.isAbsolute(line.command) ? path.dirname(line.command) : ''];
  const tops = new Set<string>();
  for (const entry of candidates.filter((p) => path.isAbsolute(p))) {
    for (const p of [entry, real(entry)]) {
      const root = TMP_ROOTS.find((r) => p.startsWith(r + path.sep));
      const first = root ? p.slice(root.length + 1).split(path.sep)[0] : '';
      if (root && first) tops.add(path.join(root, first));
    }
  }
  return [...tops].filter((p) => existsSync(p));
}

export function bubblewrapArgs(c: Confinement, cwd: string, tmpTools: string[] = []): string[] {
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  if (existsSync('/var/tmp')) args.push('--tmpfs', '/var/tmp');
  // Before the writable ones: a sandbox inside one of these folders stays writable.
  for (const dir of tmpTools) args.push('--ro-bind-try', dir, dir);
  for (const dir of c.writable) args.push('--bind-try', dir, dir);
  // After the writable ones: the user's repository stays read-only even inside one of them.
  for (const dir of c.readOnly) args.push('--ro-bind-try', dir, dir);
  for (const secret of c.hidden) {
    if (isDirectory(secret)) args.push('--tmpfs', secret, '--remount-ro', secret);
    else if (existsSync(secret)) args.push('--ro-bind', '/dev/null', secret);
  }
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent');
  if (!c.network) args.push('--unshare-net');
  args.push('--chdir', cwd);
  return args;
}

/**
 * A Seatbelt profile (sandbox-exec, macOS): writes only to the writable folders, the run's own
 * temporary folder and the terminal devices; the user's repository read-only; credential stores
 * unreadable; no network but loopback unless it is on. Later rules win in Seatbelt, so the
 * denials for the repository and the credential stores come after the allowances.
 */
export function sandboxProfile(c: Confinement, tmp: string): string {
  const q = (p: string) => JSON.stringify(real(p));
  const rules = ['(version 1)', '(allow default)', '(deny file-write*)'];
  rules.push(`(allow file-write* ${[...c.writable, tmp].map((p) => `(subpath ${q(p)})`).join(' ')})`);
  rules.push('(allow file-write* (literal "/dev/null") (literal "/dev/zero") (literal "/dev/dtracehelper") (regex #"^/dev/tty") (regex #"^/dev/fd/"))');
  if (c.readOnly.length) rules.push(`(deny file-write* ${c.readOnly.map((p) => `(subpath ${q(p)})`).join(' ')})`);
  if (c.hidden.length) rules.push(`(deny file-read* file-write* ${c.hidden.map((p) => (isDirectory(p) ? `(subpath ${q(p)})` : `(literal ${q(p)})`)).join(' ')})`);
  if (!c.network) rules.push('(deny network*)', '(allow network* (local ip "localhost:*") (remote ip "localhost:*") (remote unix-socket))');
  return rules.join('\n');
}

/** The path with its links resolved (Seatbelt matches real paths: /tmp is /private/tmp on macOS). */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
