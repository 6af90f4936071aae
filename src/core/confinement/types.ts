/**
 * Confinement of the code a model wrote (its tests, the quality gates on its change, the hooks
 * run in its sandbox, the dependency installs its manifests ask for): what may be written,
 * whether the network is there, what stays hidden.
 */

/** What confines a run: bubblewrap (Linux), sandbox-exec (macOS), or nothing (allowed by `pipeline.allowUnconfinedTests`). */
export type ConfinementKind = 'bubblewrap' | 'sandbox-exec' | 'unconfined';

/** A confinement tool found on this machine, or why none works. */
export interface ConfinementTool {
  kind: 'bubblewrap' | 'sandbox-exec' | 'none';
  /** The program (absolute path). */
  command?: string;
  version?: string;
  /** Why no tool can be used here (missing, or present but unable to create a namespace). */
  problem?: string;
  /** What would make one work. */
  hint?: string;
}

/** The rules of one confined run. Paths are absolute. */
export interface Confinement {
  kind: ConfinementKind;
  /** The tool's program (bwrap, sandbox-exec); absent when unconfined. */
  tool?: string;
  /** Folders the run may write (the sandbox worktree, the run's scratch, package-manager caches that exist). */
  writable: string[];
  /** Folders that stay read-only even where they lie inside a writable one (the user's repository and its git folder). */
  readOnly: string[];
  /** Credential stores the run must not read (replaced by an empty folder or file). */
  hidden: string[];
  /** Whether the run reaches the network (off: only its own loopback). */
  network: boolean;
  /** Variables the run gets (tools pointed at Deploy Agent's cache where theirs did not exist). */
  env: Record<string, string>;
}

/** One line for logs, the report and `diagnostics`. */
export function describeConfinement(c: Pick<Confinement, 'kind' | 'network'>, version?: string): string {
  const net = c.network ? 'network on' : 'network off';
  switch (c.kind) {
    case 'bubblewrap':
      return `bubblewrap${version ? ` ${version}` : ''}: only the sandbox, a private /tmp and ${caches(c.network)} are writable, your repository is read-only, credential stores are hidden, ${net}`;
    case 'sandbox-exec':
      return `macOS sandbox-exec: only the sandbox, a private temporary folder and ${caches(c.network)} are writable, your repository is read-only, credential stores are hidden, ${net}`;
    case 'unconfined':
      return 'UNCONFINED (pipeline.allowUnconfinedTests is set and no confinement tool works here): model-written code can write anywhere you can and reach the network';
  }
}

function caches(network: boolean): string {
  return network ? "the package caches and Deploy Agent's build caches" : "Deploy Agent's build caches";
}
