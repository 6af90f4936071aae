import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DeployAgentError } from '../errors';
import { credentialStores, packageCaches } from './locations';
import { describeConfinement, type Confinement, type ConfinementKind, type ConfinementTool } from './types';

/** The settings that decide a confinement (`pipeline.allowUnconfinedTests`, `pipeline.testNetwork`, `hooks.network`). */
export interface ConfinementSettings {
  allowUnconfined: boolean;
  /** Whether tests and gates reach the network (only said in the description). */
  network: boolean;
}

export interface ChosenConfinement {
  kind: ConfinementKind;
  /** One line for the step log, the report and `diagnostics`. */
  description: string;
  tool?: string;
  version?: string;
  /** Why no tool works (when unconfined). */
  problem?: string;
}

/** What runs model-written code here, or a refusal that says what to do. */
export function chooseConfinement(tool: ConfinementTool, settings: ConfinementSettings): ChosenConfinement {
  if (tool.kind !== 'none') return { kind: tool.kind, tool: tool.command!, ...(tool.version ? { version: tool.version } : {}), description: describeConfinement({ kind: tool.kind, network: settings.network }, tool.version) };
  if (settings.allowUnconfined) return { kind: 'unconfined', ...(tool.problem ? { problem: tool.problem } : {}), description: `${describeConfinement({ kind: 'unconfined', network: true })}; ${tool.problem ?? ''}`.replace(/; $/, '') };
  throw new DeployAgentError(
    'CONFINEMENT_UNAVAILABLE',
    `Model-written tests, quality gates and hooks would run unconfined: ${tool.problem ?? 'no confinement tool works here'}. Nothing was run and no model was called.`,
    `${tool.hint ?? ''} Or, knowing that such code can then write anywhere you can and reach the network, set deployAgent.pipeline.allowUnconfinedTests to true (user settings, --config FILE or DEPLOY_AGENT_ALLOW_UNCONFINED_TESTS=1).`.trim(),
    { details: { tool } },
  );
}

export interface ConfinementInput {
  kind: ConfinementKind;
  tool?: string;
  /** The sandbox worktree (writable). */
  sandboxDir: string;
  /** The user's repository (read-only); its git folders are found from it. */
  repoRoot?: string;
  network: boolean;
  /** More writable folders (a run's scratch folder). */
  writable?: string[];
  env: NodeJS.ProcessEnv;
}

/** The rules of one run in a sandbox: the sandbox and the package caches writable, the user's repository and its git folders read-only, credential stores hidden. */
export function sandboxConfinement(input: ConfinementInput): Confinement {
  // Without the network nothing can be downloaded, so the caches need not be writable: then a run can only read them (see packageCaches).
  const caches = packageCaches(input.env, { writable: input.network });
  const writable = [path.resolve(input.sandboxDir), ...(input.writable ?? []).map((p) => path.resolve(p)), ...caches.writable];
  const readOnly = input.repoRoot ? [path.resolve(input.repoRoot), ...gitFolders(input.repoRoot)] : [];
  // A credential store that holds (or is) a folder the run needs is left alone: the run would not work without it.
  const needed = [...writable, ...readOnly];
  const hidden = credentialStores(input.env).filter((h) => !needed.some((n) => n === h || n.startsWith(h + path.sep)));
  return { kind: input.kind, ...(input.tool ? { tool: input.tool } : {}), writable: [...new Set(writable)], readOnly: [...new Set(readOnly)], hidden, network: input.network, env: caches.env };
}

/** The same rules with more writable folders (a run's scratch folder) or another network setting (a dependency install needs the registry). */
export function widen(c: Confinement, more: { writable?: string[]; network?: boolean }, env: NodeJS.ProcessEnv = process.env): Confinement {
  const network = more.network ?? c.network;
  // With the network comes writing to the package caches (a download lands there).
  const caches = network && !c.network ? packageCaches(env, { writable: true }) : undefined;
  return {
    ...c,
    writable: [...new Set([...c.writable, ...(caches?.writable ?? []), ...(more.writable ?? []).map((p) => path.resolve(p))])],
    network,
    env: caches ? { ...c.env, ...caches.env } : c.env,
  };
}

/** The repository's git folders (the common one, where worktrees and hooks live, and its own), which stay read-only. */
function gitFolders(repoRoot: string): string[] {
  try {
    const out = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir', '--git-dir'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').map((l) => l.trim()).filter(Boolean);
  } catch {
    return [];
  }
}
