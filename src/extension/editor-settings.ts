import * as vscode from 'vscode';
import { SETTINGS_PREFIX } from '../core/config/schema';
import { allSettings } from '../core/config/sections';

/**
 * The deployAgent.* values the user set explicitly (user, workspace or folder level).
 * Defaults are left out on purpose: core's resolver owns them, and a default must not hide
 * a value from the shared .deploy-agent/config.json.
 */
export function explicitEditorSettings(): Record<string, unknown> {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_PREFIX);
  const values: Record<string, unknown> = {};
  for (const setting of allSettings) {
    const inspected = configuration.inspect(setting.key);
    // A user-only setting (one that lowers a protection) comes from the user's settings alone, never the workspace's.
    const value = setting.userOnly ? inspected?.globalValue : (inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue);
    if (value !== undefined) values[setting.key] = value;
  }
  return values;
}
