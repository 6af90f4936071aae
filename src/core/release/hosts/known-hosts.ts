import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Host key verification for SSH targets. ssh2 leaves it to the caller (its `hostVerifier` gets the
 * server's key blob); this reads OpenSSH's known_hosts format — plain and hashed (`|1|salt|hash`)
 * host names, `[host]:port` for other ports, `*`/`?` patterns and `!` negation, `@revoked` —
 * so a target trusts exactly what `ssh` on the same machine would, plus the keys listed for the
 * target itself (`hostKeys`: a public key line or a `SHA256:` fingerprint).
 */
export interface HostKeyVerdict {
  verdict: 'trusted' | 'unknown' | 'mismatch' | 'revoked';
  /** `SHA256:…` of the key the server presented. */
  fingerprint: string;
  keyType: string;
  /** The known_hosts line to add to trust it (`[host]:port type base64`). */
  line: string;
}

export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written at the start of an SSH key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

interface Entry {
  marker: '@revoked' | '@cert-authority' | null;
  patterns: string;
  keyType: string;
  key: string;
}

export function parseKnownHosts(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: Entry['marker'] = null;
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as Entry['marker'];
    if (fields.length < 3) continue;
    entries.push({ marker, patterns: fields[0]!, keyType: fields[1]!, key: fields[2]! });
  }
  return entries;
}

function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    const regex = new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\[/g, '\\[').replace(/\]/g, '\\]').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    if (regex.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Judges the key `blob` that `host:port` presented against known_hosts text and the target's own list. */
export function verifyHostKey(blob: Buffer, host: string, port: number, sources: { knownHosts: string; hostKeys: readonly string[] }): HostKeyVerdict {
  const fingerprint = fingerprintOf(blob);
  const keyType = keyTypeOf(blob);
  const key = blob.toString('base64');
  const name = knownHostsName(host, port);
  const result = (verdict: HostKeyVerdict['verdict']): HostKeyVerdict => ({ verdict, fingerprint, keyType, line: `${name} ${keyType} ${key}` });

  const entries = parseKnownHosts(sources.knownHosts);
  if (entries.some((e) => e.marker === '@revoked' && e.key === key)) return result('revoked');
  for (const listed of sources.hostKeys) {
    const text = listed.trim();
    if (text === fingerprint || text.split(/\s+/)[1] === key || text === key) return result('trusted');
  }
  const forHost = entries.filter((e) => e.marker === null && hostMatches(e.patterns, name));
  if (forHost.some((e) => e.key === key)) return result('trusted');
  // Another key of the same type for this host: the server changed its key, or someone is in between.
  if (forHost.some((e) => e.keyType === keyType)) return result('mismatch');
  return result('unknown');
}

export function readKnownHostsFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
