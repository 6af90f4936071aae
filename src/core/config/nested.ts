import { DeployAgentError } from '../errors';
import type { SettingSpec } from './setting';

/**
 * A settings file may group keys by their dotted prefix — `{ "ollama": { "host": "…" } }` is
 * `{ "ollama.host": "…" }` — and mix both forms. This turns the nested form into flat keys before
 * the layer is validated. A group is only a group when settings live under it: a setting's own
 * value (an object such as `ollama.phaseModels` or `targets`) is never taken apart, and a name
 * that is neither stays as it is for the validation to name.
 */
export function flattenSettings(layer: unknown, specs: readonly SettingSpec[], where: string): unknown {
  if (!isPlainObject(layer)) return layer;
  const keys = new Set(specs.map((s) => s.key));
  const groups = new Set(specs.flatMap((s) => s.key.split('.').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('.'))));
  const flat: Record<string, unknown> = {};
  const seen = new Map<string, string>();
  const visit = (object: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(object)) {
      const key = prefix ? `${prefix}.${name}` : name;
      if (!keys.has(key) && groups.has(key) && isPlainObject(value)) {
        visit(value, key);
        continue;
      }
      const written = prefix ? `"${prefix.split('.').join('" → "')}" → "${name}"` : `"${name}"`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        throw new DeployAgentError('CONFIG_INVALID', `${where} sets '${key}' twice: as ${earlier} and as ${written}.`, 'Keep one of them (flat and nested keys may be mixed, but each setting once).');
      }
      seen.set(key, written);
      flat[key] = value;
    }
  };
  visit(layer, '');
  return flat;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
