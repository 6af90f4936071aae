import type { SettingSpec } from '../setting';

/** Settings every part shares. */
export const generalSettings: SettingSpec[] = [
  {
    key: 'logLevel',
    env: 'DEPLOY_AGENT_LOG_LEVEL',
    schema: {
      type: 'string',
      enum: ['error', 'warn', 'info', 'debug'],
      default: 'info',
      description: 'How much Deploy Agent writes to its output channel (VS Code) or stderr (CLI).',
    },
  },
  {
    key: 'history.busyTimeoutSeconds',
    env: 'DEPLOY_AGENT_DB_BUSY_TIMEOUT_SECONDS',
    scope: 'machine',
    schema: {
      type: 'integer',
      default: 30,
      minimum: 1,
      maximum: 600,
      description: 'How long a write to the history database waits while another process (another deployment, `deploy-agent learning rebuild`) holds it, before the deployment stops and says which process it was. A stopped deployment keeps its sandbox and continues with `deploy-agent resume ID`.',
    },
  },
  {
    key: 'environment',
    schema: {
      type: 'string',
      default: 'auto',
      description: 'The deployment environment (production, staging, development, …). `auto` detects it from DEPLOYMENT_ENVIRONMENT, a release target, CI variables, the host name, container markers and — in CI, in a cluster or on a server only — the git branch: on a developer machine it is development. The evidence is shown with every strategy decision.',
    },
  },
  {
    key: 'environmentPatterns',
    schema: {
      type: 'object',
      default: {},
      description: 'Extra patterns for environment detection: `{ "branches": { "production": ["^live$"] }, "hostnames": { "staging": ["-stg\\d+$"] } }` (case-insensitive regular expressions, added to the built-in ones).',
      properties: {
        branches: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        hostnames: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
      },
      additionalProperties: false,
    },
  },
];

/**
 * Settings only VS Code reads, from the user's own settings (machine scope: a workspace cannot set
 * them). They are not part of `.deploy-agent/config.json`: where the history lives must not be
 * chosen by a repository (opening a file there could move it aside as a corrupt database).
 */
export const editorOnlySettings: SettingSpec[] = [
  {
    key: 'historyDatabase',
    scope: 'machine',
    schema: {
      type: 'string',
      default: '',
      description:
        'The history database (SQLite file) the extension uses. Empty: the same one as the `deploy-agent` CLI — DEPLOY_AGENT_DB when set, else the platform\'s data folder (`~/.local/share/deploy-agent/history.db` on Linux, `~/Library/Application Support/deploy-agent/history.db` on macOS, `%LOCALAPPDATA%\\deploy-agent\\Data\\history.db` on Windows). The CLI takes `--db PATH` or DEPLOY_AGENT_DB.',
    },
  },
];
