import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import { DeployAgentError } from '../../errors';
import { abortError } from '../../recovery/retry';
import type { ReleaseTarget } from '../types';
import { OutputCollector, type CommandResult, type ExecOptions, type HttpAnswer, type TargetHost } from './host';
import { readKnownHostsFile, verifyHostKey, type HostKeyVerdict } from './known-hosts';

/** The keys tried when the target names none and no SSH agent answers, as `ssh` does. */
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export interface SshConnectOptions {
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

/** `web-2:2222` → host and port (the target's port when the entry has none). */
export function splitHost(entry: string, defaultPort: number): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2]) };
  const colon = entry.lastIndexOf(':');
  if (colon > 0 && entry.indexOf(':') === colon && /^\d+$/.test(entry.slice(colon + 1))) return { host: entry.slice(0, colon), port: Number(entry.slice(colon + 1)) };
  return { host: entry, port: defaultPort };
}

/**
 * Connects to one host of an SSH target with ssh2: the host key verified against known_hosts and
 * the target's own list before anything is sent (an unknown key is refused with its fingerprint
 * and the line that would trust it; a changed one is refused as a possible attack), then a key
 * file or the SSH agent.
 */
export async function connectSsh(target: ReleaseTarget, entry: string, options: SshConnectOptions = {}): Promise<SshHost> {
  const env = options.env ?? process.env;
  const { host, port } = splitHost(entry, target.port);
  const knownHostsFile = target.knownHosts ?? path.join(os.homedir(), '.ssh', 'known_hosts');
  const knownHosts = readKnownHostsFile(knownHostsFile);
  let verdict: HostKeyVerdict | undefined;
  const auth = authFor(target, env);
  const config: ConnectConfig = {
    host,
    port,
    username: target.user ?? os.userInfo().username,
    readyTimeout: options.readyTimeoutMs ?? 20_000,
    keepaliveInterval: 10_000,
    keepaliveCountMax: 3,
    ...auth,
    hostVerifier: (key: Buffer) => {
      verdict = verifyHostKey(key, host, port, { knownHosts, hostKeys: target.hostKeys });
      return verdict.verdict === 'trusted';
    },
  };
  // ssh2 (its crypto and its WebAssembly set up at load) is loaded by the first connection, not with the
  // services. It is CommonJS: its module.exports is the default export in every bundle (the CLI's ESM chunks too).
  const ssh2 = (await import('ssh2')).default;
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      client.end();
      reject(abortError(options.signal!));
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // Small commands and their answers must not wait for Nagle's algorithm (40 ms and more per command).
    client.once('connect', () => client.setNoDelay(true));
    client.once('ready', () => {
      options.signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    client.once('error', (error: Error & { level?: string }) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(connectError(error, { target, entry, host, port, verdict, knownHostsFile, auth: auth.describe }));
    });
    client.connect(config);
  });
  return new SshHost(entry, client, verdict!.fingerprint);
}

function authFor(target: ReleaseTarget, env: NodeJS.ProcessEnv): Pick<ConnectConfig, 'privateKey' | 'agent'> & { describe: string } {
  const agent = env.SSH_AUTH_SOCK && existsSync(env.SSH_AUTH_SOCK) ? env.SSH_AUTH_SOCK : undefined;
  if (target.identityFile) {
    let privateKey: Buffer;
    try {
      privateKey = readFileSync(target.identityFile);
    } catch (error) {
      throw new DeployAgentError('SSH_KEY_UNREADABLE', `The key file ${target.identityFile} of target ${target.name} cannot be read: ${(error as Error).message}.`, 'Fix `identityFile` in .deploy-agent/config.json, or leave it out to use the SSH agent.');
    }
    return { privateKey, ...(agent ? { agent } : {}), describe: `key ${target.identityFile}${agent ? ' and the SSH agent' : ''}` };
  }
  if (agent) return { agent, describe: 'the SSH agent' };
  const found = DEFAULT_KEYS.map((name) => path.join(os.homedir(), '.ssh', name)).find((file) => existsSync(file));
  if (found) return { privateKey: readFileSync(found), describe: `key ${found}` };
  throw new DeployAgentError(
    'SSH_NO_CREDENTIALS',
    `There is no SSH key for target ${target.name}: no identityFile, no SSH agent (SSH_AUTH_SOCK) and none of ~/.ssh/${DEFAULT_KEYS.join(', ')}.`,
    'Set `identityFile` for the target, or start an SSH agent and add your key (ssh-add).',
  );
}

function connectError(
  error: Error & { level?: string; code?: string },
  at: { target: ReleaseTarget; entry: string; host: string; port: number; verdict: HostKeyVerdict | undefined; knownHostsFile: string; auth: string },
): DeployAgentError {
  const where = `${at.host}:${at.port}`;
  const v = at.verdict;
  if (v && v.verdict !== 'trusted') {
    const trust = `echo '${v.line}' >> ${at.knownHostsFile}`;
    if (v.verdict === 'unknown') {
      return new DeployAgentError(
        'HOST_KEY_UNKNOWN',
        `The host key of ${where} (target ${at.target.name}) is not known: ${v.keyType} ${v.fingerprint}. Nothing was run on it.`,
        `Compare the fingerprint with the server's own (ssh-keygen -lf /etc/ssh/ssh_host_${v.keyType.replace(/^ssh-|-sha2-.*$/g, '')}_key.pub on the server); if they match, trust it: ${trust}  (or add "${v.fingerprint}" to the target's hostKeys).`,
        { details: { host: at.host, port: at.port, fingerprint: v.fingerprint, keyType: v.keyType, knownHostsLine: v.line, knownHostsFile: at.knownHostsFile } },
      );
    }
    return new DeployAgentError(
      v.verdict === 'revoked' ? 'HOST_KEY_REVOKED' : 'HOST_KEY_CHANGED',
      `The host key of ${where} (target ${at.target.name}) is ${v.verdict === 'revoked' ? 'marked @revoked in' : 'not the one recorded in'} ${at.knownHostsFile}: it presented ${v.keyType} ${v.fingerprint}. Someone may be between you and the server; nothing was run on it.`,
      `If the server's key was really replaced, remove its old line (ssh-keygen -R '${at.port === 22 ? at.host : `[${at.host}]:${at.port}`}' -f ${at.knownHostsFile}) and trust the new one after checking its fingerprint.`,
      { details: { host: at.host, port: at.port, fingerprint: v.fingerprint } },
    );
  }
  if (error.level === 'client-authentication') {
    return new DeployAgentError('SSH_AUTH_FAILED', `${where} refused the login as ${at.target.user ?? os.userInfo().username} with ${at.auth}.`, 'Add your public key to ~/.ssh/authorized_keys of that user on the server, or set `user` / `identityFile` for the target.');
  }
  const transient = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(error.code ?? '') || /timed out/i.test(error.message);
  return new DeployAgentError(
    'SSH_CONNECT_FAILED',
    `Could not connect to ${where} (target ${at.target.name}): ${error.message}.`,
    'Check that the server is up, sshd listens on that port and the network lets you through (ssh -p PORT USER@HOST).',
    { cause: error, details: { host: at.host, port: at.port, transient } },
  );
}

/** One SSH connection to one host of a target. */
export class SshHost implements TargetHost {
  readonly kind = 'ssh' as const;
  private closed = false;
  private lost: Error | undefined;

  constructor(
    readonly name: string,
    private readonly client: Client,
    /** The verified host key's fingerprint (recorded with the release). */
    readonly fingerprint: string,
  ) {
    client.on('error', (error) => (this.lost = error));
    client.on('close', () => (this.closed = true));
  }

  get connected(): boolean {
    return !this.closed && !this.lost;
  }

  exec(command: string, options: ExecOptions = {}): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(abortError(options.signal));
      if (!this.connected) return reject(connectionLost(this.name, this.lost));
      const collector = new OutputCollector(options);
      this.client.exec(command, (error, channel) => {
        if (error) return reject(connectionLost(this.name, error));
        let exit: { code: number | null; signal: string | null } | undefined;
        let timer: NodeJS.Timeout | undefined;
        const onAbort = () => {
          channel.close();
          reject(abortError(options.signal!));
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        if (options.timeoutMs) {
          timer = setTimeout(() => {
            channel.close();
            reject(new DeployAgentError('COMMAND_TIMEOUT', `A command on ${this.name} ran longer than ${Math.round(options.timeoutMs! / 1000)} s and was stopped.`, 'Raise `commandTimeoutMs` for the target, or make the command faster.'));
          }, options.timeoutMs);
        }
        channel.on('data', (d: Buffer) => collector.push(d));
        channel.stderr.on('data', (d: Buffer) => collector.push(d));
        channel.on('exit', (code: number | null, signal?: string) => (exit = { code: code ?? null, signal: signal ?? null }));
        channel.on('close', () => {
          options.signal?.removeEventListener('abort', onAbort);
          if (timer) clearTimeout(timer);
          const output = collector.finish();
          // No exit status: the connection (or the server's session process) went away mid-command.
          if (!exit) return reject(connectionLost(this.name, this.lost, output));
          resolve({ code: exit.code, signal: exit.signal, output });
        });
        if (options.stdin) pipeStdin(options.stdin, channel, options.onStdinBytes);
        else channel.end();
      });
    });
  }

  httpGet(url: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<HttpAnswer> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:') return Promise.reject(new DeployAgentError('HEALTH_URL_UNSUPPORTED', `The health check ${url} is asked through the SSH connection, which carries plain http only.`, 'Point it at the application on the server itself (http://127.0.0.1:PORT/…), behind any TLS proxy.'));
    const port = Number(parsed.port || 80);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      if (!this.connected) return reject(connectionLost(this.name, this.lost));
      // A direct-tcpip channel to the server's own host:port: the request is made from the server.
      this.client.forwardOut('127.0.0.1', 0, parsed.hostname, port, (error, channel) => {
        if (error) {
          return reject(Object.assign(new Error(`connect ECONNREFUSED ${parsed.hostname}:${port} (on ${this.name}): ${error.message}`), { code: 'ECONNREFUSED' }));
        }
        const request = http.request(
          { host: parsed.hostname, port, path: `${parsed.pathname}${parsed.search}`, method: 'GET', createConnection: () => channel as unknown as import('node:net').Socket, signal: options.signal, headers: { connection: 'close' } },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (d: string) => (body = (body + d).slice(0, 64 * 1024)));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body, ms: Math.round(performance.now() - started) }));
            response.on('error', reject);
          },
        );
        // The channel is no socket: http's own `timeout` never fires on it, so the time limit is kept here.
        const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no answer from ${url} within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })), options.timeoutMs);
        request.on('close', () => clearTimeout(timer));
        request.on('error', (e) => {
          clearTimeout(timer);
          channel.close();
          reject(e);
        });
        request.end();
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }
}

function pipeStdin(stdin: NodeJS.ReadableStream, channel: ClientChannel, onBytes?: (n: number) => void): void {
  stdin.on('data', (d: Buffer) => onBytes?.(d.length));
  stdin.on('error', () => channel.close());
  stdin.pipe(channel);
}

function connectionLost(host: string, cause: Error | undefined, output?: string): DeployAgentError {
  return new DeployAgentError(
    'SSH_CONNECTION_LOST',
    `The SSH connection to ${host} was lost${cause ? ` (${cause.message})` : ''} before the command ended.`,
    'Check the network and the server; the release retries the step on a new connection, and `deploy-agent release resume ID` continues it later.',
    { cause, details: { host, transient: true, ...(output ? { output: output.slice(-2000) } : {}) } },
  );
}
