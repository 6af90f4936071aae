import type { SettingSpec } from '../setting';

/** Settings of src/core/pipeline (owned by that area). Run `npm run sync:settings` after a change. */
export const pipelineSettings: SettingSpec[] = [];
