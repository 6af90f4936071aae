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
  {
    key: 'strategy.levers',
    schema: {
      type: 'object',
      default: {},
      description: 'Overrides of single levers per strategy, e.g. `{ "balanced": { "repairRounds": 3, "testScope": "full" } }`. Levers: testScope (generated / related / full), typecheckGate, lintGate, repairRounds, testConcurrency, cpuLimit (share of the cores), memoryLimitMb, draftPr, timeLimitMs.',
      properties: Object.fromEntries(
        ['conservative', 'balanced', 'aggressive'].map((name) => [
          name,
          {
            type: 'object',
            additionalProperties: false,
            properties: {
              testScope: { type: 'string', enum: ['generated', 'related', 'full'] },
              typecheckGate: { type: 'boolean' },
              lintGate: { type: 'boolean' },
              repairRounds: { type: 'integer', minimum: 0, maximum: 10 },
              testConcurrency: { type: 'integer', minimum: 1, maximum: 64 },
              cpuLimit: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
              memoryLimitMb: { type: 'integer', minimum: 64 },
              draftPr: { type: 'boolean' },
              timeLimitMs: { type: 'integer', minimum: 1000 },
            },
          },
        ]),
      ),
      additionalProperties: false,
    },
  },
  {
    key: 'strategy.syncIntervalMinutes',
    schema: {
      type: 'integer',
      minimum: 0,
      maximum: 1440,
      default: 30,
      description: 'How often the extension asks GitHub what became of shipped deployments (pull request merged, CI checks, reverts) — the same as `deploy-agent sync`; needs GITHUB_TOKEN in the editor\'s environment. 0 turns it off.',
    },
  },
];
