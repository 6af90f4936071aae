import type { SettingSpec } from '../setting';
import { aiSettings } from './ai';
import { analysisSettings } from './analysis';
import { configgenSettings } from './configgen';
import { editorOnlySettings, generalSettings } from './general';
import { pipelineSettings } from './pipeline';
import { releaseSettings } from './release';
import { strategySettings } from './strategy';

/** Every setting Deploy Agent has, in the order the documentation lists them. */
export const allSettings: readonly SettingSpec[] = [
  ...generalSettings,
  ...analysisSettings,
  ...aiSettings,
  ...strategySettings,
  ...pipelineSettings,
  ...releaseSettings,
  ...configgenSettings,
];

export { editorOnlySettings };
