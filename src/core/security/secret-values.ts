import { existsSync } from 'node:fs';
import path from 'node:path';
import { isSecretVariable } from '../testing/env';
import { shapesIn } from './token-shapes';

/** A value to redact wherever it appears, and the name its placeholder shows: `[redacted:NAME]`. */
export interface SecretValue {
  name: string;
  value: string;
}

/**
 * Shorter values are never redacted as literals: a six-character password would be found inside
 * ordinary words, numbers and hashes all over the output. Token shapes are longer anyway.
 */
export const MIN_SECRET_LENGTH = 8;

/** Values that configure rather than authenticate, and template placeholders. */
const PLACEHOLDER = /^(?:\$\{?|<|\{\{|%|process\.env|os\.environ|env\(|\[redacted)|^(?:changeme|change-me|example|placeholder|dummy|fake|secret|password|none|null|undefined|true|false|xxx+|\*+)$|^your[-_]/i;
/** A connection string with a password in it (postgres://user:secret@host/db). */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^@\s]+@/i;
const PLAIN_URL = /^[a-z][a-z0-9+.-]*:\/\/[^\s@]+$/i;

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  if (!text) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function characterClasses(text: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(text)).length;
}

/**
 * A random-looking string: 16+ characters, at least 3.5 bits per character, letters and digits.
 * Hex-only strings pass only with `allowHex` (inside secret files): elsewhere a hex string is far
 * more often a git SHA or a checksum, which must survive in reports.
 */
export function looksRandom(value: string, options: { allowHex?: boolean } = {}): boolean {
  if (value.length < 16 || value.length > 4096 || /\s/.test(value)) return false;
  if (!options.allowHex && /^[0-9a-f]+$/i.test(value)) return false;
  if (!/[A-Za-z]/.test(value) || !/[0-9]/.test(value)) return false;
  return entropy(value) >= 3.5;
}

/**
 * Could this value, held under a secret-looking name, be the secret itself? Not a placeholder, not
 * a plain URL or an existing file path (SSH_AUTH_SOCK, GIT_ASKPASS), and either long or mixed
 * enough that replacing it everywhere does not replace an ordinary word: `AUTH_MODE=development`
 * keeps "development" readable in every report.
 */
export function plausibleSecret(value: string): boolean {
  if (value.length < MIN_SECRET_LENGTH || value.length > 8192) return false;
  if (PLACEHOLDER.test(value) || PLAIN_URL.test(value)) return false;
  if (path.isAbsolute(value) && !/\s/.test(value) && existsSync(value)) return false;
  if (/^\d+$/.test(value) && value.length < 12) return false;
  return value.length >= 16 || characterClasses(value) >= 2;
}

/** A key of a settings file or an environment variable that names a credential (`apiKey`, `_authToken`, `DB_PASSWORD` …). */
export function keyLooksSecret(key: string): boolean {
  let known = keyVerdicts.get(key);
  if (known === undefined) {
    known = judgeKey(key);
    if (keyVerdicts.size > 10_000) keyVerdicts.clear();
    keyVerdicts.set(key, known);
  }
  return known;
}

/** Keys repeat (the same variables in every line of a long output): each is judged once. */
const keyVerdicts = new Map<string, boolean>();

function judgeKey(key: string): boolean {
  const last = key.split(/[./:]/).filter(Boolean).at(-1) ?? key;
  const snake = last.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_');
  return isSecretVariable(snake);
}

/** Whether a value found under `key` (in a secret file, an env file line, the environment) is to be redacted. */
export function isSecretEntry(key: string, value: string, options: { allowHex?: boolean; shapes?: boolean } = {}): boolean {
  if (value.length < MIN_SECRET_LENGTH || value.startsWith('[redacted')) return false;
  if ((keyLooksSecret(key) || URL_WITH_PASSWORD.test(value)) && plausibleSecret(value)) return true;
  if (looksRandom(value, options) && !PLACEHOLDER.test(value)) return true;
  return options.shapes !== false && shapesIn(value).length > 0;
}

/** The values of the environment's credentials (the same names the test environment scrubs). */
export function secretsOfEnvironment(env: NodeJS.ProcessEnv): SecretValue[] {
  const values: SecretValue[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    if (isSecretVariable(name, value) ? plausibleSecret(value) : shapesIn(value).length > 0) values.push(...withParts(name, value));
  }
  return values;
}

/** A value and the parts that leak on their own: each line of a multi-line value, the password of a URL. */
export function withParts(name: string, value: string): SecretValue[] {
  const out: SecretValue[] = [{ name, value }];
  if (value.includes('\n')) {
    for (const line of value.split(/\r?\n/)) {
      const part = line.trim();
      if (part.length >= 16 && !part.startsWith('-----')) out.push({ name, value: part });
    }
  }
  const password = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@]+)@/i.exec(value)?.[1];
  if (password && password.length >= MIN_SECRET_LENGTH) out.push({ name, value: password });
  return out;
}
