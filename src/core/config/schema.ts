import { allSettings, editorOnlySettings } from './sections';
import type { SettingSpec } from './setting';

export const SETTINGS_PREFIX = 'deployAgent';

export function settingByKey(key: string): SettingSpec | undefined {
  return allSettings.find((s) => s.key === key);
}

/**
 * JSON Schema of `.deploy-agent/config.json`: flat keys, as in VS Code's settings.json without the
 * prefix, and the same settings grouped by their dotted prefix (`{ "ollama": { "host": … } }`,
 * see nested.ts), so that IntelliSense knows both forms.
 */
export function workspaceConfigJsonSchema(settings: readonly SettingSpec[] = allSettings): Record<string, unknown> {
  const properties: Record<string, unknown> = { $schema: { type: 'string' } };
  for (const s of settings) properties[s.key] = { ...s.schema, description: s.schema.description };
  Object.assign(properties, groupSchemas(settings, ''));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Deploy Agent workspace configuration',
    description: 'Shareable settings for Deploy Agent, kept in the repository. Keys are the deployAgent.* settings without the prefix, flat ("ollama.host") or grouped ({ "ollama": { "host": … } }).',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}

/** The groups directly under `prefix` ('' for the top), each an object of its settings and its own groups. */
function groupSchemas(settings: readonly SettingSpec[], prefix: string): Record<string, unknown> {
  const under = settings.filter((s) => s.key.startsWith(prefix) && s.key.slice(prefix.length).includes('.'));
  const names = [...new Set(under.map((s) => s.key.slice(prefix.length).split('.')[0]!))];
  const groups: Record<string, unknown> = {};
  for (const name of names) {
    const group = `${prefix}${name}.`;
    const properties: Record<string, unknown> = {};
    for (const s of settings) {
      const rest = s.key.startsWith(group) ? s.key.slice(group.length) : '';
      if (rest && !rest.includes('.')) properties[rest] = { ...s.schema, description: s.schema.description };
    }
    Object.assign(properties, groupSchemas(settings, group));
    groups[name] = { type: 'object', description: `The ${group.slice(0, -1)}.* settings, grouped.`, properties, additionalProperties: false };
  }
  return groups;
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
