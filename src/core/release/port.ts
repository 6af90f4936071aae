import { DeployAgentError } from '../errors';
import type { CommandResult } from './hosts/host';
import type { RunOptions } from './release-state';
import { portHolders } from './scripts';
import type { ReleaseTarget } from './types';

type Run = (host: string, script: string, options?: RunOptions) => Promise<CommandResult>;

export interface PortHolder {
  pid: number;
  command: string;
  cwd: string;
}

/**
 * Who holds the application's port on a host:
 *   free      nobody listens
 *   running   the application this target's supervisor runs (a restart replaces it)
 *   own       an earlier process of this target outside the supervisor (its folder is under
 *             releases/): stopped by the restart, which is a recorded recovery
 *   foreign   anything else: the release stops and names it
 */
export type PortState = { kind: 'free' } | { kind: 'running' } | { kind: 'own'; holders: PortHolder[] } | { kind: 'foreign'; holders: PortHolder[] } | { kind: 'unknown'; reason: string };

export async function portState(run: Run, target: ReleaseTarget, host: string, root: string, port: number): Promise<PortState> {
  const output = (await run(host, portHolders(target.path, port), { label: 'port', level: 'debug', what: `checking port ${port}` })).output;
  let appGroup: number | undefined;
  const holders: (PortHolder & { group: number })[] = [];
  for (const line of output.split('\n')) {
    const cols = line.split('\t');
    if (cols[0] === 'app') appGroup = Number(cols[1]);
    else if (cols[0] === 'no-ss') return { kind: 'unknown', reason: '`ss` (iproute2) is not installed on the host' };
    // Taken, but `ss` shows no process: one of another user (this user would see its own, the application included).
    else if (cols[0] === 'unknown') return { kind: 'foreign', holders: [{ pid: 0, command: 'a process of another user', cwd: '' }] };
    else if (/^\d+$/.test(cols[0] ?? '')) holders.push({ pid: Number(cols[0]), group: Number(cols[1]), cwd: cols[2] ?? '', command: (cols[3] ?? '').trim() });
  }
  if (!holders.length) return { kind: 'free' };
  if (appGroup !== undefined && holders.every((h) => h.group === appGroup)) return { kind: 'running' };
  const releases = `${root.replace(/\/+$/, '')}/releases/`;
  const others = holders.filter((h) => h.group !== appGroup);
  if (others.every((h) => h.cwd.startsWith(releases))) return { kind: 'own', holders: others };
  return { kind: 'foreign', holders: others.filter((h) => !h.cwd.startsWith(releases)) };
}

export function portInUseError(target: ReleaseTarget, host: string, port: number, holders: PortHolder[]): DeployAgentError {
  const who = holders.map((h) => (h.pid ? `pid ${h.pid} (${h.command || 'unknown command'}${h.cwd ? ` in ${h.cwd}` : ''})` : h.command)).join(', ');
  return new DeployAgentError(
    'PORT_IN_USE',
    `On ${host}, port ${port} is held by ${who}, which is not this target's application.`,
    `Stop that process (${holders.some((h) => h.pid) ? `kill ${holders.filter((h) => h.pid).map((h) => h.pid).join(' ')}` : `sudo ss -ltnp 'sport = :${port}' names it`} on ${host}) or give the application another port (appPort and the health check of target ${target.name}); Deploy Agent stops only its own processes.`,
    { details: { host, port, holders, patternId: 'release-port-in-use' } },
  );
}
