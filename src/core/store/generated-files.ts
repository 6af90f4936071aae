import path from 'node:path';
import type Database from 'better-sqlite3';
import type { HunkSummary } from '../editor/patch';
import type { ShippedFile } from '../git/shipped-files';

/** One row of `generated_files` (migration 12): a file a deployment shipped. */
export interface GeneratedFileRow {
  deploymentId: string;
  repoRoot: string;
  path: string;
  oldPath: string | null;
  change: ShippedFile['change'];
  blobSha: string;
  baseBlobSha: string | null;
  commitSha: string;
  title: string;
  isTest: boolean;
  hunks: HunkSummary[];
  recordedAt: number;
}

/** The newest record of a path, with its deployment's facts and how many earlier deployments shipped it too. */
export interface LatestGeneratedFile extends GeneratedFileRow {
  status: string;
  branch: string | null;
  prUrl: string | null;
  /** Earlier deployments that shipped this path (only the newest one's change is shown), counted up to EARLIER_BOUND. */
  earlier: number;
}

/** How many earlier deployments of one file are counted (the lens says "99+" beyond). */
export const EARLIER_BOUND = 99;

const LATEST = `
  SELECT g.deployment_id AS deploymentId, g.repo_root AS repoRoot, g.path AS path, g.old_path AS oldPath, g.change AS change,
         g.blob_sha AS blobSha, g.base_blob_sha AS baseBlobSha, g.commit_sha AS commitSha, g.title AS title, g.is_test AS isTest,
         g.hunks AS hunks, g.recorded_at AS recordedAt, d.status AS status, d.branch AS branch, d.pr_url AS prUrl
    FROM generated_files g JOIN deployments d ON d.id = g.deployment_id
   WHERE g.repo_root = ? AND g.path = ?
   ORDER BY g.recorded_at DESC
   LIMIT 1`;

/**
 * The files deployments shipped, by path (an index seek per file open) and by deployment.
 * Written once per commit (idempotent: a resumed commit step records the same rows again).
 */
export class GeneratedFilesRepository {
  private readonly latestStatement: Database.Statement;
  private readonly countStatement: Database.Statement;
  private readonly testsStatement: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.latestStatement = db.prepare(LATEST);
    // Counted up to a bound: a file shipped thousands of times still costs one short index range.
    this.countStatement = db.prepare(`SELECT count(*) FROM (SELECT 1 FROM generated_files WHERE repo_root = ? AND path = ? LIMIT ${EARLIER_BOUND + 1})`).pluck();
    this.testsStatement = db.prepare(`SELECT path FROM generated_files WHERE deployment_id = ? AND is_test = 1 ORDER BY path`).pluck();
  }

  record(input: { deploymentId: string; repoRoot: string; commitSha: string; title: string; files: readonly ShippedFile[]; at: number }): void {
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO generated_files (deployment_id, repo_root, path, old_path, change, blob_sha, base_blob_sha, commit_sha, title, is_test, hunks, patch, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM generated_files WHERE deployment_id = ?`).run(input.deploymentId);
      for (const f of input.files) {
        insert.run(input.deploymentId, input.repoRoot, f.path, f.oldPath, f.change, f.blobSha, f.baseBlobSha, input.commitSha, input.title, f.isTest ? 1 : 0, JSON.stringify(f.hunks), f.patch, input.at);
      }
    })();
  }

  /**
   * The newest deployment that shipped the file at `absolutePath`, if any. The repository root is
   * not known from a path alone: each folder above the file is tried as one (an index seek each).
   */
  latestAt(absolutePath: string): LatestGeneratedFile | undefined {
    const normalized = path.resolve(absolutePath);
    for (let dir = path.dirname(normalized); ; dir = path.dirname(dir)) {
      const relative = path.relative(dir, normalized).split(path.sep).join('/');
      const row = this.latestStatement.get(dir, relative) as (Omit<LatestGeneratedFile, 'hunks' | 'isTest' | 'earlier'> & { hunks: string; isTest: number }) | undefined;
      if (row) {
        const count = this.countStatement.get(dir, relative) as number;
        return { ...row, isTest: row.isTest === 1, hunks: JSON.parse(row.hunks) as HunkSummary[], earlier: count - 1 };
      }
      if (path.dirname(dir) === dir) return undefined;
    }
  }

  /** The test files a deployment shipped (repository-relative). */
  testFiles(deploymentId: string): string[] {
    return this.testsStatement.all(deploymentId) as string[];
  }

  /** The stored diff of one file of a deployment (null when binary or too large; undefined when not recorded). */
  patch(deploymentId: string, file: string): string | null | undefined {
    const row = this.db.prepare(`SELECT patch FROM generated_files WHERE deployment_id = ? AND path = ?`).get(deploymentId, file) as { patch: string | null } | undefined;
    return row ? row.patch : undefined;
  }

  /** Every file a deployment shipped. */
  ofDeployment(deploymentId: string): GeneratedFileRow[] {
    const rows = this.db
      .prepare(
        `SELECT deployment_id AS deploymentId, repo_root AS repoRoot, path, old_path AS oldPath, change, blob_sha AS blobSha, base_blob_sha AS baseBlobSha,
                commit_sha AS commitSha, title, is_test AS isTest, hunks, recorded_at AS recordedAt
           FROM generated_files WHERE deployment_id = ? ORDER BY path`,
      )
      .all(deploymentId) as (Omit<GeneratedFileRow, 'hunks' | 'isTest'> & { hunks: string; isTest: number })[];
    return rows.map((r) => ({ ...r, isTest: r.isTest === 1, hunks: JSON.parse(r.hunks) as HunkSummary[] }));
  }
}
