import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DeployAgentError } from '../errors';
import { validateRecommendation } from '../recommendation/load';
import { FRAMEWORK_IDS, type FrameworkId } from '../testing/types';
import { TASK_KINDS, TASK_LANGUAGES, type EvalTask, type TaskKind, type TaskLanguage } from './types';

/**
 * The eval tasks of a folder (`eval/tasks`), each a folder with:
 *
 *   task.json            { "language", "kind", "repo" (a folder of eval/repos), "framework" }
 *   recommendation.json  what the agent is asked (a recommendation as `deploy` takes it)
 *   setup/               files laid over the repository before the deployment (a task's bug, say)
 *   hidden/              the acceptance tests, at their repository paths; the agent never sees them
 *   solution/            the reference solution, files laid over the repository
 *
 * `pattern` selects tasks by id: `*` and `?` wildcards, alternatives separated by commas
 * (`go-*,py-bookshelf-rating`). Malformed tasks are refused with what is wrong.
 */
export function loadTasks(tasksDir: string, pattern = '*'): EvalTask[] {
  if (!existsSync(tasksDir) || !statSync(tasksDir).isDirectory()) {
    throw new DeployAgentError('EVAL_TASKS_NOT_FOUND', `There is no eval task folder at ${tasksDir}.`, 'Run the suite from a checkout of Deploy Agent (its eval/tasks folder), or pass --tasks-dir DIR.');
  }
  const matches = globMatcher(pattern);
  const ids = readdirSync(tasksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && matches(d.name))
    .map((d) => d.name)
    .sort();
  if (!ids.length) throw new DeployAgentError('EVAL_NO_TASKS', `No eval task in ${tasksDir} matches "${pattern}".`, 'List the task folders (ls eval/tasks) and pass a pattern that matches some, e.g. --tasks "go-*".');
  return ids.map((id) => loadTask(path.join(tasksDir, id)));
}

export function loadTask(dir: string): EvalTask {
  const id = path.basename(dir);
  const problem = (what: string) => new DeployAgentError('EVAL_TASK_INVALID', `Eval task ${id} is not valid: ${what}.`, `Fix ${dir} (see docs/evaluation.md, "Writing a task").`);
  const meta = readJson(path.join(dir, 'task.json'), problem) as { language?: string; kind?: string; repo?: string; framework?: string };
  if (!TASK_LANGUAGES.includes(meta.language as TaskLanguage)) throw problem(`task.json "language" must be one of ${TASK_LANGUAGES.join(', ')}`);
  if (!TASK_KINDS.includes(meta.kind as TaskKind)) throw problem(`task.json "kind" must be one of ${TASK_KINDS.join(', ')}`);
  if (!(FRAMEWORK_IDS as readonly string[]).includes(meta.framework ?? '')) throw problem(`task.json "framework" must be one of ${FRAMEWORK_IDS.join(', ')}`);
  if (!meta.repo || /[\\/]|^\.\.?$/.test(meta.repo)) throw problem('task.json "repo" must name a folder of eval/repos');
  const repoDir = path.resolve(dir, '..', '..', 'repos', meta.repo);
  if (!existsSync(repoDir)) throw problem(`its repository ${repoDir} does not exist`);
  let recommendation;
  try {
    recommendation = validateRecommendation(readJson(path.join(dir, 'recommendation.json'), problem), `The recommendation of eval task ${id}`);
  } catch (error) {
    if (error instanceof DeployAgentError && error.code === 'EVAL_TASK_INVALID') throw error;
    throw problem(`recommendation.json: ${(error as Error).message}`);
  }
  const hiddenFiles = filesUnder(path.join(dir, 'hidden'));
  if (!hiddenFiles.length) throw problem('it has no hidden tests (hidden/)');
  if (!filesUnder(path.join(dir, 'solution')).length) throw problem('it has no reference solution (solution/)');
  return { id, language: meta.language as TaskLanguage, kind: meta.kind as TaskKind, framework: meta.framework as FrameworkId, repoDir, dir, recommendation, hiddenFiles };
}

/**
 * Where the suite's tasks are when no folder is given: `eval/tasks` of the Deploy Agent checkout
 * the CLI runs from (found upwards from the CLI's script), else upwards from the current folder.
 */
export function defaultTasksDir(script: string | undefined, cwd: string): string | undefined {
  for (const start of [script ? path.dirname(path.resolve(script)) : undefined, cwd]) {
    let dir = start;
    for (let depth = 0; dir && depth < 8; depth++) {
      const candidate = path.join(dir, 'eval', 'tasks');
      if (existsSync(candidate) && existsSync(path.join(dir, 'eval', 'repos'))) return candidate;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/** Repository-relative paths (with `/`) of the files under `root`; none when it does not exist. */
export function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(relPath);
      else if (entry.isFile()) out.push(relPath);
    }
  };
  walk('');
  return out.sort();
}

/** `*` any run of characters, `?` one, `,` alternatives; the whole id must match. */
export function globMatcher(pattern: string): (id: string) => boolean {
  const alternatives = pattern
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (id) => alternatives.some((re) => re.test(id));
}

function readJson(file: string, problem: (what: string) => Error): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw problem(`${path.basename(file)} is missing`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw problem(`${path.basename(file)} is not valid JSON (${(error as Error).message})`);
  }
}
