import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';

/** The unprivileged user the tests log in as (created by scripts/test-toolchains.mjs, login shell /bin/sh). */
export const TEST_SSH_USER = 'deploy-agent-test';

/**
 * A real OpenSSH server (Debian's openssh-server, installed by scripts/test-toolchains.mjs) for
 * the release tests: started as a non-daemon child (`sshd -D -e`) on a free loopback port, with a
 * host key, an sshd_config and an authorized client key generated for this run in `dir`. Clients
 * log in as TEST_SSH_USER, as a release logs in as its `deploy` user.
 */
export interface TestSshd {
  host: string;
  port: number;
  user: string;
  /** The client's private key file (authorized on this server). */
  clientKey: string;
  /** A known_hosts file that trusts this server's host key (`[127.0.0.1]:PORT ssh-ed25519 …`). */
  knownHosts: string;
  /** The host key's public line (`ssh-ed25519 AAAA…`). */
  hostKeyPublic: string;
  /** The sshd process (its children are the sessions). */
  pid: number;
  uid: number;
  gid: number;
  /** Creates `dir` (and its parents) so that the login user owns it and can reach it. */
  ownedDir(dir: string): string;
  /** The pids of the server's per-connection session processes (children of the listener). */
  sessionPids(): number[];
  stop(): Promise<void>;
}

export const SSHD_PATH = '/usr/sbin/sshd';

/** Why the release's SSH tests cannot run here (a skip reason), or undefined when they can. */
export function sshdUnavailable(): string | undefined {
  if (!existsSync(SSHD_PATH)) return `${SSHD_PATH} is missing (Debian package openssh-server; scripts/test-toolchains.mjs installs it)`;
  if (process.getuid?.() !== 0) return 'sshd needs root here (the privilege-separation directory and logging in as another user)';
  if (userIds() === undefined) return `the user ${TEST_SSH_USER} is missing (npm test's first step, scripts/test-toolchains.mjs, creates it)`;
  return undefined;
}

function userIds(): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${TEST_SSH_USER}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Generates an ed25519 key pair at `file` (+ `.pub`) with ssh-keygen. */
export function generateKey(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy-agent-test', '-f', file], { stdio: 'ignore' });
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

/**
 * `machine`: the server runs as a machine of its own — its own network (a network namespace: its
 * own loopback, so two servers' applications can use the same port, and a health check asked
 * through SSH reaches that machine's application) and its own folder at `mountAt` (a mount
 * namespace binds `root` there). The test reaches its sshd through a Unix socket bridged to a
 * loopback port here. Needs `unshare` and `ip` (util-linux, iproute2) and root.
 */
export interface MachineOptions {
  root: string;
  mountAt: string;
}

/** Why servers cannot run as machines of their own here (a skip reason), or undefined. */
export function machinesUnavailable(): string | undefined {
  try {
    execFileSync('unshare', ['--net', '--mount', '--propagation', 'private', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
    return undefined;
  } catch (error) {
    return `network and mount namespaces are not available (unshare --net --mount: ${(error as Error).message.split('\n')[0]})`;
  }
}

export async function startSshd(dir: string, options: { clientKey?: string; machine?: MachineOptions } = {}): Promise<TestSshd> {
  mkdirSync(dir, { recursive: true });
  // sshd reads the authorized keys as the user: the folder must be reachable and the file readable.
  chmodSync(dir, 0o755);
  const ids = userIds()!;
  // sshd running as root refuses to start without its privilege-separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = path.join(dir, 'host_ed25519');
  const hostKeyPublic = generateKey(hostKey).split(' ').slice(0, 2).join(' ');
  const clientKey = options.clientKey ?? path.join(dir, 'client_ed25519');
  const clientPublic = existsSync(`${clientKey}.pub`) ? readFileSync(`${clientKey}.pub`, 'utf8').trim() : generateKey(clientKey);
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(authorized, `${clientPublic}\n`, { mode: 0o644 });
  const user = TEST_SSH_USER;

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    // Inside a machine of its own sshd listens on its own loopback; `port` is the bridge's here.
    const listen = options.machine ? 2222 : port;
    const config = path.join(dir, `sshd_config_${port}`);
    writeFileSync(
      config,
      [
        `Port ${listen}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `AuthorizedKeysFile ${authorized}`,
        `PidFile ${path.join(dir, `sshd_${port}.pid`)}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        // The temp dir's permissions are not what StrictModes wants; the keys are per run anyway.
        'StrictModes no',
        'AllowTcpForwarding yes',
        'MaxSessions 50',
        'MaxStartups 50',
        'LogLevel ERROR',
        'Subsystem sftp internal-sftp',
        '',
      ].join('\n'),
    );
    const machine = options.machine ? startMachine(dir, port, config, options.machine) : undefined;
    const child = machine?.child ?? spawn(SSHD_PATH, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await waitForListener(listen, child, () => stderr, machine ? `/proc/${child.pid}/net/tcp` : '/proc/net/tcp');
      await machine?.bridged();
    } catch (error) {
      lastError = error as Error;
      child.kill('SIGKILL');
      await machine?.stop();
      continue;
    }
    const knownHosts = path.join(dir, `known_hosts_${port}`);
    writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKeyPublic}\n`);
    return {
      host: '127.0.0.1',
      port,
      user,
      clientKey,
      knownHosts,
      hostKeyPublic,
      pid: child.pid!,
      ...ids,
      ownedDir: (target: string) => ownedDir(target, ids),
      sessionPids: () => childrenOf(child.pid!),
      stop: async () => {
        await stopChild(child);
        await machine?.stop();
      },
    };
  }
  throw lastError ?? new Error('sshd did not start');
}

function startMachine(dir: string, port: number, config: string, machine: MachineOptions) {
  const socket = path.join(dir, `bridge_${port}.sock`);
  const bridgePid = path.join(dir, `bridge_${port}.pid`);
  const bridge = `const net = require('net'); require('fs').rmSync(${JSON.stringify(socket)}, { force: true }); net.createServer((c) => { const s = net.connect(2222, '127.0.0.1'); c.pipe(s).pipe(c); c.on('error', () => s.destroy()); s.on('error', () => c.destroy()); }).listen(${JSON.stringify(socket)});`;
  const script = [
    'set -e',
    'ip link set lo up',
    `mount --bind ${JSON.stringify(machine.root)} ${JSON.stringify(machine.mountAt)}`,
    `${JSON.stringify(process.execPath)} -e ${shellQuote(bridge)} & echo $! > ${JSON.stringify(bridgePid)}`,
    `exec ${SSHD_PATH} -D -e -f ${JSON.stringify(config)}`,
  ].join('\n');
  const child = spawn('unshare', ['--net', '--mount', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Here: a loopback port whose connections go through the socket into the machine's network.
  const proxy = createServer((c) => {
    const s = connect(socket);
    c.pipe(s).pipe(c);
    c.on('error', () => s.destroy());
    s.on('error', () => c.destroy());
  });
  return {
    child,
    bridged: async () => {
      const deadline = Date.now() + 10_000;
      while (!existsSync(socket)) {
        if (Date.now() > deadline) throw new Error('the machine’s bridge did not start');
        await new Promise((r) => setTimeout(r, 25));
      }
      await new Promise<void>((resolve, reject) => proxy.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    },
    stop: async () => {
      await new Promise((r) => proxy.close(() => r(undefined)));
      try {
        process.kill(Number(readFileSync(bridgePid, 'utf8')), 'SIGKILL');
      } catch {
        // not started, or gone
      }
    },
  };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

async function waitForListener(port: number, child: ChildProcess, stderr: () => string, table = '/proc/net/tcp'): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${stderr()}`);
    if (listening(port, table)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`sshd did not listen on ${port}: ${stderr()}`);
}

/** Is something listening on 127.0.0.1:port (read from /proc/net/tcp, so no connection is made that sshd would log)? */
function listening(port: number, table: string): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let text: string;
  try {
    text = readFileSync(table, 'utf8');
  } catch {
    return false;
  }
  return text.split('\n').some((line) => {
    const cols = line.trim().split(/\s+/);
    return cols[1] === `0100007F:${hex}` && cols[3] === '0A';
  });
}

function ownedDir(target: string, ids: { uid: number; gid: number }): string {
  mkdirSync(target, { recursive: true });
  // Every folder above it must let the user through (mkdtemp makes them 0700).
  for (let up = path.dirname(target); up !== path.dirname(up) && up.startsWith('/tmp/'); up = path.dirname(up)) chmodSync(up, 0o755);
  chownSync(target, ids.uid, ids.gid);
  return target;
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // The sessions first: sshd's listener does not take its children with it.
    for (const pid of childrenOf(child.pid!)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    child.kill('SIGTERM');
  });
}
