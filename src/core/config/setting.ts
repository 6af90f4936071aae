/** A JSON Schema fragment for one setting's value (the subset we use). */
export interface ValueSchema {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  default: unknown;
  description: string;
  enum?: readonly (string | number)[];
  enumDescriptions?: readonly string[];
  minimum?: number;
  maximum?: number;
  items?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  additionalProperties?: boolean | Record<string, unknown>;
  format?: string;
  pattern?: string;
}

/**
 * One setting. The same definition feeds the workspace file's validation, the CLI's
 * environment variables, VS Code's `contributes.configuration` (generated into
 * package.json by `npm run sync:settings`) and the diagnostics' "where it came from".
 */
export interface SettingSpec {
  /** Key without the `deployAgent.` prefix, e.g. `ollama.host`. */
  key: string;
  schema: ValueSchema;
  /** Environment variable the CLI reads for it, if any. */
  env?: string;
  /** VS Code scope: machine settings are not read from a shared workspace file. */
  scope?: 'application' | 'machine' | 'machine-overridable' | 'window' | 'resource';
  /**
   * Only from the user's own settings (VS Code user settings, `--config FILE`, the environment):
   * a repository's .deploy-agent/config.json or workspace settings cannot set it. For settings
   * that lower a protection: a repository must not lower its own confinement.
   */
  userOnly?: boolean;
}
