import type Database from 'better-sqlite3';
import type { DeploymentStatus } from './deployments';

/** The newest deployment of one recommendation file (the panel shows its status beside the file). */
export interface LastDeployment {
  id: string;
  status: DeploymentStatus | string;
  mode: string | null;
  createdAt: number;
  finishedAt: number | null;
  prUrl: string | null;
}

/** How far back the panel looks for a file's last deployment: the newest deployments of the workspace. */
const RECENT = 500;

/**
 * The last deployment of each of `files` (absolute paths, as the deploy request records them)
 * among the newest deployments of `repoPaths` (the workspace folder, the repository root: a
 * deployment records the root once its safety step ran): the deployments' index on (repo_path,
 * created_at) first, then each one's `request` event, so a long history costs a few hundred rows.
 */
export function lastDeploymentsOf(db: Database.Database, repoPaths: readonly string[], files: readonly string[]): Map<string, LastDeployment> {
  const wanted = new Set(files);
  const found = new Map<string, LastDeployment>();
  if (!wanted.size || !repoPaths.length) return found;
  const rows = db
    .prepare(
      `SELECT d.id, d.status, d.mode, d.created_at AS createdAt, d.finished_at AS finishedAt, d.pr_url AS prUrl,
              (SELECT json_extract(e.payload, '$.recommendationFile') FROM events e
                WHERE e.deployment_id = d.id AND e.type = 'request' ORDER BY e.id LIMIT 1) AS file
         FROM (SELECT * FROM deployments WHERE repo_path IN (${repoPaths.map(() => '?').join(', ')}) ORDER BY created_at DESC LIMIT ${RECENT}) d
        ORDER BY d.created_at DESC`,
    )
    .all(...repoPaths) as (LastDeployment & { file: string | null })[];
  for (const { file, ...row } of rows) {
    if (file && wanted.has(file) && !found.has(file)) found.set(file, row);
  }
  return found;
}
