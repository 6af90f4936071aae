import type { StrategyName, StrategyRequest } from '../strategy/types';
import type { RuntimeRequirement } from '../analysis/types';

/**
 * A release target as the release uses it: what `.deploy-agent/config.json` says (`targets`),
 * with the defaults filled in from the project profile and `~` expanded (targets.ts). It is
 * recorded with the release's request, so a resumed release runs against the same target even
 * when the file changed meanwhile.
 */
export interface ReleaseTarget {
  name: string;
  type: 'ssh' | 'local';
  /** ssh: `host` or `host:port`; local: `['local']`. */
  hosts: string[];
  user?: string;
  port: number;
  identityFile?: string;
  knownHosts?: string;
  hostKeys: string[];
  /** Absolute on the target (a local target's `~` is expanded here; a remote one's by the remote shell). */
  path: string;
  environment: string;
  keepReleases: number;
  shared: string[];
  steps: { install?: string; build?: string; migrate?: string };
  /** Supervised by Deploy Agent (built-in supervisor) unless `restart` is set. */
  start?: string;
  restart?: string;
  appPort?: number;
  healthCheck?: { url: string; expectStatus: number; expectBody?: string; timeoutMs: number };
  watch?: { minutes?: number; intervalMs: number; metrics?: { command?: string; url?: string; maxErrorRateIncrease: number; maxLatencyRatio: number } };
  batchSize?: number;
  commandTimeoutMs: number;
  minFreeMb: number;
  /** The runtime the project needs (from its profile: `node` with range `>=20`), checked on the target by preflight. */
  runtime?: RuntimeRequirement;
  /** Where each value came from: `config` or `profile` (shown by `deploy-agent targets`). */
  sources: Record<string, 'config' | 'profile' | 'default'>;
}

export interface ReleaseRequest {
  target: ReleaseTarget;
  /** The repository the release is made from. */
  repoPath: string;
  /** What was asked for (`HEAD`, a branch, a tag, a sha) and the commit it resolved to. */
  ref: string;
  commit: string;
  /** The commit's committer time (ms): the release's lead time for changes runs from it (src/core/learning/release-facts.ts). */
  commitAt?: number;
  strategy: StrategyRequest;
  /** `release` (a new release) or `rollback` (switch back to an earlier one). */
  mode: 'release' | 'rollback';
  /** rollback: the release to go back to (default: the one before the current). */
  rollbackTo?: string;
}

/** Release levers the strategy sets. */
export interface ReleaseLevers {
  name: StrategyName;
  /** Hosts switched at a time. */
  batchSize: number;
  /** Minutes the release is watched after the switch. */
  watchMinutes: number;
  reasons: string[];
}

/** What is known about one host of the target as the release goes. */
export interface HostState {
  /** The target's folder as the host resolves it (`~` expanded, symlinks followed). */
  root: string;
  /** The release that was current before this one (null: the first release). */
  previous: string | null;
  /** This release is now `current` on the host. */
  switched?: boolean;
  /** The host was switched back to `previous`. */
  rolledBack?: boolean;
}

/** Everything a release has learnt so far; each step's contribution is persisted as its artifacts. */
export interface ReleaseState {
  id: string;
  warnings: string[];
  request: ReleaseRequest;
  /** The release's folder name under releases/ (`20250102T030405678Z-<id>`). */
  release: string;
  hostKeys?: Record<string, string>;
  levers?: ReleaseLevers;
  /** The hosts in the batches the strategy chose. */
  batches?: string[][];
  hosts?: Record<string, HostState>;
  archive?: { bytes: number; files: number };
  /** Per host: `uploaded`, or `there` when the folder existed already (a resumed release). */
  uploaded?: Record<string, string>;
  /** Shared entries that do not exist on a host (`host: shared/.env`). */
  sharedMissing?: string[];
  health?: Record<string, { status: number; ms: number; body: string }>;
  watched?: { checks: number; breach?: string };
  pruned?: string[];
}
