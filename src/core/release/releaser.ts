import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { EventBus, type EventError, type FlowEvent } from '../deployment/events';
import { DeployAgentError } from '../errors';
import { toEventError } from '../flow/event-error';
import { firstIncomplete, StepRunner } from '../flow/step-runner';
import type { StepContext } from '../flow/step';
import { recordOutcome } from '../learning/record';
import { recordRecovery } from '../learning/recoveries';
import { writeReport } from '../report/write-report';
import type { HistoryStore } from '../store/database';
import { DeploymentsRepository } from '../store/deployments';
import type { StrategyRequest } from '../strategy/types';
import { archiveSize, changeSince, commitTime, resolveCommit } from './archive';
import { commandRunner } from './command';
import { eachHostOfStep } from './host-events';
import { HostPool } from './hosts/pool';
import { lockTarget } from './lock';
import { releasePlan } from './plan';
import { parseReleases } from './recovery';
import { DEFAULT_TIMING, releaseStepTitle, type ReleaseRecovery, type ReleaseStepContext, type ReleaseStepName, type ReleaseTiming } from './release-state';
import { listReleases } from './scripts';
import { SecretMask } from './secret-mask';
import { finishStep, releaseStepNamed, TARGET_LOCK } from './steps';
import { batchesOf, decideReleaseStrategy } from './strategy';
import type { ReleaseLevers, ReleaseRequest, ReleaseState, ReleaseTarget } from './types';

export interface ReleaserOptions {
  store: HistoryStore;
  events?: EventBus<FlowEvent<ReleaseStepName>>;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  pid?: number;
  newId?: () => string;
  timing?: Partial<ReleaseTiming>;
  /** The outcome model's bar (`strategy.successBar`). */
  successBar?: number;
  onStepStarted?(step: ReleaseStepName, deploymentId: string): void;
}

export interface ReleaseInput {
  target: ReleaseTarget;
  repoPath: string;
  ref: string;
  strategy: StrategyRequest;
}

export interface RollbackInput {
  target: ReleaseTarget;
  repoPath: string;
  /** A release folder name or the id of the release that made it; default: the release before the current one. */
  to?: string;
}

export interface ReleaseOutcome {
  id: string;
  kind: 'release';
  mode: ReleaseRequest['mode'];
  status: string;
  target: string;
  /** The target's kind and hosts (a failure before any host was reached still says where it went). */
  targetType: ReleaseTarget['type'];
  targetHosts: string[];
  environment: string;
  release: string;
  ref: string;
  commit: string;
  strategy: ReleaseLevers | null;
  hosts: ReleaseState['hosts'];
  health: ReleaseState['health'];
  durationMs: number;
  resumedFrom: ReleaseStepName | null;
  warnings: string[];
  error: EventError | null;
  report: { json: string; markdown: string } | null;
}

const START_AGAIN = 'Start a new release with `deploy-agent release --target NAME`.';

/** Recording the outcome happens after a cancel too. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * Releases the application to a target on the step runner (src/core/flow) — the same records,
 * events, cancellation and resume as a code deployment, as a deployment of kind `release` —
 * with its own steps (steps/), plan (plan.ts), strategy (strategy.ts) and closing step (finish:
 * roll back what did not succeed). `rollback` is a short release that switches back to an
 * earlier one; `resume` continues a release whose process died.
 */
export class Releaser {
  readonly events: EventBus<FlowEvent<ReleaseStepName>>;
  private readonly runner: StepRunner<ReleaseStepName>;
  private readonly deployments: DeploymentsRepository;
  private readonly timing: ReleaseTiming;
  /** The secret values of the release running now (one at a time per Releaser). */
  private mask: SecretMask | undefined;

  constructor(private readonly options: ReleaserOptions) {
    this.events = options.events ?? new EventBus<FlowEvent<ReleaseStepName>>();
    this.runner = new StepRunner<ReleaseStepName>({
      db: options.store.db,
      events: this.events,
      now: options.now,
      pid: options.pid,
      onStepStarted: options.onStepStarted,
      // Every event and record of the running release is masked before it is published or stored.
      redact: (value) => this.mask?.deep(value) ?? value,
    });
    this.deployments = new DeploymentsRepository(options.store.db);
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
  }

  /** Releases `ref` of the repository to the target; resolves when the release has ended (see `status`). */
  async release(input: ReleaseInput, signal: AbortSignal): Promise<ReleaseOutcome> {
    const repoPath = path.resolve(input.repoPath);
    const commit = await resolveCommit(repoPath, input.ref);
    const commitAt = await commitTime(repoPath, commit);
    const request: ReleaseRequest = { target: input.target, repoPath, ref: input.ref, commit, ...(commitAt ? { commitAt } : {}), strategy: input.strategy, mode: 'release' };
    return this.start(request, signal);
  }

  /** Switches the target back to an earlier release (no upload, no build), recorded as a release of mode `rollback`. */
  async rollback(input: RollbackInput, signal: AbortSignal): Promise<ReleaseOutcome> {
    const repoPath = path.resolve(input.repoPath);
    const to = await this.rollbackTarget(input, signal);
    const request: ReleaseRequest = { target: input.target, repoPath, ref: to.release, commit: to.commit ?? '', strategy: 'auto', mode: 'rollback', rollbackTo: to.release };
    return this.start(request, signal);
  }

  /** Continues release `id` after its process died, from the first step that did not complete. */
  async resume(id: string, signal: AbortSignal): Promise<ReleaseOutcome> {
    const row = this.deployments.get(id);
    if (row && row.kind !== 'release') {
      throw new DeployAgentError('NOT_A_RELEASE', `Deployment ${id} is a code deployment, not a release.`, `Resume it with \`deploy-agent resume ${id}\`.`);
    }
    const reopened = this.runner.reopen(id, { startAgainHint: START_AGAIN });
    const { release, levers, batches, ...request } = reopened.request as ReleaseRequest & { release: string; levers?: ReleaseLevers; batches?: string[][] };
    const state: ReleaseState = { id, warnings: [], request, release, ...(levers ? { levers } : {}), ...(batches ? { batches } : {}), ...(reopened.artifacts as Partial<ReleaseState>) };
    const plan = releasePlan(request, batches?.length ?? 1);
    const from = firstIncomplete(plan, reopened.completed);
    return this.run(state, plan.slice(from), signal, plan[from] ?? 'finish');
  }

  private async start(request: ReleaseRequest, signal: AbortSignal): Promise<ReleaseOutcome> {
    const id = (this.options.newId ?? newReleaseId)();
    const createdAt = this.runner.now();
    const release = request.mode === 'rollback' ? request.rollbackTo! : releaseName(createdAt, id);
    const target = request.target;
    this.runner.open(
      {
        id,
        kind: 'release',
        target: target.name,
        repoPath: request.repoPath,
        title: request.mode === 'rollback' ? `roll back ${target.name} to ${release}` : `release ${request.ref} to ${target.name}`,
        category: 'release',
        status: 'running',
        mode: request.mode,
        environment: target.environment,
        commitSha: request.commit || null,
        createdAt,
        startedAt: createdAt,
      },
      { ...request, release },
    );
    const state: ReleaseState = { id, warnings: [], request, release };
    try {
      if (request.mode === 'release') {
        state.archive = await archiveSize(request.repoPath, request.commit);
        const facts = await this.releaseFacts(request);
        state.levers = decideReleaseStrategy(this.options.store, { deploymentId: id, repoPath: request.repoPath, requested: request.strategy, target, facts, successBar: this.options.successBar, now: createdAt });
      } else {
        state.levers = { name: 'conservative', batchSize: target.hosts.length, watchMinutes: 0, reasons: ['a rollback switches every host at once and is not watched'] };
      }
    } catch (error) {
      // Nothing ran on the target yet: the release ends here as failed, with the reason recorded.
      return this.run(state, [], signal, null, error);
    }
    state.batches = batchesOf(target.hosts, state.levers.batchSize);
    this.deployments.update(id, { strategy: state.levers.name });
    // The plan depends on the batches: the request records them, so a resumed release runs the same plan.
    this.runner.recordRequest(id, { ...request, release, levers: state.levers, batches: state.batches });
    return this.run(state, releasePlan(request, state.batches.length), signal, null);
  }

  private async run(state: ReleaseState, plan: ReleaseStepName[], signal: AbortSignal, resumedFrom: ReleaseStepName | null, early?: unknown): Promise<ReleaseOutcome> {
    const { store } = this.options;
    const target = state.request.target;
    const mask = new SecretMask();
    const pool = new HostPool(target, { env: this.options.env, mask });
    const recovery = (r: ReleaseRecovery) => {
      const payload = mask.deep(r);
      // Published (the panel shows it as it happens) and recorded, masked, as `release.recovery`.
      this.runner.emit({ type: 'release.recovery', deploymentId: state.id, ts: this.runner.now(), ...payload });
      try {
        recordRecovery(store, { deploymentId: state.id, patternId: r.patternId, action: r.action, automatic: true, recoveredMs: r.recoveredMs, worked: r.worked, step: r.step.replace(/@\d+$/, ''), detail: { host: r.host, ...(r.detail ? { detail: payload.detail } : {}) }, at: this.runner.now() });
      } catch (error) {
        state.warnings.push(`Recording a recovery failed: ${toEventError(error, NEVER_ABORTED).message}`);
      }
    };
    // A secret printed by a command on the target stays there: events and records are masked (see the runner's redact).
    this.mask = mask;
    const context = (base: StepContext<ReleaseStepName>): ReleaseStepContext => {
      const log = base.log;
      const ctx: ReleaseStepContext = {
        ...base,
        log,
        pool,
        mask,
        db: store.db,
        timing: this.timing,
        run: commandRunner({ pool, mask, signal: base.signal, step: base.step, now: base.now, log, recordRecovery: recovery, timeoutMs: target.commandTimeoutMs }),
        host: (name) => pool.get(name, base.signal),
        eachHost: eachHostOfStep(base),
        recordRecovery: (r) => {
          ctx.log(r.worked ? 'info' : 'warn', `${r.host}: recovery ${r.action}${r.patternId ? ` for ${r.patternId}` : ''} ${r.worked ? 'worked' : 'did not work'}${r.detail ? ` (${r.detail})` : ''}`);
          recovery(r);
        },
      };
      return ctx;
    };
    if (state.levers && state.batches) this.announcePlan(state);
    const retakeLock = resumedFrom !== null && !plan.includes('lock') && plan.length > 0;
    let report: ReleaseOutcome['report'] = null;
    const steps = plan.map(releaseStepNamed);
    if (early !== undefined) {
      steps.unshift({ name: 'connect', run: async () => Promise.reject(early) });
    }
    let end;
    try {
      end = await this.runner.run({
        state,
        steps,
        closing: finishStep,
        signal,
        mode: state.request.mode,
        resumedFrom,
        context,
        prepare: retakeLock
          ? async (hold) => {
              const run = commandRunner({ pool, mask, signal, step: 'lock', now: this.runner.now, log: () => undefined, recordRecovery: recovery, timeoutMs: target.commandTimeoutMs });
              hold(await lockTarget(run, target, state.id, (m) => state.warnings.push(m), this.runner.now()), TARGET_LOCK);
            }
          : undefined,
        recordEnd: async () => {
          try {
            recordOutcome(store, state.id);
          } catch (learnError) {
            state.warnings.push(`Recording the outcome failed: ${toEventError(learnError, NEVER_ABORTED).message}`);
          }
          try {
            report = writeReport(store.db, store.path, state.id) ?? null;
          } catch (reportError) {
            state.warnings.push(`Writing the report failed: ${toEventError(reportError, NEVER_ABORTED).message}`);
          }
        },
      });
    } finally {
      this.mask = undefined;
      await pool.closeAll();
    }
    const row = this.deployments.get(state.id)!;
    return {
      id: state.id,
      kind: 'release',
      mode: state.request.mode,
      status: row.status,
      target: target.name,
      targetType: target.type,
      targetHosts: [...target.hosts],
      environment: target.environment,
      release: state.release,
      ref: state.request.ref,
      commit: state.request.commit,
      strategy: state.levers ?? null,
      hosts: state.hosts,
      health: state.health,
      durationMs: row.durationMs ?? end.durationMs,
      resumedFrom,
      warnings: state.warnings.map(mask.apply),
      error: end.error ? mask.deep(end.error) : null,
      report,
    };
  }

  /** The strategy and batches the release runs with, and why (a resumed release says it again). */
  private announcePlan(state: ReleaseState): void {
    const { levers, batches, request } = state;
    this.runner.emit({
      type: 'release.plan',
      deploymentId: state.id,
      ts: this.runner.now(),
      mode: request.mode,
      release: state.release,
      ref: request.ref,
      commit: request.commit,
      strategy: levers!.name,
      batchSize: levers!.batchSize,
      watchMinutes: levers!.watchMinutes,
      reasons: levers!.reasons,
      batches: batches!,
      steps: [...releasePlan(request, batches!.length), 'finish'].map((name) => ({ name, title: releaseStepTitle(name) })),
    });
  }

  private async releaseFacts(request: ReleaseRequest): Promise<{ filesChanged: number | null; linesChanged: number | null }> {
    const last = this.options.store.db
      .prepare(`SELECT commit_sha FROM deployments WHERE kind = 'release' AND target = ? AND status = 'succeeded' AND mode = 'release' AND commit_sha IS NOT NULL ORDER BY created_at DESC LIMIT 1`)
      .pluck()
      .get(request.target.name) as string | undefined;
    const change = await changeSince(request.repoPath, last ?? null, request.commit);
    return { filesChanged: change.files, linesChanged: change.lines };
  }

  /** Which release a rollback goes to: the one named (folder or release id), else the one before the current on the first host. */
  private async rollbackTarget(input: RollbackInput, signal: AbortSignal): Promise<{ release: string; commit: string | null }> {
    const pool = new HostPool(input.target, { env: this.options.env, mask: new SecretMask() });
    try {
      const host = await pool.get(input.target.hosts[0]!, signal);
      const listing = parseReleases((await host.exec(listReleases(input.target.path), { signal })).output);
      let release: string | undefined;
      if (input.to) {
        release = listing.releases.find((r) => r === input.to || r.endsWith(`-${input.to}`));
        if (!release) {
          throw new DeployAgentError('RELEASE_NOT_FOUND', `There is no release ${input.to} on ${input.target.hosts[0]} (target ${input.target.name}); it has ${listing.releases.join(', ') || 'none'}.`, 'Pass one of those (a folder name, or the id of the release that made it) with --to.');
        }
      } else {
        const at = listing.current ? listing.releases.indexOf(listing.current) : -1;
        release = at > 0 ? listing.releases[at - 1] : undefined;
        if (!release) {
          throw new DeployAgentError('NOTHING_TO_ROLL_BACK_TO', `Target ${input.target.name} has no release before ${listing.current ?? 'the current one'} to go back to.`, 'Release a version first; a rollback needs an earlier release that is still on the target (keepReleases).');
        }
      }
      const id = release.split('-').at(-1) ?? '';
      const commit = (this.options.store.db.prepare(`SELECT commit_sha FROM deployments WHERE id = ?`).pluck().get(id) as string | null | undefined) ?? null;
      return { release, commit };
    } finally {
      await pool.closeAll();
    }
  }
}

export function newReleaseId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * `20250102T030405678Z-<id>`: folders sort by time, to the millisecond, and name the release that
 * made them. (To the second, two releases in one second sorted by their random ids, and a
 * rollback then found "no release before" the current one.)
 */
export function releaseName(at: number, id: string): string {
  return `${new Date(at).toISOString().replace(/[-:.]/g, '')}-${id}`;
}
