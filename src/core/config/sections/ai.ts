import type { SettingSpec } from '../setting';

/** Settings of src/core/ai (owned by that area). Run `npm run sync:settings` after a change. */
export const aiSettings: SettingSpec[] = [];
