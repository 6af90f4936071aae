// What the panel lists beside the workspace's recommendations, read after the list is on screen
// (both read the project profile, which takes longer than the list): the built-in deployment
// configuration the project misses ([configgen]), and the release targets with their latest
// releases ([release]).
import type { ResolvedConfig } from '../../core/config/resolve';
import { listMissingDeploymentConfig, saveBuiltinRecommendation } from '../../core/configgen/recommendations';
import { loadTargets } from '../../core/release/load-target';
import type { HistoryStore } from '../../core/store/database';
import { DeploymentsRepository, type DeploymentRow } from '../../core/store/deployments';
import type { MissingConfigItem, ReleaseListItem, ReleasesView } from '../../protocol/panel';

/** How many of the workspace's latest releases the panel lists. */
const RECENT_RELEASES = 5;

function analysisOptions(config: ResolvedConfig, store: HistoryStore | undefined): { store?: HistoryStore } {
  // The structure-map cache lives in the history database, unless the user turned it off.
  return store && config.get<boolean>('analysis.cache') !== false ? { store } : {};
}

/**
 * The built-in recommendations the project misses, less those already saved as a recommendation
 * file of the workspace (`listed`: the ids of the listed files) — those are in the list above.
 */
export async function missingConfigItems(dir: string, config: ResolvedConfig, store: HistoryStore | undefined, listed: ReadonlySet<string>): Promise<MissingConfigItem[]> {
  const { recommendations } = await listMissingDeploymentConfig(dir, analysisOptions(config, store));
  return recommendations
    .filter((r) => !listed.has(r.id))
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.recommendation.title,
      description: r.recommendation.description,
      why: r.why,
      files: r.recommendation.targetFiles ?? [],
      templated: r.templated,
      unknowns: r.unknowns,
    }));
}

/** Saves built-in recommendation `id` as a file of the workspace (refused when the project no longer misses it). */
export function saveMissingConfig(dir: string, id: string, config: ResolvedConfig, store: HistoryStore | undefined): Promise<{ file: string; relativePath: string }> {
  return saveBuiltinRecommendation(dir, id, analysisOptions(config, store));
}

function releaseItem(row: DeploymentRow): ReleaseListItem {
  return { id: row.id, title: row.title, target: row.target ?? '', status: row.status, mode: row.mode === 'rollback' ? 'rollback' : 'release', at: row.finishedAt ?? row.createdAt };
}

/** The workspace's release targets, each with its latest release, and the latest releases of the workspace. */
export async function releasesOf(dir: string, config: ResolvedConfig, store: HistoryStore | undefined): Promise<ReleasesView> {
  const rows = store ? new DeploymentsRepository(store.db).list({ repoPath: dir, kind: 'release', limit: 50 }) : [];
  const recent = rows.slice(0, RECENT_RELEASES).map(releaseItem);
  try {
    const targets = await loadTargets({ workspaceDir: dir, config, ...(store ? { store } : {}) });
    return {
      targets: targets.map((t) => {
        const last = rows.find((r) => r.target === t.name);
        return { name: t.name, type: t.type, environment: t.environment, hosts: [...t.hosts], path: t.path, ...(last ? { last: releaseItem(last) } : {}) };
      }),
      recent,
    };
  } catch (error) {
    return { targets: [], recent, problem: (error as Error).message };
  }
}
