import type Database from 'better-sqlite3';
import type { ClosingStep, Step, StepContext } from '../flow/step';
import type { HostPool } from './hosts/pool';
import type { CommandResult, TargetHost } from './hosts/host';
import type { SecretMask } from './secret-mask';
import type { ReleaseState } from './types';

/** The steps of a release, in order (DESIGN.md "The flow of one release"); `finish` closes every run. */
export const RELEASE_STEPS = ['connect', 'lock', 'preflight', 'upload', 'link-shared', 'install', 'build', 'migrate', 'switch', 'restart', 'health-check', 'watch', 'prune', 'finish'] as const;
export type ReleaseBaseStep = (typeof RELEASE_STEPS)[number];
/** The steps each batch of hosts goes through; with several batches they are named `switch@2`, `restart@2`, … */
export const BATCH_STEPS = ['switch', 'restart', 'health-check'] as const;
export type BatchStep = (typeof BATCH_STEPS)[number];
export type ReleaseStepName = ReleaseBaseStep | `${BatchStep}@${number}`;

export const RELEASE_STEP_TITLES: Record<ReleaseBaseStep, string> = {
  connect: 'Connect to the target',
  lock: 'Lock the target',
  preflight: 'Preflight checks',
  upload: 'Upload the release',
  'link-shared': 'Link shared files',
  install: 'Install dependencies',
  build: 'Build',
  migrate: 'Migrate',
  switch: 'Switch current',
  restart: 'Restart the application',
  'health-check': 'Health check',
  watch: 'Watch after release',
  prune: 'Prune old releases',
  finish: 'Record the outcome',
};

/** `switch@2` → `switch`, batch 2. */
export function splitStep(name: string): { base: ReleaseBaseStep; batch: number | null } {
  const at = name.indexOf('@');
  return at < 0 ? { base: name as ReleaseBaseStep, batch: null } : { base: name.slice(0, at) as ReleaseBaseStep, batch: Number(name.slice(at + 1)) };
}

export function releaseStepTitle(name: string): string {
  const { base, batch } = splitStep(name);
  const title = RELEASE_STEP_TITLES[base] ?? name;
  return batch === null ? title : `${title} (batch ${batch})`;
}

/** A recovery a release tried (src/core/release/recovery.ts): recorded for the learner and the report. */
export interface ReleaseRecovery {
  host: string;
  step: string;
  patternId: string | null;
  /** `retry`, `reconnect`, `prune-and-retry`, `fix-permissions`, `stop-own-process`, `wait-and-retry`, `rollback`. */
  action: string;
  worked: boolean;
  recoveredMs: number | null;
  detail?: string;
}

/** Delays a release waits between tries (tests shorten them). */
export interface ReleaseTiming {
  /** First delay of a retried command; doubles each try. */
  retryBaseMs: number;
  /** Between two health-check requests at first; doubles up to 2 s. */
  healthBaseMs: number;
}

export const DEFAULT_TIMING: ReleaseTiming = { retryBaseMs: 1000, healthBaseMs: 200 };

export interface RunOptions {
  /** Names the pid file and the log lines; a step's own name by default. */
  label?: string;
  stdin?: () => import('node:stream').Readable;
  onStdinBytes?(bytes: number): void;
  /** Lines of output are logged at this level (`debug` keeps a chatty command out of the terminal). */
  level?: 'info' | 'debug';
  /** A non-zero exit does not throw. */
  allowFailure?: boolean;
  /** What the command is, for the error message (`install`, `the health check`). */
  what?: string;
  timeoutMs?: number;
}

/** What a release's steps get: the runner's context plus the target's hosts and the release's records. */
export interface ReleaseStepContext extends StepContext<ReleaseStepName> {
  pool: HostPool;
  mask: SecretMask;
  db: Database.Database;
  timing: ReleaseTiming;
  /** Runs a script on one host: output streamed to the log (masked), a lost connection retried on a new one, a failure matched against the knowledge base. */
  run(hostName: string, script: string, options?: RunOptions): Promise<CommandResult>;
  host(hostName: string): Promise<TargetHost>;
  /** Runs `work` on every host at once (forEachHost), telling each host's part of the step as it starts and ends. */
  eachHost<T>(hosts: readonly string[], work: (host: string) => Promise<T>): Promise<Record<string, T>>;
  recordRecovery(recovery: ReleaseRecovery): void;
}

export type ReleaseStep = Step<ReleaseState, ReleaseStepName, ReleaseStepContext>;
export type ReleaseClosingStep = ClosingStep<ReleaseState, ReleaseStepName, ReleaseStepContext>;
