/**
 * The pipeline's events. They live in src/core/deployment (below every area that records or
 * shows a deployment); re-exported here for the pipeline's callers.
 */
export {
  STEP_NAMES,
  STEP_TITLES,
  EventBus,
  PipelineEventBus,
  type StepName,
  type StepStatus,
  type EventError,
  type TestCounts,
  type FlowEvent,
  type PipelineEvent,
  type PipelineEventType,
  type PipelineListener,
} from '../deployment/events';
