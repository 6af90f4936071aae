import { connect } from 'node:net';

/**
 * TCP connect time to the services a deployment depends on (the model endpoint, the git
 * remote): a cheap signal of "the network is slow or the service is down" that needs no
 * credentials and sends no data.
 */
export interface Endpoint {
  host: string;
  port: number;
}

/** ms from `connect()` to the connection being open; null when refused, unresolvable or slower than `timeoutMs`. */
export function tcpConnectLatency(endpoint: Endpoint, timeoutMs = 2000): Promise<number | null> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    let settled = false;
    const done = (value: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    timer.unref();
    socket.unref();
    socket.once('connect', () => done(Math.round((performance.now() - started) * 10) / 10));
    socket.once('error', () => done(null));
  });
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ssh:': 22, 'git:': 9418, 'git+ssh:': 22, 'ssh+git:': 22 };

/** host and port of a URL (http(s), ssh, git); undefined for anything else (files, paths, garbage). */
export function endpointOfUrl(url: string | undefined | null): Endpoint | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return host && port ? { host, port } : undefined;
}

/**
 * The host of a git remote URL: `https://host/o/r.git`, `ssh://git@host:2222/o/r.git`,
 * `git://host/o/r`, or scp-like `git@host:o/r.git` (port 22). Local paths and file:// remotes
 * have no network host: undefined.
 */
export function endpointOfGitRemote(remote: string | undefined | null): Endpoint | undefined {
  if (!remote) return undefined;
  const text = remote.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return endpointOfUrl(text);
  // scp-like: [user@]host:path — but not a Windows drive letter (C:\repo) or a relative path.
  const scp = /^(?:[^@/\s]+@)?(\[[^\]]+\]|[^:/\s]+):(?!\/\/)(.+)$/.exec(text);
  if (scp && scp[1]!.length > 1) return { host: scp[1]!.replace(/^\[|\]$/g, ''), port: 22 };
  return undefined;
}
