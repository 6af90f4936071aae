import type { Migration } from './types';

/**
 * [editor] What the editor shows without scanning the history.
 *
 * generated_files — one row per file a deployment wrote or changed, as it was committed (shipped):
 *   deployment_id  TEXT → deployments.id
 *   repo_root      TEXT     the user's repository (absolute, as git names its top level)
 *   path           TEXT     repository-relative, forward slashes (the new path of a rename)
 *   old_path       TEXT     the path before a rename, else NULL
 *   change         TEXT     'added' | 'modified' | 'renamed'
 *   blob_sha       TEXT     git's blob id of the content shipped (compared with the open document)
 *   base_blob_sha  TEXT     the blob before the deployment (NULL when added)
 *   commit_sha     TEXT     the deployment's commit
 *   title          TEXT     the recommendation's title (the lens shows it without reading JSON)
 *   is_test        INTEGER  0/1: a test file by the runners' notion of one
 *   hunks          TEXT     JSON [{ "line": first changed line (1-based, new side), "added": n, "removed": n }]
 *   patch          TEXT     the file's unified diff (3 lines of context), NULL when binary or too large
 *   recorded_at    INTEGER  ms since epoch
 * Looked up by (repo_root, path) through generated_files_by_path: a file open costs one index seek.
 *
 * recommendation_choices — the user's Exclude / Prefer on a recommendation's integration points
 * (the editor's lenses), applied to the next deployment of that recommendation file:
 *   recommendation_file TEXT PK  absolute path of the recommendation file
 *   excluded            TEXT     JSON array of repository-relative paths
 *   preferred           TEXT     JSON array of repository-relative paths (offered first, as the panel's added files)
 *   updated_at          INTEGER
 */
export const editorTables: Migration = {
  version: 12,
  name: 'generated files and recommendation choices',
  up(db) {
    db.exec(`
      CREATE TABLE generated_files (
        deployment_id  TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        repo_root      TEXT NOT NULL,
        path           TEXT NOT NULL,
        old_path       TEXT,
        change         TEXT NOT NULL CHECK (change IN ('added','modified','renamed')),
        blob_sha       TEXT NOT NULL,
        base_blob_sha  TEXT,
        commit_sha     TEXT NOT NULL,
        title          TEXT NOT NULL,
        is_test        INTEGER NOT NULL DEFAULT 0,
        hunks          TEXT NOT NULL DEFAULT '[]',
        patch          TEXT,
        recorded_at    INTEGER NOT NULL,
        PRIMARY KEY (deployment_id, path)
      ) WITHOUT ROWID;
      CREATE INDEX generated_files_by_path ON generated_files(repo_root, path, recorded_at);
      CREATE TABLE recommendation_choices (
        recommendation_file TEXT PRIMARY KEY,
        excluded            TEXT NOT NULL DEFAULT '[]',
        preferred           TEXT NOT NULL DEFAULT '[]',
        updated_at          INTEGER NOT NULL
      );
    `);
  },
};
