import type Database from 'better-sqlite3';
import { DeployAgentError } from '../errors';
import { readTravisTorrentCsv, type HistoryBuild } from './travistorrent';

export type HistorySource = 'travistorrent' | 'github';

export interface ProjectImportCounts {
  project: string;
  imported: number;
  /** Already in the history (same project, source and build id): importing again never duplicates. */
  skipped: number;
}

/** Stores past CI builds in `history_builds`, one transaction; counts per project. */
export function importHistoryBuilds(db: Database.Database, builds: readonly HistoryBuild[], source: HistorySource, now = Date.now()): ProjectImportCounts[] {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO history_builds (project, source, external_id, started_at, failed, duration_ms, branch, is_pr, files_changed, lines_changed, tests_changed, features, imported_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const counts = new Map<string, ProjectImportCounts>();
  db.transaction(() => {
    for (const b of builds) {
      const result = insert.run(
        b.project, source, b.externalId, Math.round(b.startedAt), b.failed ? 1 : 0, b.durationMs ?? null, b.branch ?? null,
        b.isPr === undefined ? null : b.isPr ? 1 : 0, b.filesChanged ?? null, b.linesChanged ?? null, b.testsChanged ?? null,
        JSON.stringify(b.numeric), now,
      );
      const c = counts.get(b.project) ?? { project: b.project, imported: 0, skipped: 0 };
      if (result.changes) c.imported++;
      else c.skipped++;
      counts.set(b.project, c);
    }
  })();
  return [...counts.values()].sort((a, b) => a.project.localeCompare(b.project));
}

export const HISTORY_FORMATS = ['travistorrent'] as const;

/** Reads a history file in `format` (only TravisTorrent CSV today) and imports it. */
export function importHistoryFile(db: Database.Database, file: string, options: { format: string; project?: string; now?: number }): ProjectImportCounts[] {
  if (!(HISTORY_FORMATS as readonly string[]).includes(options.format)) {
    throw new DeployAgentError('HISTORY_FORMAT_UNKNOWN', `--format ${options.format} is not a history format this build reads.`, `Use --format ${HISTORY_FORMATS.join(' or ')} (or --github OWNER/REPO for GitHub Actions runs).`);
  }
  const builds = readTravisTorrentCsv(file, { project: options.project });
  if (!builds.length) {
    throw new DeployAgentError(
      'HISTORY_EMPTY',
      `${file} has no builds with an outcome${options.project ? ` for project ${options.project}` : ''}.`,
      options.project ? 'Check the project name (gh_project_name) or leave out --project.' : 'Check that the rows have an outcome (build_Failed, build_successful or tr_status) and a start time.',
    );
  }
  return importHistoryBuilds(db, builds, 'travistorrent', options.now);
}
