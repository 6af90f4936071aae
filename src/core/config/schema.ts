import { allSettings, editorOnlySettings } from './sections';
import type { SettingSpec } from './setting';

export const SETTINGS_PREFIX = 'deployAgent';

export function settingByKey(key: string): SettingSpec | undefined {
  return allSettings.find((s) => s.key === key);
}

/** JSON Schema of `.deploy-agent/config.json` (flat keys, as in VS Code's settings.json without the prefix). */
export function workspaceConfigJsonSchema(settings: readonly SettingSpec[] = allSettings): Record<string, unknown> {
  const properties: Record<string, unknown> = { $schema: { type: 'string' } };
  for (const s of settings) properties[s.key] = { ...s.schema, description: s.schema.description };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Deploy Agent workspace configuration',
    description: 'Shareable settings for Deploy Agent, kept in the repository. Keys are the deployAgent.* settings without the prefix.',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}

/** The `contributes.configuration.properties` block of package.json. */
export function manifestConfigurationProperties(settings: readonly SettingSpec[] = [...allSettings, ...editorOnlySettings]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const s of settings) {
    const { description, ...rest } = s.schema;
    properties[`${SETTINGS_PREFIX}.${s.key}`] = {
      ...rest,
      markdownDescription: s.env ? `${description}\n\nCLI: \`${s.env}\`.` : description,
      ...(s.scope ? { scope: s.scope } : {}),
    };
  }
  return properties;
}
