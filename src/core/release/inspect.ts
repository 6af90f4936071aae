import type { EventError } from '../deployment/events';
import { toEventError } from '../flow/event-error';
import type { HistoryStore } from '../store/database';
import { DeploymentsRepository } from '../store/deployments';
import type { StrategyRequest } from '../strategy/types';
import { archiveSize, changeSince, resolveCommit } from './archive';
import { commandRunner } from './command';
import { checkHealth } from './health';
import { forEachHost } from './hosts/each';
import { HostPool } from './hosts/pool';
import type { SshHost } from './hosts/ssh-host';
import { lockHolders, type LockHolder } from './lock';
import { releasePlan } from './plan';
import { parseReleases } from './recovery';
import { DEFAULT_TIMING, releaseStepTitle, type ReleaseStepContext, type ReleaseStepName } from './release-state';
import { listReleases } from './scripts';
import { SecretMask } from './secret-mask';
import { preflightHost } from './steps/preflight';
import { batchesOf, decideReleaseStrategy } from './strategy';
import type { ReleaseLevers, ReleaseTarget } from './types';

/** What `release check` (and the dry run) found on one host; nothing on it was changed. */
export interface HostCheck {
  host: string;
  ok: boolean;
  /** `SHA256:…` of the verified host key (ssh), or `local`. */
  hostKey: string | null;
  current: string | null;
  releases: string[];
  notes: string[];
  error: EventError | null;
}

export interface ReleasePlanPreview {
  target: string;
  environment: string;
  ref: string;
  commit: string;
  archive: { files: number; bytes: number };
  strategy: ReleaseLevers;
  batches: string[][];
  steps: { name: ReleaseStepName; title: string }[];
  hosts: HostCheck[];
}

export interface TargetStatus {
  target: string;
  environment: string;
  hosts: { host: string; current: string | null; releases: string[]; lock: LockHolder | null; health: { ok: boolean; status: number | null; body: string; error: string | null } | null; error: EventError | null }[];
  history: { id: string; mode: string | null; status: string; release: string | null; commit: string | null; createdAt: number; durationMs: number | null; error: string | null }[];
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * Connects to every host of the target (host keys verified) and runs the preflight without
 * creating or pruning anything: what `deploy-agent release check` shows.
 */
export async function checkTarget(target: ReleaseTarget, options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<HostCheck[]> {
  const signal = options.signal ?? NEVER_ABORTED;
  const mask = new SecretMask();
  const pool = new HostPool(target, { env: options.env, mask });
  try {
    return await Promise.all(
      target.hosts.map(async (host): Promise<HostCheck> => {
        const notes: string[] = [];
        const ctx = readOnlyContext(pool, mask, target, signal, notes);
        try {
          const connected = await pool.get(host, signal);
          const state = { id: 'check', warnings: [], release: '', request: { target, repoPath: '', ref: '', commit: '', strategy: 'auto' as const, mode: 'release' as const } };
          const found = await preflightHost(state, ctx, host, { readOnly: true });
          const listing = parseReleases((await ctx.run(host, listReleases(target.path), { level: 'debug' })).output);
          return { host, ok: true, hostKey: connected.kind === 'ssh' ? (connected as SshHost).fingerprint : 'local', current: found.previous, releases: listing.releases, notes, error: null };
        } catch (error) {
          return { host, ok: false, hostKey: null, current: null, releases: [], notes, error: mask.deep(toEventError(error, signal)) };
        }
      }),
    );
  } finally {
    await pool.closeAll();
  }
}

/** The dry run: the check, the strategy's decision (not logged) and the steps the release would run. */
export async function planRelease(store: HistoryStore, input: { target: ReleaseTarget; repoPath: string; ref: string; strategy: StrategyRequest; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<ReleasePlanPreview> {
  const commit = await resolveCommit(input.repoPath, input.ref);
  const archive = await archiveSize(input.repoPath, commit);
  const last = store.db
    .prepare(`SELECT commit_sha FROM deployments WHERE kind = 'release' AND target = ? AND status = 'succeeded' AND mode = 'release' AND commit_sha IS NOT NULL ORDER BY created_at DESC LIMIT 1`)
    .pluck()
    .get(input.target.name) as string | undefined;
  const change = await changeSince(input.repoPath, last ?? null, commit);
  const strategy = decideReleaseStrategy(store, { deploymentId: undefined, repoPath: input.repoPath, requested: input.strategy, target: input.target, facts: { filesChanged: change.files, linesChanged: change.lines } });
  const batches = batchesOf(input.target.hosts, strategy.batchSize);
  const hosts = await checkTarget(input.target, { env: input.env, signal: input.signal });
  const steps = [...releasePlan({ mode: 'release' }, batches.length), 'finish' as const].map((name) => ({ name, title: releaseStepTitle(name) }));
  return { target: input.target.name, environment: input.target.environment, ref: input.ref, commit, archive, strategy, batches, steps, hosts };
}

/** The target now: each host's current release, the releases kept, who holds its lock, its health; and the release history. */
export async function targetStatus(store: HistoryStore, target: ReleaseTarget, options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; limit?: number } = {}): Promise<TargetStatus> {
  const signal = options.signal ?? NEVER_ABORTED;
  const mask = new SecretMask();
  const pool = new HostPool(target, { env: options.env, mask });
  try {
    const ctx = readOnlyContext(pool, mask, target, signal, []);
    const hosts = await Promise.all(
      target.hosts.map(async (host) => {
        try {
          const listing = parseReleases((await ctx.run(host, listReleases(target.path), { level: 'debug' })).output);
          const lock = (await lockHolders((h, s, o) => ctx.run(h, s, o), { ...target, hosts: [host] }))[host] ?? null;
          const health = target.healthCheck && listing.current ? await checkHealth(await pool.get(host, signal), target.healthCheck, { signal, baseDelayMs: 100, mask: mask.apply, timeoutMs: 3000, once: true }) : null;
          return { host, current: listing.current, releases: listing.releases, lock, health: health ? { ok: health.ok, status: health.status, body: health.body.slice(0, 300), error: health.error } : null, error: null };
        } catch (error) {
          return { host, current: null, releases: [], lock: null, health: null, error: mask.deep(toEventError(error, signal)) };
        }
      }),
    );
    const history = new DeploymentsRepository(store.db).list({ kind: 'release', target: target.name, limit: options.limit ?? 10 }).map((r) => ({
      id: r.id,
      mode: r.mode,
      status: r.status,
      release: r.mode === 'rollback' ? r.title.replace(/^.* to /, '') : releaseOf(store, r.id),
      commit: r.commitSha,
      createdAt: r.createdAt,
      durationMs: r.durationMs,
      error: r.errorMessage,
    }));
    return { target: target.name, environment: target.environment, hosts, history };
  } finally {
    await pool.closeAll();
  }
}

function releaseOf(store: HistoryStore, id: string): string | null {
  const payload = store.db.prepare(`SELECT payload FROM events WHERE deployment_id = ? AND type = 'request' ORDER BY id DESC LIMIT 1`).pluck().get(id) as string | undefined;
  try {
    return payload ? ((JSON.parse(payload) as { release?: string }).release ?? null) : null;
  } catch {
    return null;
  }
}

/** A step context for reading a target outside a release: nothing recorded, log lines kept as notes. */
function readOnlyContext(pool: HostPool, mask: SecretMask, target: ReleaseTarget, signal: AbortSignal, notes: string[]): ReleaseStepContext {
  const log = (level: string, message: string) => {
    if (level !== 'debug') notes.push(mask.apply(message));
  };
  return {
    deploymentId: 'check',
    step: 'preflight',
    stepId: 0,
    signal,
    resuming: false,
    now: Date.now,
    progress: () => undefined,
    log,
    emit: () => undefined,
    record: () => undefined,
    hold: () => undefined,
    pool,
    mask,
    db: undefined as never,
    timing: DEFAULT_TIMING,
    run: commandRunner({ pool, mask, signal, step: 'check', now: Date.now, log, recordRecovery: () => undefined, timeoutMs: target.commandTimeoutMs }),
    host: (name) => pool.get(name, signal),
    eachHost: forEachHost,
    recordRecovery: () => undefined,
  };
}
