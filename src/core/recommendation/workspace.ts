import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { DeployAgentError, isDeployAgentError } from '../errors';
import { loadRecommendation, recommendationProblems } from './load';
import type { Recommendation } from './types';
import { cutSlug } from '../slug';

const run = promisify(execFile);

/**
 * The recommendations a workspace keeps for itself: `.deploy-agent/recommendations/*.json` and
 * any `*.recommendation.json` (the same patterns the manifest's jsonValidation gives IntelliSense).
 * The editor finds the files (it knows the user's excludes); this module reads and validates them.
 */
export const RECOMMENDATION_FOLDER = '.deploy-agent/recommendations';
export const RECOMMENDATION_GLOBS = [`${RECOMMENDATION_FOLDER}/*.json`, '**/*.recommendation.json'] as const;

/**
 * The recommendation files of a workspace inside a git repository, tracked or not (but not
 * ignored): `git ls-files` answers in milliseconds where a walk of the tree would take long.
 * Undefined when the folder is not in a git work tree (the caller searches another way).
 */
export async function findRecommendationFiles(workspaceDir: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '*.recommendation.json', `${RECOMMENDATION_FOLDER}/*.json`], {
      cwd: workspaceDir,
      maxBuffer: 16 * 1024 * 1024,
    });
    // A pathspec's * also crosses folders: keep the recommendation folder's own files, and *.recommendation.json anywhere.
    const files = [...new Set(stdout.split('\0').filter(Boolean))].map((f) => path.join(workspaceDir, ...f.split('/')));
    return files.filter((f) => isRecommendationPath(workspaceDir, f));
  } catch {
    return undefined;
  }
}

/** Whether `file` is where a workspace keeps recommendations (the patterns of RECOMMENDATION_GLOBS). */
export function isRecommendationPath(workspaceDir: string, file: string): boolean {
  const relative = path.relative(workspaceDir, file).split(path.sep).join('/');
  if (relative.startsWith('../') || path.isAbsolute(relative)) return false;
  return relative.endsWith('.recommendation.json') || new RegExp(`^${RECOMMENDATION_FOLDER.replace(/\./g, '\\.')}/[^/]+\\.json$`).test(relative);
}

export interface RecommendationFileEntry {
  /** Absolute path. */
  file: string;
  /** Workspace-relative, forward slashes. */
  relativePath: string;
  /** Set when the file is a valid recommendation. */
  recommendation?: Pick<Recommendation, 'title' | 'category' | 'id' | 'priority' | 'description'>;
  /** Why it cannot be deployed: unreadable, not JSON, or the schema's problems (one line each). */
  problem?: { code: string; message: string; hint: string; problems: string[] };
}

/** Reads and validates each file (in parallel); a bad file is described, never thrown. Sorted: valid first, by title. */
export async function describeRecommendationFiles(workspaceDir: string, files: readonly string[]): Promise<RecommendationFileEntry[]> {
  const entries = await Promise.all(
    [...new Set(files.map((f) => path.resolve(f)))].map(async (file): Promise<RecommendationFileEntry> => {
      const relativePath = path.relative(workspaceDir, file).split(path.sep).join('/');
      try {
        const { recommendation: r } = await loadRecommendation(file);
        return { file, relativePath, recommendation: { title: r.title, description: r.description, ...(r.category ? { category: r.category } : {}), ...(r.id ? { id: r.id } : {}), ...(r.priority ? { priority: r.priority } : {}) } };
      } catch (error) {
        if (!isDeployAgentError(error)) throw error;
        const problems = Array.isArray(error.details?.problems) ? (error.details.problems as string[]) : [];
        return { file, relativePath, problem: { code: error.code, message: error.message, hint: error.hint, problems } };
      }
    }),
  );
  return entries.sort((a, b) => Number(Boolean(a.problem)) - Number(Boolean(b.problem)) || (a.recommendation?.title ?? a.relativePath).localeCompare(b.recommendation?.title ?? b.relativePath));
}

/**
 * Saves a recommendation written in a form as `.deploy-agent/recommendations/<slug>.json`, never
 * over an existing file (a number is added: two recommendations a person wrote with one title are
 * two recommendations). Refuses an invalid one with the schema's problems.
 */
export async function saveRecommendation(workspaceDir: string, value: unknown): Promise<{ file: string; relativePath: string }> {
  const { folder, base, text } = await prepareSave(workspaceDir, value);
  for (let n = 1; n < 1000; n++) {
    const file = path.join(folder, `${base}${n === 1 ? '' : `-${n}`}.json`);
    try {
      await writeFile(file, text, { flag: 'wx' });
      return { file, relativePath: relativeTo(workspaceDir, file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw notSaved(folder, error);
    }
  }
  throw new DeployAgentError('RECOMMENDATION_NOT_SAVED', `There are already 999 recommendations named ${base} in ${folder}.`, 'Give the recommendation another title.');
}

/** What saving a generated recommendation did to its file. */
export type SaveOutcome = 'created' | 'unchanged' | 'replaced';

/**
 * Saves a recommendation Deploy Agent generated (a built-in one: the same project gives the same
 * recommendation) under its one name, `.deploy-agent/recommendations/<slug>.json`. Saving it again
 * with the same content changes nothing (`unchanged`); a file of that name with other content (the
 * user edited it, or the project changed since) is replaced only with `force` (`replaced`), else
 * refused with RECOMMENDATION_EXISTS, naming the file — never a second copy beside it.
 */
export async function saveGeneratedRecommendation(workspaceDir: string, value: unknown, options: { force?: boolean } = {}): Promise<{ file: string; relativePath: string; outcome: SaveOutcome }> {
  const { folder, base, text } = await prepareSave(workspaceDir, value);
  const file = path.join(folder, `${base}.json`);
  const relativePath = relativeTo(workspaceDir, file);
  let existing: string | undefined;
  try {
    existing = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw notSaved(folder, error);
  }
  if (existing !== undefined && sameJson(existing, text)) return { file, relativePath, outcome: 'unchanged' };
  if (existing !== undefined && !options.force) {
    throw new DeployAgentError(
      'RECOMMENDATION_EXISTS',
      `${relativePath} already exists with other content (edited since it was saved, or the project changed).`,
      `Deploy it as it is (deploy-agent deploy ${relativePath}), or replace it with the recommendation as it is now: save again with --force (or delete the file first).`,
      { details: { file } },
    );
  }
  try {
    await writeFile(file, text);
  } catch (error) {
    throw notSaved(folder, error);
  }
  return { file, relativePath, outcome: existing === undefined ? 'created' : 'replaced' };
}

/** The valid recommendation's folder (created), file name and text. No $schema: the editor validates the folder by its path (the manifest's jsonValidation). */
async function prepareSave(workspaceDir: string, value: unknown): Promise<{ folder: string; base: string; text: string }> {
  const problems = recommendationProblems(value);
  if (problems.length) {
    throw new DeployAgentError('RECOMMENDATION_INVALID', `The recommendation is not valid: ${problems.map((p) => p.message).join('; ')}.`, 'Fix the fields named above, then save again.', {
      details: { problems: problems.map((p) => p.message) },
    });
  }
  const folder = path.join(workspaceDir, ...RECOMMENDATION_FOLDER.split('/'));
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw notSaved(folder, error);
  }
  return { folder, base: slugOf((value as Recommendation).title), text: `${JSON.stringify(value, null, 2)}\n` };
}

/** The same recommendation, however the file is laid out (an editor may have re-indented it). */
function sameJson(existing: string, text: string): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(existing), JSON.parse(text));
  } catch {
    return false;
  }
}

const relativeTo = (workspaceDir: string, file: string) => path.relative(workspaceDir, file).split(path.sep).join('/');

function notSaved(folder: string, error: unknown): DeployAgentError {
  return new DeployAgentError('RECOMMENDATION_NOT_SAVED', `The recommendation could not be saved in ${folder}: ${(error as Error).message}.`, 'Check that the workspace folder is writable.', { cause: error });
}

/** A file name from a title: lower-case ASCII words joined by dashes, at most 60 characters. */
export function slugOf(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cutSlug(slug, 60) || 'recommendation';
}
