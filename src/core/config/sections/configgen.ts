import type { SettingSpec } from '../setting';

/** Settings of src/core/configgen (owned by that area). Run `npm run sync:settings` after a change. */
export const configgenSettings: SettingSpec[] = [
  {
    key: 'configgen.adaptWithModel',
    env: 'DEPLOY_AGENT_CONFIGGEN_ADAPT',
    schema: {
      type: 'boolean',
      default: true,
      description:
        'Deployment-configuration recommendations (category `deployment-config`: Dockerfile, compose, CI, .env.example, release target): after the templates write their baseline, a model adapts it to the project (a monorepo\'s workspace, build steps, services). Off: the baseline alone is checked and reviewed; the model is only asked when a check fails. See docs/configgen.md.',
    },
  },
];
