import type { SettingSpec } from '../setting';

/** Settings of src/core/pipeline (owned by that area). Run `npm run sync:settings` after a change. */
export const pipelineSettings: SettingSpec[] = [
  {
    key: 'pipeline.mode',
    env: 'DEPLOY_AGENT_MODE',
    schema: {
      type: 'string',
      enum: ['dry-run', 'local-commit', 'full-pr'],
      enumDescriptions: [
        'Stop after the tests; keep nothing (the branch and worktree are removed).',
        'Commit the change on its own branch; no push.',
        'Commit, push the branch and open a pull request.',
      ],
      default: 'local-commit',
      description: 'How far a deployment goes when no mode is given.',
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
];
