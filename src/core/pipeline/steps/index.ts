import type { StepName } from '../../deployment/events';
import type { DeployStep } from '../deployment-state';
import { commitStep } from './commit';
import { contextStep } from './context';
import { implementStep } from './implement';
import { pullRequestStep } from './pull-request';
import { pushStep } from './push';
import { repairStep } from './repair';
import { reviewStep } from './review';
import { shipCheckStep } from './retest';
import { runTestsStep } from './run-tests';
import { safetyStep } from './safety';
import { sandboxStep } from './sandbox';
import { strategyStep } from './strategy';
import { validateStep } from './validate';
import { writeTestsStep } from './write-tests';

export { HISTORY_STOPPED, learnStep, keptWorktree } from './learn';
export { REPOSITORY_LOCK } from './safety';
export { reviewCheckStep } from './retest';

/** The steps a plan is made of, by name (`learn` closes every run and is in no plan). */
export const CODE_DEPLOYMENT_STEPS: Record<Exclude<StepName, 'learn'>, DeployStep> = {
  validate: validateStep,
  safety: safetyStep,
  context: contextStep,
  strategy: strategyStep,
  sandbox: sandboxStep,
  implement: implementStep,
  'write-tests': writeTestsStep,
  'run-tests': runTestsStep,
  repair: repairStep,
  review: reviewStep,
  retest: shipCheckStep,
  commit: commitStep,
  push: pushStep,
  'pull-request': pullRequestStep,
};
