// The core pipeline as the extension runs it: the real ports with the user's settings (editor
// values over the workspace's .deploy-agent/config.json), the Anthropic key from SecretStorage
// and a GitHub token from VS Code's GitHub sign-in, in the same variables the CLI reads.
import * as vscode from 'vscode';
import { resolveConfig } from '../core/config/resolve';
import type { Orchestrator } from '../core/pipeline/orchestrator';
import type { HistoryStore } from '../core/store/database';
import type { MetricsReading } from '../core/strategy/types';
import { explicitEditorSettings } from './editor-settings';
import { ANTHROPIC_KEY_SECRET } from './model-providers';
import { githubTokenForPush } from './editor/github-sign-in';

export interface OrchestratorInput {
  store: HistoryStore;
  secrets: vscode.SecretStorage;
  latestMetrics?(repoRoot: string): MetricsReading | undefined;
  /** Ask VS Code's GitHub sign-in for a token without prompting (a push needs one). */
  github?: boolean;
  newId?(): string;
}

/** The scopes a pull request needs. */
export const GITHUB_SCOPES = ['repo'];

export async function deploymentEnvironment(secrets: vscode.SecretStorage, options: { github?: boolean } = {}): Promise<NodeJS.ProcessEnv> {
  const key = await secrets.get(ANTHROPIC_KEY_SECRET);
  const token = options.github ? await githubToken(false) : undefined;
  return { ...process.env, ...(key ? { ANTHROPIC_API_KEY: key } : {}), ...(token ? { GITHUB_TOKEN: token } : {}) };
}

/**
 * A GitHub token: VS Code's GitHub sign-in first (silently, or asking when `ask`), then
 * GITHUB_TOKEN from the environment VS Code started with, then GH_TOKEN (the GitHub CLI's; also
 * the one that reaches the extension host under code-server, which takes GITHUB_TOKEN for itself).
 * Undefined when there is none.
 */
export async function githubToken(ask: boolean): Promise<string | undefined> {
  try {
    const session = await vscode.authentication.getSession('github', GITHUB_SCOPES, ask ? { createIfNone: true } : { silent: true });
    if (session?.accessToken) return session.accessToken;
  } catch {
    // No GitHub authentication provider in this editor (or the user declined): the environment may still have a token.
  }
  return process.env.GITHUB_TOKEN || process.env.GH_TOKEN || undefined;
}

export async function createOrchestrator(input: OrchestratorInput): Promise<Orchestrator> {
  const [{ Orchestrator }, { createRealPorts }] = await Promise.all([import('../core/pipeline/orchestrator'), import('../core/pipeline/real-ports')]);
  const env = await deploymentEnvironment(input.secrets, { github: input.github ?? false });
  return new Orchestrator({
    db: input.store.db,
    ...(input.newId ? { newId: input.newId } : {}),
    ports: createRealPorts({
      store: input.store,
      env,
      config: (dir) => resolveConfig({ workspaceDir: dir, editor: explicitEditorSettings() }),
      ...(input.latestMetrics ? { latestMetrics: input.latestMetrics } : {}),
      // Asked for right before a push (VS Code's GitHub sign-in), not when the deployment starts.
      githubToken: githubTokenForPush,
    }),
  });
}
