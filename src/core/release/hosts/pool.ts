import { secretRegistry } from '../../security/registry';
import type { ReleaseTarget } from '../types';
import { sharedEnvValues } from '../scripts';
import type { SecretMask } from '../secret-mask';
import type { TargetHost } from './host';
import { LocalHost } from './local-host';
import { connectSsh, type SshHost } from './ssh-host';

export interface HostPoolOptions {
  env?: NodeJS.ProcessEnv;
  mask: SecretMask;
  /** Told of each new connection (the host key's fingerprint is recorded with the release). */
  onConnect?(host: string, fingerprint: string | null): void;
}

/**
 * The open connections of one release, one per host, made on first use and made again when one
 * was lost (a retried step gets a fresh connection). Each new connection first reads the host's
 * shared env files into the secret mask, so that no command output can carry their values out.
 */
export class HostPool {
  private readonly open = new Map<string, TargetHost>();

  constructor(
    readonly target: ReleaseTarget,
    private readonly options: HostPoolOptions,
  ) {}

  async get(name: string, signal?: AbortSignal): Promise<TargetHost> {
    const existing = this.open.get(name);
    if (existing && (existing.kind === 'local' || (existing as SshHost).connected)) return existing;
    if (existing) await existing.close().catch(() => undefined);
    const host = this.target.type === 'local' ? new LocalHost(this.options.env) : await connectSsh(this.target, name, { signal, env: this.options.env });
    this.open.set(name, host);
    const values = await host.exec(sharedEnvValues(this.target.path, this.target.shared), { signal });
    // Also into this process's secret registry (src/core/security), which every database write and report redacts with.
    const added = this.options.mask.addEnvFile(values.output);
    secretRegistry.add(added.map(({ key, value }) => ({ name: key, value })));
    this.options.onConnect?.(name, host.kind === 'ssh' ? (host as SshHost).fingerprint : null);
    return host;
  }

  /** Drops a connection so that the next `get` connects again. */
  async drop(name: string): Promise<void> {
    const host = this.open.get(name);
    this.open.delete(name);
    await host?.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const hosts = [...this.open.values()];
    this.open.clear();
    await Promise.all(hosts.map((h) => h.close().catch(() => undefined)));
  }
}
