import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DeployAgentError } from '../errors';
import { flattenSettings } from './nested';
import { allSettings } from './sections';
import type { SettingSpec } from './setting';

export type SettingSource = 'default' | 'workspace' | 'file' | 'env' | 'editor';

export interface ResolvedSetting {
  value: unknown;
  source: SettingSource;
  /** The file or variable the value came from, when not the default. */
  origin?: string;
}

export interface ResolvedConfig {
  values: Record<string, unknown>;
  settings: Record<string, ResolvedSetting>;
  /** Values a layer may not set (a user-only setting in the repository's file), left out, with where they came from. */
  ignored?: { key: string; origin: string; reason: string }[];
  /** Typed read with the default as fallback. */
  get<T>(key: string): T;
}

export interface ResolveConfigInput {
  /** The workspace folder; `.deploy-agent/config.json` inside it is read when present. */
  workspaceDir?: string;
  /** CLI `--config FILE`, applied over the workspace file. */
  configFile?: string;
  /** CLI: environment variables, applied over files. */
  env?: NodeJS.ProcessEnv;
  /** VS Code: only the values the user set explicitly (from `inspect()`), applied over files. */
  editor?: Record<string, unknown>;
  settings?: readonly SettingSpec[];
}

export const WORKSPACE_CONFIG_PATH = path.join('.deploy-agent', 'config.json');

/**
 * Resolves every setting from its layers, lowest first: default → workspace file →
 * `--config` file → environment (CLI) or editor settings (VS Code). Both front ends call
 * this, so a value means the same thing in the terminal and in the editor.
 */
export function resolveConfig(input: ResolveConfigInput): ResolvedConfig {
  const specs = input.settings ?? allSettings;
  const settings: Record<string, ResolvedSetting> = {};
  for (const spec of specs) settings[spec.key] = { value: spec.schema.default, source: 'default' };

  const userOnly = new Set(specs.filter((s) => s.userOnly).map((s) => s.key));
  const ignored: NonNullable<ResolvedConfig['ignored']> = [];
  const apply = (layer: Record<string, unknown>, source: SettingSource, origin: string) => {
    for (const [key, value] of Object.entries(layer)) {
      if (key === '$schema') continue;
      if (source === 'workspace' && userOnly.has(key)) {
        ignored.push({ key, origin, reason: 'a repository cannot set it; set it in your own settings (VS Code user settings, --config FILE or its environment variable)' });
        continue;
      }
      settings[key] = { value, source, origin };
    }
  };

  if (input.workspaceDir) {
    const file = path.join(input.workspaceDir, WORKSPACE_CONFIG_PATH);
    const layer = readConfigFile(file, specs, { optional: true });
    if (layer) apply(layer, 'workspace', file);
  }
  if (input.configFile) {
    const file = path.resolve(input.configFile);
    apply(readConfigFile(file, specs, { optional: false })!, 'file', file);
  }
  if (input.env) {
    for (const spec of specs) {
      const raw = spec.env ? input.env[spec.env] : undefined;
      if (raw === undefined || raw === '') continue;
      settings[spec.key] = { value: coerceEnv(spec, raw), source: 'env', origin: spec.env };
    }
  }
  if (input.editor) {
    const layer = validateLayer(input.editor, specs, 'VS Code settings (deployAgent.*)');
    apply(layer, 'editor', 'settings.json');
  }

  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) values[key] = setting.value;
  return {
    values,
    settings,
    ...(ignored.length ? { ignored } : {}),
    get<T>(key: string): T {
      if (!(key in settings)) throw new Error(`Unknown setting '${key}'`);
      return settings[key]!.value as T;
    },
  };
}

function readConfigFile(file: string, specs: readonly SettingSpec[], options: { optional: boolean }): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (options.optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DeployAgentError('CONFIG_UNREADABLE', `Could not read the configuration file ${file}: ${(error as Error).message}.`, 'Check the path and its permissions.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DeployAgentError('CONFIG_INVALID_JSON', `${file} is not valid JSON: ${(error as Error).message}.`, 'Fix the JSON syntax (keys and strings in double quotes, no trailing commas).');
  }
  return validateLayer(flattenSettings(parsed, specs, file), specs, file);
}

// Made on first use, as each validator is: loading this module need not pay for Ajv's set-up.
let ajv: Ajv | undefined;
const validators = new WeakMap<readonly SettingSpec[], ValidateFunction>();

function validatorFor(specs: readonly SettingSpec[]) {
  let validate = validators.get(specs);
  if (!validate) {
    ajv ??= new Ajv({ allErrors: true, strict: false });
    const properties: Record<string, unknown> = { $schema: { type: 'string' } };
    for (const s of specs) {
      // `default` and `description` are documentation, not constraints.
      const { default: _d, description: _e, enumDescriptions: _f, ...constraints } = s.schema;
      properties[s.key] = constraints;
    }
    validate = ajv.compile({ type: 'object', properties, additionalProperties: false });
    validators.set(specs, validate);
  }
  return validate;
}

/** Validates one layer and says, per problem, which key is wrong and what is expected. */
export function validateLayer(layer: unknown, specs: readonly SettingSpec[], where: string): Record<string, unknown> {
  // Nothing set (VS Code's usual layer): valid as it is, without compiling the settings' schema (tens of ms, on the first command's path).
  if (isEmptyObject(layer)) return layer;
  const validate = validatorFor(specs);
  if (validate(layer)) return layer as Record<string, unknown>;
  const problems = (validate.errors ?? []).map((e) => explain(e, specs));
  throw new DeployAgentError(
    'CONFIG_INVALID',
    `${where} has ${problems.length === 1 ? 'an invalid setting' : `${problems.length} problems`}: ${problems.join('; ')}.`,
    'Fix the values named above; `deploy-agent diagnostics` lists every setting with its type and default.',
    { details: { where, problems } },
  );
}

/** An object with no keys: what the schema (an object, no required keys) always accepts. */
function isEmptyObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // for…in, as the validator's additionalProperties check walks it (inherited keys included).
  for (const _key in value) return false;
  return true;
}

function explain(error: ErrorObject, specs: readonly SettingSpec[]): string {
  const key = error.instancePath.replace(/^\//, '').split('/')[0]?.replace(/~1/g, '/').replace(/~0/g, '~') ?? '';
  switch (error.keyword) {
    case 'additionalProperties': {
      const unknown = String((error.params as { additionalProperty: string }).additionalProperty);
      const guess = closest(unknown, specs.map((s) => s.key));
      return `'${unknown}' is not a Deploy Agent setting${guess ? ` (did you mean '${guess}'?)` : ''}`;
    }
    case 'type':
      return `'${key}' must be ${article((error.params as { type: string }).type)}`;
    case 'enum':
      return `'${key}' must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return key ? `'${key}'${error.instancePath.split('/').length > 2 ? ` (${error.instancePath})` : ''} ${error.message ?? 'is invalid'}` : (error.message ?? 'invalid');
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function coerceEnv(spec: SettingSpec, raw: string): unknown {
  const fail = (expected: string) =>
    new DeployAgentError('CONFIG_INVALID_ENV', `Environment variable ${spec.env}=${JSON.stringify(raw)} is not ${expected}.`, `Set ${spec.env} to ${expected}, or unset it.`);
  switch (spec.schema.type) {
    case 'number':
    case 'integer': {
      const n = Number(raw);
      if (!Number.isFinite(n) || (spec.schema.type === 'integer' && !Number.isInteger(n))) throw fail(article(spec.schema.type));
      return n;
    }
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw fail('true or false');
    case 'array':
      if (raw.trim().startsWith('[')) return parseJsonOr(raw, fail('a JSON array'));
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'object':
      return parseJsonOr(raw, fail('a JSON object'));
    default:
      if (spec.schema.enum && !spec.schema.enum.includes(raw)) throw fail(`one of ${spec.schema.enum.join(', ')}`);
      return raw;
  }
}

function parseJsonOr(raw: string, error: Error): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw error;
  }
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
