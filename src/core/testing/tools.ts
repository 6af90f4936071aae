import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Confinement } from '../confinement';
import { runProcess } from './run-process';

/** Finding the programs a test run needs: on PATH, in node_modules, in a virtualenv. */
const execFileAsync = promisify(execFile);

export function findExecutable(name: string, env: NodeJS.ProcessEnv, extraDirs: string[] = []): string | undefined {
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The `node` a test run uses: the one on PATH (the user's), else the one running Deploy Agent;
 * inside VS Code that is Electron, which acts as node with ELECTRON_RUN_AS_NODE.
 */
export function nodeCommand(env: NodeJS.ProcessEnv): { command: string; env: Record<string, string> } {
  const onPath = findExecutable('node', env);
  if (onPath) return { command: onPath, env: {} };
  return { command: process.execPath, env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {} };
}

const versions = new Map<string, number[]>();

/** `node --version` as numbers, e.g. [22, 23, 3] (cached per binary). */
export async function nodeVersion(command: string, env: NodeJS.ProcessEnv): Promise<number[]> {
  const known = versions.get(command);
  if (known) return known;
  let version = process.versions.node.split('.').map(Number);
  if (command !== process.execPath) {
    try {
      const { stdout } = await execFileAsync(command, ['--version'], { env, timeout: 10_000 });
      version = stdout.trim().replace(/^v/, '').split('.').map(Number);
    } catch {
      // keep our own version as the best guess
    }
  }
  versions.set(command, version);
  return version;
}

export function atLeast(version: number[], wanted: number[]): boolean {
  for (let i = 0; i < wanted.length; i++) {
    const have = version[i] ?? 0;
    if (have !== wanted[i]) return have > wanted[i]!;
  }
  return true;
}

/** The folder of package `name` as Node would find it from `fromDir` (walking up the node_modules folders). */
export function findPackageDir(fromDir: string, name: string): string | undefined {
  let dir = path.resolve(fromDir);
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The script behind a package's bin (`mocha` → …/mocha/bin/mocha.js), run with `node` rather than through a shell shim. */
export function resolvePackageBin(fromDir: string, pkgName: string, binName = pkgName): string | undefined {
  const dir = findPackageDir(fromDir, pkgName);
  if (!dir) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[binName];
    return bin ? path.join(dir, bin) : undefined;
  } catch {
    return undefined;
  }
}

export function packageVersion(fromDir: string, name: string): string | undefined {
  const dir = findPackageDir(fromDir, name);
  if (!dir) return undefined;
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Where the Go and Rust toolchains usually live when PATH does not have them (a GUI-started editor). */
export function toolchainDirs(): string[] {
  return [path.join(os.homedir(), '.cargo', 'bin'), '/usr/local/go/bin', '/usr/lib/go/bin', path.join(os.homedir(), 'go', 'bin'), '/opt/homebrew/bin', '/usr/local/bin'];
}

/**
 * Runs a short probe (`python -c "import pytest"`), true when it exits 0. With a confinement it
 * runs confined: the program may be one a test run put into the sandbox (a virtualenv's python).
 */
export async function probe(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string, confinement?: Confinement): Promise<boolean> {
  if (confinement) {
    const result = await runProcess({ command, args, cwd: cwd ?? process.cwd(), env, timeLimitMs: 20_000, confinement }).catch(() => undefined);
    return result?.code === 0;
  }
  try {
    await execFileAsync(command, args, { env, cwd, timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}
