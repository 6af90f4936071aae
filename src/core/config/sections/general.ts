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
];
