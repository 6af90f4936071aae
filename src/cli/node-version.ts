/**
 * The Node.js the CLI needs, checked by the entry (main.ts) before anything native loads.
 *
 * better-sqlite3 13 ships Node-API 10 prebuilds; Node-API 10 arrived in Node 22.14 (and 23.6).
 * On an older Node the binding does not fail with an error: the process dies with a segfault
 * (exit 139) and prints nothing. So the entry asks first and says what to install instead.
 * This file imports nothing, so it runs on any Node that can parse the bundle.
 */
export const MINIMUM_NODE = '22.14';
export const REQUIRED_NODE_API = 10;

export interface NodeVersions {
  node: string;
  napi?: string;
}

/** Why this Node cannot run the CLI, with what to do; undefined when it can. */
export function nodeVersionProblem(versions: NodeVersions): string | undefined {
  const napi = Number(versions.napi ?? 0);
  const [major = 0, minor = 0] = versions.node.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const oldNode = major < 22 || (major === 22 && minor < 14);
  if (!oldNode && napi >= REQUIRED_NODE_API) return undefined;
  return (
    `deploy-agent needs Node >= ${MINIMUM_NODE} (Node-API ${REQUIRED_NODE_API}, for its SQLite binding); this is Node ${versions.node}` +
    `${versions.napi ? ` (Node-API ${versions.napi})` : ''}.\n` +
    `Install Node 22 LTS or newer (https://nodejs.org, or \`nvm install 22\`) and run deploy-agent with it.\n`
  );
}
