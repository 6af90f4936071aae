import { BATCH_STEPS, splitStep, type ReleaseStep, type ReleaseStepName } from '../release-state';
import { connectStep } from './connect';
import { healthCheckStep } from './health-check';
import { linkSharedStep } from './link-shared';
import { lockStep } from './lock';
import { preflightStep } from './preflight';
import { pruneStep } from './prune';
import { buildStep, installStep, migrateStep } from './release-command';
import { restartStep } from './restart';
import { switchStep } from './switch';
import { uploadStep } from './upload';
import { watchStep } from './watch';

export { finishStep } from './finish';
export { TARGET_LOCK } from './lock';

const FIXED: Record<string, ReleaseStep> = {
  connect: connectStep,
  lock: lockStep,
  preflight: preflightStep,
  upload: uploadStep,
  'link-shared': linkSharedStep,
  install: installStep,
  build: buildStep,
  migrate: migrateStep,
  watch: watchStep,
  prune: pruneStep,
};

/** The module of a step of a release plan (batch steps are made for their batch's name). */
export function releaseStepNamed(name: ReleaseStepName): ReleaseStep {
  const { base } = splitStep(name);
  if ((BATCH_STEPS as readonly string[]).includes(base)) {
    return base === 'switch' ? switchStep(name) : base === 'restart' ? restartStep(name) : healthCheckStep(name);
  }
  const step = FIXED[name];
  if (!step) throw new Error(`A release has no step ${name}.`);
  return step;
}
