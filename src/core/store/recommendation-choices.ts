import path from 'node:path';
import type Database from 'better-sqlite3';
import type { DeploymentChoice } from '../deployment/types';

/**
 * The user's Exclude / Prefer on a recommendation's integration points (the editor's lenses),
 * kept per recommendation file (migration 12) and applied to that file's next deployment.
 * A preferred point becomes one of the choice's `addedFiles`: the phases look at it first.
 */
export interface StoredChoice {
  excluded: string[];
  preferred: string[];
  updatedAt: number;
}

export type ChoiceAction = 'exclude' | 'prefer' | 'reset';

export class RecommendationChoicesRepository {
  constructor(private readonly db: Database.Database) {}

  get(recommendationFile: string): StoredChoice | undefined {
    const row = this.db.prepare(`SELECT excluded, preferred, updated_at AS updatedAt FROM recommendation_choices WHERE recommendation_file = ?`).get(path.resolve(recommendationFile)) as
      | { excluded: string; preferred: string; updatedAt: number }
      | undefined;
    return row ? { excluded: JSON.parse(row.excluded) as string[], preferred: JSON.parse(row.preferred) as string[], updatedAt: row.updatedAt } : undefined;
  }

  /** Excludes or prefers one point (the two exclude each other), or forgets what was said about it. */
  set(recommendationFile: string, point: string, action: ChoiceAction, at = Date.now()): StoredChoice {
    const current = this.get(recommendationFile) ?? { excluded: [], preferred: [], updatedAt: at };
    const excluded = current.excluded.filter((p) => p !== point);
    const preferred = current.preferred.filter((p) => p !== point);
    if (action === 'exclude') excluded.push(point);
    if (action === 'prefer') preferred.push(point);
    const file = path.resolve(recommendationFile);
    if (!excluded.length && !preferred.length) this.db.prepare(`DELETE FROM recommendation_choices WHERE recommendation_file = ?`).run(file);
    else {
      this.db
        .prepare(
          `INSERT INTO recommendation_choices (recommendation_file, excluded, preferred, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(recommendation_file) DO UPDATE SET excluded = excluded.excluded, preferred = excluded.preferred, updated_at = excluded.updated_at`,
        )
        .run(file, JSON.stringify(excluded), JSON.stringify(preferred), at);
    }
    return { excluded, preferred, updatedAt: at };
  }
}

/**
 * The choice a deployment of `recommendationFile` runs with: what the caller chose (the panel's
 * ticks) together with what was stored for the file. A point the caller added is not excluded by
 * the stored choice (the newer word wins); otherwise both lists are joined.
 */
export function withStoredChoice(requested: DeploymentChoice | undefined, stored: StoredChoice | undefined): DeploymentChoice | undefined {
  if (!stored) return requested;
  const added = [...(requested?.addedFiles ?? []), ...stored.preferred.filter((p) => !(requested?.excludedIntegrationPoints ?? []).includes(p))];
  const excluded = [...(requested?.excludedIntegrationPoints ?? []), ...stored.excluded.filter((p) => !(requested?.addedFiles ?? []).includes(p))];
  return { excludedIntegrationPoints: [...new Set(excluded)], addedFiles: [...new Set(added)] };
}
