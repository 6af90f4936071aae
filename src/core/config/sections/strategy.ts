import type { SettingSpec } from '../setting';

/** Settings of src/core/strategy (owned by that area). Run `npm run sync:settings` after a change. */
export const strategySettings: SettingSpec[] = [
  {
    key: 'strategy.successBar',
    env: 'DEPLOY_AGENT_SUCCESS_BAR',
    schema: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.7,
      description: 'With `auto`, the outcome model picks the cheapest strategy (aggressive, then balanced) whose predicted chance of success is at least this; when none is, conservative.',
    },
  },
  {
    key: 'strategy.metricsIntervalMs',
    env: 'DEPLOY_AGENT_METRICS_INTERVAL_MS',
    schema: {
      type: 'integer',
      minimum: 1000,
      default: 5000,
      description: 'How often the background sampler reads CPU, memory and disk (in ms). Shorter follows load changes sooner and costs more; the default costs about 0.1% of one core.',
    },
  },
];
