// A release (a deployment of kind `release`) as the panel shows it: its header — the target, its
// hosts, whether it is still the target's latest — live from the release controller, or read back
// from the history with its recorded events (its plan rebuilt from its request when it was
// recorded before releases published one).
import type { FlowEvent } from '../../core/deployment/events';
import { toEventError } from '../../core/flow/event-error';
import { releasePlan } from '../../core/release/plan';
import { releaseStepTitle } from '../../core/release/release-state';
import type { ReleaseStepName } from '../../core/release/release-state';
import type { ReleaseLevers, ReleaseRequest, ReleaseTarget } from '../../core/release/types';
import type { HistoryStore } from '../../core/store/database';
import type { DeploymentRow } from '../../core/store/deployments';
import { EventsRepository } from '../../core/store/steps';
import type { DeploymentHeader, LiveEvent, ReleaseHeaderView } from '../../protocol/panel';
import { recordedEvents } from './events';
import type { DeploymentRuns } from './runs';

type Mode = ReleaseRequest['mode'];

/** The steps of a release plan with their titles, closing step included. */
export function releaseDisplayPlan(mode: Mode, batches: number): { name: string; title: string }[] {
  return [...releasePlan({ mode }, batches), 'finish'].map((name) => ({ name, title: releaseStepTitle(name) }));
}

function targetView(target: Pick<ReleaseTarget, 'name' | 'type' | 'environment' | 'hosts' | 'path'>, mode: Mode, latest: boolean): ReleaseHeaderView {
  return { target: target.name, type: target.type, environment: target.environment, hosts: [...target.hosts], path: target.path, mode, latest };
}

export function releaseTitle(target: string, mode: Mode, ref = 'HEAD'): string {
  return mode === 'rollback' ? `roll back ${target}` : `release ${ref} to ${target}`;
}

/** The header of a release starting now in this window (its plan is refined by its `release.plan` event once the batches are decided). */
export function liveReleaseHeader(id: string, target: ReleaseTarget, mode: Mode): DeploymentHeader {
  return {
    id,
    title: releaseTitle(target.name, mode),
    mode,
    status: 'running',
    plan: releaseDisplayPlan(mode, 1),
    createdAt: Date.now(),
    release: targetView(target, mode, true),
  };
}

/** A release of the history: its header and its recorded events. */
export function recordedRelease(store: HistoryStore, row: DeploymentRow): { header: DeploymentHeader; events: LiveEvent[]; live: false } {
  const request = new EventsRepository(store.db).latest(row.id, 'request')?.payload as (ReleaseRequest & { release?: string; levers?: ReleaseLevers; batches?: string[][] }) | undefined;
  const mode: Mode = request?.mode ?? (row.mode === 'rollback' ? 'rollback' : 'release');
  const later = store.db.prepare(`SELECT 1 FROM deployments WHERE kind = 'release' AND target = ? AND repo_path = ? AND created_at > ? LIMIT 1`).get(row.target, row.repoPath, row.createdAt);
  const target = request?.target ?? { name: row.target ?? '?', type: 'ssh' as const, environment: row.environment ?? '', hosts: [], path: '' };
  const events = recordedEvents(store, row.id);
  if (request?.levers && request.batches && request.release && !events.some((e) => e.type === 'release.plan')) {
    const { levers, batches } = request;
    events.unshift({ type: 'release.plan', deploymentId: row.id, ts: row.createdAt, mode, release: request.release, ref: request.ref, commit: request.commit, strategy: levers.name, batchSize: levers.batchSize, watchMinutes: levers.watchMinutes, reasons: levers.reasons, batches, steps: releaseDisplayPlan(mode, batches.length) });
  }
  return {
    header: {
      id: row.id,
      title: row.title,
      mode,
      status: row.status,
      plan: releaseDisplayPlan(mode, request?.batches?.length ?? 1),
      createdAt: row.createdAt,
      release: targetView(target, mode, !later),
    },
    events,
    live: false,
  };
}

/** Every event of a release is a LiveEvent: this fails to compile when core's release events change shape. */
export function releaseLiveEvent(event: FlowEvent<ReleaseStepName>): LiveEvent {
  return event;
}

export interface ReleaseFollower {
  record(event: FlowEvent<ReleaseStepName>): void;
  /** The release ended; with `refusal`, it was refused before it started (no earlier release, an unknown ref …) and the panel says why. */
  end(refusal?: unknown): void;
}

/** Follows a release of this window in the panel's runs (see DeploymentRuns.follow). */
export function followRelease(runs: DeploymentRuns, release: { id: string; target: ReleaseTarget; mode: Mode }, controller: AbortController): ReleaseFollower {
  const follower = runs.follow(liveReleaseHeader(release.id, release.target, release.mode), controller);
  let finished = false;
  return {
    record(event) {
      if (event.type === 'deployment.finished') finished = true;
      follower.record(releaseLiveEvent(event));
    },
    end(refusal) {
      if (refusal !== undefined && !finished) {
        const error = toEventError(refusal, controller.signal);
        follower.record({ type: 'deployment.finished', deploymentId: release.id, ts: Date.now(), status: 'refused', goalReached: false, durationMs: 0, error });
      }
      follower.end();
    },
  };
}
