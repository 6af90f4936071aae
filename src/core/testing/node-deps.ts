import { existsSync, lstatSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { Confinement } from '../confinement';
import { DeployAgentError } from '../errors';
import { runProcess, type ProcessWatch } from './run-process';
import { findExecutable } from './tools';

/**
 * Makes a Node project's dependencies available in the sandbox before its tests run.
 *
 * A worktree has no node_modules (it is ignored). When the sandbox's manifests — package.json's
 * dependency fields and the lockfile — are the same as the user's and the user has installed
 * them, the sandbox gets a symbolic link to the user's node_modules: instant, and nothing is
 * downloaded. The link is removed after the run, so it is never committed (`node_modules/` in a
 * .gitignore does not match a link). When the manifests differ (the change added a dependency)
 * or the user has not installed, the lockfile's package manager installs into the sandbox,
 * offline-first from the user's package cache (`npm ci --prefer-offline`, pnpm, yarn, bun).
 */
export interface PreparedDependencies {
  /** How: `none needed`, `already installed`, `linked to …`, `installed with npm ci`. */
  how: string;
  setupMs: number;
  /** Removes what was only put there for the run (the links). */
  cleanup(): void;
}

const LOCKFILES: [string, 'npm' | 'pnpm' | 'yarn' | 'bun'][] = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
];

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  workspaces?: unknown;
}

export async function prepareNodeDependencies(input: {
  /** The project's folder in the sandbox. */
  projectDir: string;
  /** The sandbox's root (the worktree). */
  sandboxRoot: string;
  /** The same project in the user's repository, when there is one. */
  userProjectDir?: string;
  userRoot?: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeLimitMs: number;
  /** The install runs the project's (and its dependencies') install scripts: model-written code, confined. */
  confinement?: Confinement;
  watch?: ProcessWatch;
  onProgress?(message: string): void;
}): Promise<PreparedDependencies> {
  const started = performance.now();
  const done = (how: string, cleanup: () => void = () => undefined): PreparedDependencies => ({ how, setupMs: Math.round(performance.now() - started), cleanup });
  const manifest = readManifest(path.join(input.projectDir, 'package.json'));
  if (!manifest) return done('none needed (no package.json)');
  const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.optionalDependencies }).length;
  const lock = findLockfile(input.projectDir, input.sandboxRoot);
  if (!declared && !manifest.workspaces && !lock) return done('none needed (no dependencies declared)');
  const own = path.join(input.projectDir, 'node_modules');
  const userOwn = input.userProjectDir ? path.join(input.userProjectDir, 'node_modules') : undefined;
  // Installed by an earlier round, or put there by the user's setup; a link of ours left by a killed run is taken over below.
  if (existsSync(own) && !(userOwn && linksTo(own, userOwn))) return done('already installed in the sandbox');

  // Folders from the project up to the sandbox root that the user has node_modules in (a workspace hoists to its root).
  if (input.userProjectDir && input.userRoot) {
    const links: { link: string; target: string }[] = [];
    let same = true;
    for (let dir = input.projectDir; ; dir = path.dirname(dir)) {
      const rel = path.relative(input.sandboxRoot, dir);
      const userDir = path.join(input.userRoot, rel);
      const userModules = path.join(userDir, 'node_modules');
      const link = path.join(dir, 'node_modules');
      // A link left by a run that was killed is taken over.
      if (existsSync(userModules) && (!existsSync(link) || linksTo(link, userModules))) {
        if (!sameManifests(dir, userDir)) same = false;
        links.push({ link, target: userModules });
      }
      if (dir === input.sandboxRoot || !rel || rel.startsWith('..')) break;
    }
    if (lock && !sameFile(lock.file, path.join(input.userRoot, path.relative(input.sandboxRoot, lock.file)))) same = false;
    if (same && links.length) {
      for (const { link, target } of links) if (!isLink(link)) symlinkSync(target, link, 'dir');
      return done(`linked to ${links.map((l) => l.target).join(', ')} (manifests unchanged)`, () => {
        for (const { link } of links) if (isLink(link)) rmSync(link, { force: true });
      });
    }
  }

  const pm = lock?.pm ?? 'npm';
  const cwd = lock ? path.dirname(lock.file) : input.projectDir;
  const binary = findExecutable(pm, input.env);
  if (!binary) {
    throw new DeployAgentError('PACKAGE_MANAGER_MISSING', `The project's dependencies must be installed with ${pm}, which is not on PATH.`, `Install ${pm} (or run \`${pm} install\` in your repository once, so the sandbox can link your node_modules), then deploy again.`);
  }
  const attempts = installCommands(pm, Boolean(lock), cwd);
  let last = '';
  for (const args of attempts) {
    input.onProgress?.(`installing dependencies: ${pm} ${args.join(' ')}`);
    const result = await runProcess({ command: binary, args, cwd, env: { ...input.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }, timeLimitMs: input.timeLimitMs, ...(input.signal ? { signal: input.signal } : {}), ...(input.confinement ? { confinement: input.confinement } : {}), ...(input.watch ? { watch: input.watch, what: 'install' } : {}) });
    if (result.timedOut) throw new DeployAgentError('DEPENDENCY_INSTALL_TIMEOUT', `\`${pm} ${args.join(' ')}\` did not finish within ${Math.round(input.timeLimitMs / 1000)} s.`, `Install the dependencies in your repository once (\`${pm} install\`) so the sandbox can link them, then deploy again.`, { details: { output: result.output.slice(-4000) } });
    if (result.code === 0) return done(`installed with ${pm} ${args.join(' ')}`);
    last = result.output;
  }
  throw new DeployAgentError('DEPENDENCY_INSTALL_FAILED', `Installing the project's dependencies with ${pm} failed: ${lastLine(last)}`, `Check that \`${pm} install\` works in your repository; the full output is in the report.`, { details: { output: last.slice(-4000) } });
}

/** What to try, in order: the lockfile as it is, then (when the change edited package.json) an install that updates it. */
function installCommands(pm: string, locked: boolean, cwd: string): string[][] {
  const offline = ['--prefer-offline'];
  switch (pm) {
    case 'pnpm':
      return locked ? [['install', '--frozen-lockfile', ...offline], ['install', '--no-frozen-lockfile', ...offline]] : [['install', ...offline]];
    case 'yarn': {
      const berry = existsSync(path.join(cwd, '.yarnrc.yml'));
      if (berry) return locked ? [['install', '--immutable'], ['install']] : [['install']];
      return locked ? [['install', '--frozen-lockfile', ...offline], ['install', ...offline]] : [['install', ...offline]];
    }
    case 'bun':
      return locked ? [['install', '--frozen-lockfile'], ['install']] : [['install']];
    default:
      // Without a lockfile, none is written into the change.
      return locked ? [['ci', ...offline], ['install', ...offline]] : [['install', ...offline, '--no-package-lock']];
  }
}

function findLockfile(projectDir: string, sandboxRoot: string): { file: string; pm: 'npm' | 'pnpm' | 'yarn' | 'bun' } | undefined {
  for (let dir = projectDir; ; dir = path.dirname(dir)) {
    for (const [name, pm] of LOCKFILES) {
      const file = path.join(dir, name);
      if (existsSync(file)) return { file, pm };
    }
    if (dir === sandboxRoot || path.relative(sandboxRoot, dir).startsWith('..') || path.dirname(dir) === dir) return undefined;
  }
}

function readManifest(file: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** The fields of package.json that decide what is installed. */
function sameManifests(sandboxDir: string, userDir: string): boolean {
  const a = readManifest(path.join(sandboxDir, 'package.json'));
  const b = readManifest(path.join(userDir, 'package.json'));
  if (!a || !b) return !a && !b;
  const pick = (m: Manifest) => JSON.stringify([m.dependencies ?? {}, m.devDependencies ?? {}, m.optionalDependencies ?? {}, m.peerDependencies ?? {}, m.workspaces ?? null]);
  return pick(a) === pick(b);
}

function sameFile(a: string, b: string): boolean {
  try {
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function linksTo(link: string, target: string): boolean {
  try {
    return isLink(link) && path.resolve(path.dirname(link), readlinkSync(link)) === target;
  } catch {
    return false;
  }
}

function lastLine(output: string): string {
  const lines = output.trim().split('\n').filter((l) => /err|error/i.test(l));
  return (lines.at(-1) ?? output.trim().split('\n').at(-1) ?? 'no output').trim().slice(0, 300);
}
