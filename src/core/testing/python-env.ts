import { existsSync } from 'node:fs';
import path from 'node:path';
import { findExecutable } from './tools';

/**
 * The Python a project's tests run with: the user's virtualenv when there is one (in the
 * project folder of their repository — a worktree has none, it is ignored — or the one
 * active in the environment), else `python3`/`python` on PATH. Nothing is installed: a
 * virtualenv is the user's, and PyPI may be out of reach.
 */
const VENV_NAMES = ['.venv', 'venv', 'env', '.env'];

export interface PythonChoice {
  python: string;
  /** Where it came from, for the report. */
  source: string;
}

export function choosePython(input: { projectDir: string; userProjectDir?: string; env: NodeJS.ProcessEnv }): PythonChoice | undefined {
  for (const dir of [input.projectDir, input.userProjectDir].filter((d): d is string => Boolean(d))) {
    for (const name of VENV_NAMES) {
      const venv = path.join(dir, name);
      const python = venvPython(venv);
      if (python) return { python, source: `virtualenv ${venv}` };
    }
  }
  if (input.env.VIRTUAL_ENV) {
    const python = venvPython(input.env.VIRTUAL_ENV);
    if (python) return { python, source: `active virtualenv ${input.env.VIRTUAL_ENV}` };
  }
  for (const name of ['python3', 'python']) {
    const python = findExecutable(name, input.env);
    if (python) return { python, source: `${name} on PATH` };
  }
  return undefined;
}

function venvPython(venv: string): string | undefined {
  if (!existsSync(path.join(venv, 'pyvenv.cfg'))) return undefined;
  for (const candidate of [path.join(venv, 'bin', 'python'), path.join(venv, 'Scripts', 'python.exe')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * PYTHONPATH with the sandbox's code first: a package installed in the user's virtualenv in
 * editable mode points at the user's working tree, and the tests must import the changed code.
 */
export function sandboxPythonPath(projectDir: string, existing: string | undefined): string {
  const first = [path.join(projectDir, 'src'), projectDir].filter((d) => existsSync(d));
  return [...first, ...(existing ? [existing] : [])].join(path.delimiter);
}
