// Small process helpers shared by the code-server scripts, the e2e harness and `npm start`.
// Everything logs to stderr; stdout stays free for results.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @param {string} prefix */
export function logger(prefix) {
  return (/** @type {string} */ message) => process.stderr.write(`[${prefix}] ${message}\n`);
}

/**
 * The Node 22 binary from the `node@22` dev dependency (or this process, if it is Node 22).
 * code-server's extension host runs on the Node that starts code-server, and VS Code 1.103's
 * extension host is Node 22, so that is the one to use.
 */
export function node22() {
  const local = path.join(repoRoot, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(local)) return local;
  if (process.versions.node.startsWith('22.')) return process.execPath;
  throw new Error(`Node 22 not found: ${local} is missing and this process runs Node ${process.version}. Run \`npm install\` in ${repoRoot} first.`);
}

/**
 * Runs a command to completion, its output going to stderr. Rejects with the exit code.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, log?: (m: string) => void }} [options]
 */
export function run(command, args, options = {}) {
  const where = options.cwd ? ` (in ${options.cwd})` : '';
  options.log?.(`$ ${command} ${args.join(' ')}${where}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', process.stderr, process.stderr] });
    child.on('error', (error) => reject(new Error(`could not start ${command}: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(undefined);
      else reject(new Error(`${command} ${args.join(' ')} failed${where}: ${signal ? `killed by ${signal}` : `exit code ${code}`}`));
    });
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Pids of every live descendant of `pid` (from /proc), deepest last. */
export function descendants(pid) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  /** @type {string[]} */
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name in parentheses, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const result = [];
  const queue = [pid];
  while (queue.length) {
    const next = /** @type {number} */ (queue.shift());
    for (const child of children.get(next) ?? []) {
      result.push(child);
      queue.push(child);
    }
  }
  return result;
}

/** @param {number} pid */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie has ended; it only waits for its parent to collect it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops a process and everything it started: SIGTERM to its process group and every
 * descendant, then SIGKILL to whatever is still alive after `graceMs`.
 * @param {number} pid
 * @param {{ graceMs?: number, group?: boolean }} [options]
 */
export async function killTree(pid, options = {}) {
  const graceMs = options.graceMs ?? 5000;
  const tree = [pid, ...descendants(pid)];
  const signal = (/** @type {NodeJS.Signals} */ sig) => {
    if (options.group) {
      try {
        process.kill(-pid, sig);
      } catch {
        // group already gone
      }
    }
    for (const p of tree) {
      try {
        process.kill(p, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && tree.some(isAlive)) await sleep(100);
  // Pick up anything started in the meantime before the hard stop.
  for (const p of descendants(pid)) if (!tree.includes(p)) tree.push(p);
  if (tree.some(isAlive)) signal('SIGKILL');
  const hardDeadline = Date.now() + 3000;
  while (Date.now() < hardDeadline && tree.some(isAlive)) await sleep(50);
  return tree.filter(isAlive);
}
