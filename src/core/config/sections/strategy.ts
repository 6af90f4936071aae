import type { SettingSpec } from '../setting';

/** Settings of src/core/strategy (owned by that area). Run `npm run sync:settings` after a change. */
export const strategySettings: SettingSpec[] = [];
