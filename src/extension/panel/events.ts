// Core's deployment events as the panel's LiveEvent: live from the event bus, or read back from
// the history's events table when a deployment is reopened (streamed model output is not kept
// there: a reopened deployment shows what its transcripts recorded of the model's words).
import { STEP_TITLES, type PipelineEvent, type StepName } from '../../core/deployment/events';
import { planFor } from '../../core/pipeline/plan';
import type { DeployMode } from '../../core/pipeline/ports';
import type { HistoryStore } from '../../core/store/database';
import { recordedModelOutput } from '../../core/report/model-output';
import { EventsRepository } from '../../core/store/steps';
import type { LiveEvent } from '../../protocol/panel';

/** Every core event is a LiveEvent: this fails to compile when core's events change shape. */
export function toLiveEvent(event: PipelineEvent): LiveEvent {
  return event;
}

const LIVE_TYPES: ReadonlySet<string> = new Set<LiveEvent['type']>([
  'deployment.started',
  'step.started',
  'step.progress',
  'step.finished',
  'log',
  'model.output',
  'agent.tool',
  'agent.call',
  'repair.round',
  'test.result',
  'deployment.finished',
  'release.plan',
  'release.host',
  'release.recovery',
]);

/** The recorded events of a deployment, in order, as the panel reduces them; the model's words come from its transcripts (the stream itself is not stored). */
export function recordedEvents(store: HistoryStore, deploymentId: string): LiveEvent[] {
  const events = new EventsRepository(store.db)
    .list(deploymentId)
    .filter((row) => LIVE_TYPES.has(row.type))
    .map((row) => ({ ...(row.payload as object), type: row.type, deploymentId, ts: row.ts }) as LiveEvent);
  const ts = events[0]?.ts ?? 0;
  return [...events, ...recordedModelOutput(store.db, deploymentId).map((o): LiveEvent => ({ type: 'model.output', deploymentId, ts, phase: o.phase, text: o.text }))];
}

/**
 * The steps the panel lists for a deployment of `mode`: its plan and the closing `learn`; a review
 * also lists the steps a ship may add (the panel shows those once they run).
 */
export function displayPlan(mode: DeployMode): { name: string; title: string }[] {
  const names: StepName[] = [...(mode === 'review' ? planFor('full-pr', { fromReview: true }) : planFor(mode)), 'learn'];
  return names.map((name) => ({ name, title: STEP_TITLES[name] }));
}
