import type { SettingSpec } from '../setting';

/** Settings of src/core/analysis (owned by that area). Run `npm run sync:settings` after a change. */
export const analysisSettings: SettingSpec[] = [];
