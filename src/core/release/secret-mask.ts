/**
 * Secrets of a release live on the target (shared/.env) and are never sent from this machine.
 * Commands run there can still print them (a build that echoes its environment, a stack trace
 * with a connection string), so the values of the shared env files are read into memory when a
 * host is connected and every line of output, every error and every health answer is masked
 * before it reaches an event, the log, the database or the report. The values are never stored.
 * They also join the process's secret registry (src/core/security), so every database write and
 * report redacts them as `[redacted:KEY]` even where a path escaped this mask; this mask adds the
 * short values of secret-named keys that the registry leaves alone (fewer than 8 characters).
 */
export const MASK = '***';

/** Keys whose value is masked whatever it looks like. */
const SECRET_KEY = /(SECRET|TOKEN|PASSWORD|PASSWD|PASS|PWD|KEY|CREDENTIAL|PRIVATE|AUTH|DSN|DATABASE_URL|COOKIE|SESSION|SALT|SIGNATURE|CERT)/i;
/** Values that are no secret and would garble every log line if masked. */
const PLAIN_VALUES = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'production', 'staging', 'development', 'test', 'localhost', '127.0.0.1', '0.0.0.0', 'info', 'debug', 'warn', 'error']);

/** `KEY=value` pairs of a dotenv file (`export`, quotes and comments as dotenv and sh read them). */
export function parseEnvFile(text: string): { key: string; value: string }[] {
  const pairs: { key: string; value: string }[] = [];
  for (const raw of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(raw);
    if (!match) continue;
    let value = match[2]!.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length > 1 && value.endsWith(quote)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    pairs.push({ key: match[1]!, value });
  }
  return pairs;
}

export class SecretMask {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** Adds the values of an env file; returns the ones masked from now on (with their keys). */
  addEnvFile(text: string): { key: string; value: string }[] {
    const added: { key: string; value: string }[] = [];
    for (const { key, value } of parseEnvFile(text)) {
      if (!value) continue;
      const secretKey = SECRET_KEY.test(key);
      if (!secretKey && (value.length < 4 || /^\d+(\.\d+)?$/.test(value) || PLAIN_VALUES.has(value.toLowerCase()))) continue;
      if (secretKey && value.length < 3) continue;
      if (!this.values.has(value)) {
        this.values.add(value);
        added.push({ key, value });
      }
    }
    if (added.length) this.pattern = undefined;
    return added;
  }

  get size(): number {
    return this.values.size;
  }

  apply = (text: string): string => {
    if (!this.values.size || !text) return text;
    // Longest first, so that a value containing another is masked whole.
    this.pattern ??= new RegExp([...this.values].sort((a, b) => b.length - a.length).map(escape).join('|'), 'g');
    return text.replace(this.pattern, MASK);
  };

  /** Masks every string inside a JSON-able value (step artifacts, event payloads). */
  deep<T>(value: T): T {
    if (!this.values.size) return value;
    return JSON.parse(this.apply(JSON.stringify(value))) as T;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
