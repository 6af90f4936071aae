import semver from 'semver';
import { DeployAgentError } from '../../errors';
import { portInUseError, portState } from '../port';
import { parseReleases, pruneForSpace } from '../recovery';
import type { ReleaseStep, ReleaseStepContext } from '../release-state';
import { base, diskFree, listReleases, prepareLayout } from '../scripts';
import type { HostState, ReleaseState } from '../types';
import type { RuntimeRequirement } from '../../analysis/types';

/**
 * The folder, read only (`release check`, dry run): its real path, then `ok` (writable),
 * `not-writable`, `creatable` (missing, under a folder the user can write: the first release
 * makes it) or `missing PARENT` (missing, and its nearest existing parent is not writable).
 */
const CHECK_FOLDER = (path: string) =>
  `${base(path)}if [ -d "$B" ]; then cd "$B" && pwd -P && { [ -w "$B" ] && echo ok || echo not-writable; }; ` +
  `else echo "$B"; d="$B"; while [ ! -d "$d" ]; do d=$(dirname "$d"); done; if [ -w "$d" ]; then echo creatable; else echo "missing $d"; fi; fi`;

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
    ? await ctx.run(host, CHECK_FOLDER(path), { label: 'preflight', level: 'debug', what: 'checking the folder' })
    : await ctx.run(host, `${prepareLayout(path)}; cd "$B" && pwd -P`, { label: 'preflight', level: 'debug', what: `preparing ${path}`, allowFailure: true });
  const lines = layout.output.trim().split('\n');
  const verdict = options.readOnly ? (lines[1] ?? '') : lines[0] === 'ok' ? 'ok' : `failed ${lines.at(-1) ?? ''}`;
  const root = (options.readOnly ? lines[0] : lines[1])?.trim() ?? path;
  const where = target.type === 'local' ? 'this machine' : host;
  if (verdict.startsWith('missing ')) {
    const parent = verdict.slice('missing '.length);
    throw new DeployAgentError('TARGET_NOT_WRITABLE', `On ${where}, ${path} does not exist, and the login user cannot create it: ${parent} is not writable.`, `Create it for the user (sudo mkdir -p ${path} && sudo chown $USER ${path} on ${where}), or set the target's path to a folder under one the user can write.`, { details: { host, patternId: 'release-permission-denied' } });
  }
  if (verdict === 'not-writable') {
    throw new DeployAgentError('TARGET_NOT_WRITABLE', `On ${where}, ${path} exists, but the login user cannot write to it.`, `Give the user write access (sudo chown -R $USER ${path} on ${where}).`, { details: { host, patternId: 'release-permission-denied' } });
  }
  if (verdict.startsWith('failed')) {
    throw new DeployAgentError('TARGET_NOT_WRITABLE', `On ${where}, ${path} cannot be prepared by the login user: ${verdict.slice('failed '.length)}`, `Create it and give the user write access (sudo mkdir -p ${path} && sudo chown $USER ${path} on ${where}).`, { details: { host, patternId: 'release-permission-denied' } });
  }
  if (verdict === 'creatable') ctx.log('info', `${host}: ${path} does not exist yet; the first release creates it.`);

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

/**
 * What the host's runtime must satisfy: the project's range when it declared one (engines ">=20":
 * Node 22 is fine), else the version it names, as a semver range ("20": any 20.x).
 */
export function wantedRuntime(runtime: RuntimeRequirement): string | null {
  for (const spec of [runtime.range, runtime.version]) {
    if (spec && semver.validRange(spec)) return spec;
  }
  return null;
}

async function checkRuntime(ctx: ReleaseStepContext, host: string, runtime: RuntimeRequirement): Promise<void> {
  const ask = RUNTIME_VERSION[runtime.name];
  if (!ask) return;
  const result = await ctx.run(host, `${ask} 2>&1`, { label: 'preflight', level: 'debug', what: `asking for ${runtime.name}`, allowFailure: true });
  if (result.code !== 0) {
    throw new DeployAgentError('RUNTIME_MISSING', `On ${host}, ${runtime.name} is not installed (or not on the PATH of a non-interactive login): ${result.output.trim().split('\n')[0] ?? ''}`, `Install ${runtime.name}${runtime.version ? ` ${runtime.version}` : ''} on the server, or put it on the PATH of ~/.profile-less SSH commands (e.g. /usr/local/bin).`, { details: { host, patternId: 'release-command-not-found' } });
  }
  const found = semver.coerce(result.output)?.version;
  const wanted = wantedRuntime(runtime);
  if (found && wanted && !semver.satisfies(found, wanted)) {
    const older = semver.gtr(found, wanted) ? 'newer than' : semver.ltr(found, wanted) ? 'older than' : 'outside';
    throw new DeployAgentError('RUNTIME_VERSION', `On ${host}, runtime ${runtime.name} ${found} is ${older} what the project declares: ${wanted}.`, `Install a ${runtime.name} version that satisfies ${wanted} on the server, or change the project's declaration.`, { details: { host, found, wanted, patternId: 'release-runtime-version' } });
  }
  ctx.log('info', `${host}: ${runtime.name} ${found ?? '(version unknown)'}${wanted ? ` satisfies ${wanted}` : ''}`);
}
