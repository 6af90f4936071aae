import type { SettingSpec } from '../setting';

/** Settings of src/core/pipeline (owned by that area). Run `npm run sync:settings` after a change. */
export const pipelineSettings: SettingSpec[] = [
  {
    key: 'pipeline.mode',
    env: 'DEPLOY_AGENT_MODE',
    schema: {
      type: 'string',
      enum: ['dry-run', 'review', 'local-commit', 'full-pr'],
      enumDescriptions: [
        'Stop after the tests; keep nothing (the branch and worktree are removed).',
        'Stop after the tests and gates with the change kept in its sandbox worktree (status awaiting-review), to be shipped (`deploy-agent ship ID`) or discarded later. The panel\'s Deploy button always uses it.',
        'Commit the change on its own branch; no push.',
        'Commit, push the branch and open a pull request.',
      ],
      default: 'local-commit',
      description: 'How far a deployment goes when no mode is given (the CLI\'s `deploy`; the panel\'s Deploy button always stops for review).',
    },
  },
  {
    key: 'pipeline.strategy',
    env: 'DEPLOY_AGENT_STRATEGY',
    schema: {
      type: 'string',
      enum: ['auto', 'conservative', 'balanced', 'aggressive'],
      default: 'auto',
      description: 'The deployment strategy (validation depth, repair rounds, draft pull request); `auto` lets the learned model choose.',
    },
  },
  {
    key: 'pipeline.coverageThreshold',
    env: 'DEPLOY_AGENT_COVERAGE_THRESHOLD',
    schema: {
      type: 'number',
      minimum: 0,
      maximum: 100,
      default: 0,
      description:
        'Minimum line coverage (percent) the tests must reach before a change is committed; 0 turns the gate off. Coverage is measured with the project\'s own tool: c8 or nyc (mocha), jest, @vitest/coverage-v8, node --test, pytest-cov, go test -cover; cargo test has none on a stable toolchain.',
    },
  },
  {
    key: 'pipeline.allowUnconfinedTests',
    env: 'DEPLOY_AGENT_ALLOW_UNCONFINED_TESTS',
    scope: 'machine',
    userOnly: true,
    schema: {
      type: 'boolean',
      default: false,
      description:
        'Run model-written tests, quality gates and hooks without confinement where no confinement tool works (Linux without bubblewrap, Windows). Off: such a deployment is refused before any model call. On: that code can write anywhere you can and reach the network. Only from your own settings, never from a repository\'s .deploy-agent/config.json.',
    },
  },
  {
    key: 'pipeline.testNetwork',
    env: 'DEPLOY_AGENT_TEST_NETWORK',
    scope: 'machine',
    userOnly: true,
    schema: {
      type: 'boolean',
      default: false,
      description:
        'Let model-written tests and the quality gates reach the network (off: only their own loopback; a dependency install always may). Only from your own settings, never from a repository\'s .deploy-agent/config.json.',
    },
  },
  {
    key: 'hooks.beforeDeploy',
    schema: { type: 'array', items: { type: 'string' }, default: [], description: 'Shell commands run in the worktree before the agent starts (for example a database backup). A failing one stops the deployment.' },
  },
  {
    key: 'hooks.afterDeploy',
    schema: { type: 'array', items: { type: 'string' }, default: [], description: 'Shell commands run in the worktree when a deployment ends, with DEPLOY_AGENT_STATUS set (for example a smoke test or a notification). Failures are reported.' },
  },
  {
    key: 'hooks.afterShip',
    schema: { type: 'array', items: { type: 'string' }, default: [], description: 'Shell commands run in the worktree after the change was committed (and pushed). Failures are reported.' },
  },
  {
    key: 'hooks.network',
    env: 'DEPLOY_AGENT_HOOK_NETWORK',
    scope: 'machine',
    userOnly: true,
    schema: {
      type: 'boolean',
      default: false,
      description:
        'Let hooks reach the network (a notification, a remote smoke test). Hooks run confined like the tests, in the sandbox among the files the model wrote; off: only their own loopback. Only from your own settings, never from a repository\'s .deploy-agent/config.json.',
    },
  },
  {
    key: 'hooks.timeoutMs',
    env: 'DEPLOY_AGENT_HOOK_TIMEOUT_MS',
    schema: { type: 'integer', minimum: 1000, default: 300000, description: 'Time limit of each hook command; the whole process tree is killed when it runs out.' },
  },
  {
    key: 'pipeline.circuitBreaker.window',
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 10, description: 'The circuit breaker looks at this many of the repository\'s last finished deployments.' },
  },
  {
    key: 'pipeline.circuitBreaker.minSamples',
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 5, description: 'The circuit breaker never opens with fewer finished deployments than this in its window.' },
  },
  {
    key: 'pipeline.circuitBreaker.failureRate',
    schema: { type: 'number', minimum: 0.05, maximum: 1, default: 0.6, description: 'The circuit breaker opens when this share of the deployments in its window failed or were rolled back.' },
  },
  {
    key: 'pipeline.circuitBreaker.cooldownMinutes',
    schema: { type: 'integer', minimum: 0, maximum: 10080, default: 30, description: 'After the last failure an open circuit breaker refuses deployments for this long, then lets the next one through (one more failure opens it again). `--force --reason` overrides it and records the reason.' },
  },
];
