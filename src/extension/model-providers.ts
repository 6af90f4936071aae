import * as vscode from 'vscode';
import type { ResolvedConfig } from '../core/config/resolve';
import type { HistoryStore } from '../core/store/database';

/** Where the Anthropic API key is kept: VS Code's SecretStorage (the OS keychain), never settings. */
export const ANTHROPIC_KEY_SECRET = 'deployAgent.anthropicApiKey';

/** The secret source the model router reads; ANTHROPIC_API_KEY stays the fallback. */
export function anthropicKeyFromSecrets(secrets: vscode.SecretStorage): { anthropicApiKey(): Promise<string | undefined> } {
  return { anthropicApiKey: async () => (await secrets.get(ANTHROPIC_KEY_SECRET)) || undefined };
}

/** Asks for the key in a password box and stores it; returns false when the user cancelled. */
export async function promptForAnthropicKey(secrets: vscode.SecretStorage): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: 'Deploy Agent: Anthropic API key',
    prompt: 'Stored in VS Code’s secret storage (the OS keychain); never written to settings or logs.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim().length < 10 ? 'That does not look like an API key.' : undefined),
  });
  if (!key) return false;
  await secrets.store(ANTHROPIC_KEY_SECRET, key.trim());
  return true;
}

/** Checks every configured provider (reachable, models, which model serves each phase) with the stored key. */
export async function checkModelProviders(input: { secrets: vscode.SecretStorage; config: ResolvedConfig; store: HistoryStore; repoKey?: string }) {
  const { checkProviders, createModelRouter } = await import('../core/ai');
  const router = createModelRouter({ config: input.config, store: input.store, secrets: anthropicKeyFromSecrets(input.secrets), ...(input.repoKey ? { repoKey: input.repoKey } : {}) });
  return checkProviders(router);
}
