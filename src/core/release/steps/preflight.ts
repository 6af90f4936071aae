import semver from 'semver';
import { DeployAgentError } from '../../errors';
import { portInUseError, portState } from '../port';
import { parseReleases, pruneForSpace } from '../recovery';
import type { ReleaseStep, ReleaseStepContext } from '../release-state';
import { base, diskFree, listReleases, prepareLayout } from '../scripts';
import type { HostState, ReleaseState } from '../types';

/** How a runtime's version is asked on the host. */
const RUNTIME_VERSION: Record<string, string> = {
  node: 'node --version',
  python: 'python3 --version',
  deno: 'deno --version',
  bun: 'bun --version',
  go: 'go version',
  ruby: 'ruby --version',
  java: 'java -version 2>&1',
  dotnet: 'dotnet --version',
};

/**
 * Before anything changes on the target: the folder is there and writable, the disk has room
 * (old releases are pruned first when it has not), the runtime the project needs is installed in
 * a version it accepts, the application's port is free or held by this target's own application,
 * and which release is current (what a failure switches back to).
 */
export const preflightStep: ReleaseStep = {
  name: 'preflight',
  async run(state, ctx) {
    const hosts = await ctx.eachHost(state.request.target.hosts, (host) => preflightHost(state, ctx, host, { readOnly: false }));
    return { hosts };
  },
  summary: (state) =>
    Object.entries(state.hosts ?? {})
      .map(([host, h]) => `${host}: ${h.previous ? `current ${h.previous}` : 'first release'}`)
      .join('; '),
};

/** One host's preflight; `readOnly` (dry run, `release check`) creates nothing and prunes nothing. */
export async function preflightHost(state: Readonly<ReleaseState>, ctx: ReleaseStepContext, host: string, options: { readOnly: boolean }): Promise<HostState> {
  const target = state.request.target;
  const path = target.path;
  const layout = options.readOnly
    ? await ctx.run(host, `${base(path)}if [ -d "$B" ]; then cd "$B" && pwd -P && { [ -w "$B" ] && echo ok || echo not-writable; }; else d=$(dirname "$B"); echo "$B"; [ -w "$d" ] && echo ok || echo not-writable; fi`, { label: 'preflight', level: 'debug', what: 'checking the folder' })
    : await ctx.run(host, `${prepareLayout(path)}; cd "$B" && pwd -P`, { label: 'preflight', level: 'debug', what: `preparing ${path}`, allowFailure: true });
  const lines = layout.output.trim().split('\n');
  const writable = options.readOnly ? lines[1] === 'ok' : lines[0] === 'ok';
  const root = (options.readOnly ? lines[0] : lines[1])?.trim() ?? path;
  if (!writable) {
    throw new DeployAgentError('TARGET_NOT_WRITABLE', `On ${host}, ${path} cannot be written by the login user: ${layout.output.trim().split('\n').at(-1) ?? ''}`, `Create it and give the user write access (sudo mkdir -p ${path} && sudo chown $USER ${path} on ${host}).`, { details: { host, patternId: 'release-permission-denied' } });
  }

  const listing = parseReleases((await ctx.run(host, listReleases(path), { label: 'preflight', level: 'debug', what: 'listing the releases' })).output);
  const hostState: HostState = { root, previous: listing.current };

  let free = await freeMb(ctx, path, host);
  if (free !== null && free < target.minFreeMb && !options.readOnly) {
    const removed = await pruneForSpace(ctx, { ...state, hosts: { ...state.hosts, [host]: hostState } }, host);
    const after = await freeMb(ctx, path, host);
    ctx.recordRecovery({ host, step: ctx.step, patternId: 'release-no-space', action: 'prune-and-retry', worked: after !== null && after >= target.minFreeMb, recoveredMs: 0, detail: `removed ${removed.join(', ') || 'nothing'}; ${free} → ${after} MB free` });
    free = after;
  }
  if (free !== null && free < target.minFreeMb) {
    throw new DeployAgentError('NO_SPACE', `On ${host}, only ${free} MB are free where ${path} is, not enough free space on the target (minFreeMb ${target.minFreeMb}).`, 'Free space on the server (old logs, caches, other releases), or lower minFreeMb for the target.', { details: { host, freeMb: free, patternId: 'release-no-space' } });
  }

  if (target.runtime) await checkRuntime(ctx, host, target.runtime);

  if (target.appPort) {
    const port = await portState(ctx.run, target, host, root, target.appPort);
    if (port.kind === 'foreign') throw portInUseError(target, host, target.appPort, port.holders);
    if (port.kind === 'own') ctx.log('warn', `${host}: port ${target.appPort} is held by an earlier process of this target (pid ${port.holders.map((h) => h.pid).join(', ')}); the restart stops it.`);
    if (port.kind === 'unknown') ctx.log('warn', `${host}: could not tell who holds port ${target.appPort}: ${port.reason}.`);
  }
  return hostState;
}

async function freeMb(ctx: ReleaseStepContext, path: string, host: string): Promise<number | null> {
  const out = (await ctx.run(host, diskFree(path), { label: 'preflight', level: 'debug', what: 'measuring free space', allowFailure: true })).output.trim();
  return /^\d+$/.test(out) ? Math.floor(Number(out) / 1024) : null;
}

async function checkRuntime(ctx: ReleaseStepContext, host: string, runtime: { name: string; version: string | null }): Promise<void> {
  const ask = RUNTIME_VERSION[runtime.name];
  if (!ask) return;
  const result = await ctx.run(host, `${ask} 2>&1`, { label: 'preflight', level: 'debug', what: `asking for ${runtime.name}`, allowFailure: true });
  if (result.code !== 0) {
    throw new DeployAgentError('RUNTIME_MISSING', `On ${host}, ${runtime.name} is not installed (or not on the PATH of a non-interactive login): ${result.output.trim().split('\n')[0] ?? ''}`, `Install ${runtime.name}${runtime.version ? ` ${runtime.version}` : ''} on the server, or put it on the PATH of ~/.profile-less SSH commands (e.g. /usr/local/bin).`, { details: { host, patternId: 'release-command-not-found' } });
  }
  const found = semver.coerce(result.output)?.version;
  const wanted = runtime.version ? semver.validRange(runtime.version) : null;
  if (found && wanted && !semver.satisfies(found, wanted)) {
    throw new DeployAgentError('RUNTIME_VERSION', `On ${host}, runtime ${runtime.name} ${found} is older than (or outside) what the project needs: ${runtime.version}.`, `Install a ${runtime.name} version in ${runtime.version} on the server, or relax the project's declaration.`, { details: { host, found, wanted: runtime.version, patternId: 'release-runtime-version' } });
  }
  ctx.log('info', `${host}: ${runtime.name} ${found ?? '(version unknown)'}${runtime.version ? ` satisfies ${runtime.version}` : ''}`);
}
