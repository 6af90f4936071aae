import { BATCH_STEPS, type ReleaseStepName } from './release-state';
import type { ReleaseRequest } from './types';

/**
 * The steps of a release, in order. Every host is prepared first (upload, link, install, build,
 * migrate: nothing running changes), then the batches go one after the other — switch, restart,
 * health check — so that a failing batch stops the rollout before the next one; with one batch the
 * steps keep their plain names. A rollback only switches, restarts and checks, on every host at once.
 */
export function releasePlan(request: Pick<ReleaseRequest, 'mode'>, batches: number): ReleaseStepName[] {
  if (request.mode === 'rollback') return ['connect', 'lock', 'preflight', 'switch', 'restart', 'health-check'];
  const rollout: ReleaseStepName[] =
    batches <= 1 ? [...BATCH_STEPS] : Array.from({ length: batches }, (_, i) => BATCH_STEPS.map((s) => `${s}@${i + 1}` as ReleaseStepName)).flat();
  return ['connect', 'lock', 'preflight', 'upload', 'link-shared', 'install', 'build', 'migrate', ...rollout, 'watch', 'prune'];
}
