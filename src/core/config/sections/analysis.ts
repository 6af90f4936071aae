import type { SettingSpec } from '../setting';

/** Settings of src/core/analysis (owned by that area). Run `npm run sync:settings` after a change. */
export const analysisSettings: SettingSpec[] = [
  {
    key: 'analysis.maxFileBytes',
    env: 'DEPLOY_AGENT_ANALYSIS_MAX_FILE_BYTES',
    schema: {
      type: 'integer',
      default: 1048576,
      minimum: 1024,
      description: 'Files larger than this (bytes) are listed in the structure map but not read; they are counted in `structure.skipped` as `too-large`.',
    },
  },
  {
    key: 'analysis.repoMapTokens',
    schema: {
      type: 'integer',
      default: 2000,
      minimum: 100,
      description: 'Token budget of the repository map the integration analysis writes for prompts.',
    },
  },
  {
    key: 'analysis.cache',
    schema: {
      type: 'boolean',
      default: true,
      description: 'Keep what was read from each file in the history database (by path, size and modification time) so that the next analysis re-reads only what changed.',
    },
  },
];
