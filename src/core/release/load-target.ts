import { analyzeWorkspace } from '../analysis/profile';
import type { ResolvedConfig } from '../config/resolve';
import type { HistoryStore } from '../store/database';
import { resolveTarget, targetConfig, type TargetConfig } from './targets';
import type { ReleaseTarget } from './types';

/**
 * The targets of a workspace, from its resolved configuration (`targets` in
 * .deploy-agent/config.json — the user's committed file, read before anything runs; a release
 * never reads configuration from what it releases), with defaults from the project profile.
 */
export async function loadTargets(input: { workspaceDir: string; config: ResolvedConfig; store?: HistoryStore; only?: string }): Promise<ReleaseTarget[]> {
  const all = input.config.get<Record<string, TargetConfig>>('targets') ?? {};
  const names = input.only !== undefined ? [input.only] : Object.keys(all);
  if (input.only !== undefined) targetConfig(all, input.only);
  if (!names.length) return [];
  const profile = await analyzeWorkspace(input.workspaceDir, input.store ? { store: input.store } : {}).catch(() => null);
  return names.map((name) => resolveTarget(name, all[name]!, profile));
}

export async function loadTarget(input: { workspaceDir: string; config: ResolvedConfig; store?: HistoryStore; name: string }): Promise<ReleaseTarget> {
  return (await loadTargets({ ...input, only: input.name }))[0]!;
}
