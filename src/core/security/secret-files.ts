import path from 'node:path';

/**
 * Files that hold credentials by their name, after the file rules of gitleaks, detect-secrets'
 * filters and gitrob's signatures: env files, private keys and keystores, cloud and registry
 * credentials, Terraform variables and state. The model sees that such a file exists and which
 * keys it sets, never the values (see `maskSecretFile`); the values are redacted everywhere else.
 *
 * Templates are not secret files: `.env.example`, `.env.sample`, `.env.template`, `.env.dist`,
 * `.env.defaults` are what a project commits to document its variables.
 */
const SECRET_NAMES = new Set([
  '.env', '.envrc', '.npmrc', '.yarnrc.yml', '.pypirc', '.netrc', '_netrc', '.git-credentials', '.pgpass', '.htpasswd', '.dockercfg',
  '.s3cfg', '.boto', '.vault-token', '.terraformrc', 'terraform.rc', '.secrets', 'secrets.json', 'secrets.yml', 'secrets.yaml', 'secrets.toml',
  'credentials', 'kubeconfig', 'master.key',
]);
const TEMPLATE_SUFFIXES = ['.example', '.sample', '.template', '.dist', '.defaults', '.tmpl', '.tpl', '.schema'];
const SECRET_EXTENSIONS = new Set(['.pem', '.key', '.p12', '.pfx', '.p8', '.ppk', '.jks', '.keystore', '.kdbx', '.tfvars', '.tfstate', '.env']);
const SECRET_PATTERNS: readonly RegExp[] = [
  /^\.env\.[^/]+$/i, // .env.local, .env.production …
  /^id_[a-z0-9_-]+$/i, // id_rsa, id_ed25519 (not id_rsa.pub)
  /^(?:.*[-_.])?credentials(?:[-_.].*)?\.json$/i, // credentials.json, gcp-credentials.json
  /^client_secret.*\.json$/i,
  /^service[-_]?account.*\.json$/i,
  /\.tfstate\.backup$/i,
  /^kubeconfig/i,
];
/** Files in these folders are secret whatever they are called (`~/.aws/credentials`, `~/.docker/config.json`, `~/.ssh/…`). */
const SECRET_FOLDERS: readonly RegExp[] = [/(^|\/)\.aws\/(credentials|config)$/, /(^|\/)\.docker\/config\.json$/, /(^|\/)\.ssh\/[^/]+$/, /(^|\/)\.kube\/config$/, /(^|\/)\.config\/gh\/hosts\.ya?ml$/];
const PUBLIC = /\.pub$|^known_hosts|^authorized_keys|^config$/;

/** Whether a (repository-relative or absolute) path names a secret file. */
export function isSecretFile(file: string): boolean {
  const normal = file.replace(/\\/g, '/');
  const base = path.posix.basename(normal);
  const lower = base.toLowerCase();
  if (TEMPLATE_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return false;
  if (SECRET_FOLDERS.some((re) => re.test(normal))) return !(/(^|\/)\.ssh\//.test(normal) && PUBLIC.test(base));
  if (SECRET_NAMES.has(lower)) return true;
  if (SECRET_EXTENSIONS.has(path.posix.extname(lower))) return true;
  return SECRET_PATTERNS.some((re) => re.test(base));
}

/** One `key = value` found in a secret file (line is 0-based; -1 for JSON leaves). */
export interface SecretFileEntry {
  key: string;
  value: string;
  line: number;
}

const KEY_MATERIAL = /-----BEGIN [A-Z0-9 _-]+-----/;

/**
 * The values a secret file sets, for redaction: JSON leaves with their property name, `KEY=value`
 * and `key: value` lines (env, ini, YAML, .npmrc), URL passwords and netrc passwords on lines
 * without a key, and PEM blocks whole (named after the file).
 */
export function secretFileEntries(file: string, text: string): SecretFileEntry[] {
  const base = path.basename(file);
  const entries: SecretFileEntry[] = [];
  for (const block of text.match(/-----BEGIN [A-Z0-9 _-]+-----[\s\S]*?-----END [A-Z0-9 _-]+-----/g) ?? []) {
    entries.push({ key: base, value: block, line: -1 });
  }
  if (KEY_MATERIAL.test(text) && !/^\s*[{[]/.test(text)) return entries;
  const json = parseJson(text);
  if (json !== undefined) {
    walkJson(json, '', (key, value) => entries.push({ key, value, line: -1 }));
    return entries;
  }
  text.split('\n').forEach((raw, line) => {
    const parsed = parseLine(raw);
    if (parsed.kind === 'entry') {
      if (parsed.value) entries.push({ key: shortKey(parsed.key), value: parsed.value, line });
    } else if (parsed.kind === 'other') {
      const url = /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@]+)@/i.exec(raw)?.[1];
      if (url) entries.push({ key: base, value: url, line });
      const netrc = /\bpassword\s+(\S+)/.exec(raw)?.[1];
      if (netrc) entries.push({ key: 'password', value: netrc, line });
      if (!url && !netrc && raw.trim()) entries.push({ key: base, value: raw.trim(), line });
    }
  });
  return entries;
}

/**
 * What the model is shown of a secret file: its structure and keys with every value replaced by
 * `[redacted:KEY]`; comments and section headers stay, key material is reduced to its first and
 * last line. Values are replaced whether or not they look secret: the file says they are.
 */
export function maskSecretFile(file: string, text: string): string {
  const base = path.basename(file);
  if (KEY_MATERIAL.test(text) && !/^\s*[{[]/.test(text)) {
    return text.replace(/(-----BEGIN [A-Z0-9 _-]+-----)([\s\S]*?)(-----END [A-Z0-9 _-]+-----|$)/g, (_m, begin: string, body: string, end: string) => {
      const lines = body.split('\n').filter((l) => l.trim()).length;
      return `${begin}\n[redacted:${base} — ${lines} line${lines === 1 ? '' : 's'} of key material]\n${end}`;
    });
  }
  const json = parseJson(text);
  if (json !== undefined) return JSON.stringify(maskJson(json, base), null, 2) + '\n';
  return text
    .split('\n')
    .map((raw) => {
      const parsed = parseLine(raw);
      if (parsed.kind === 'keep') return raw;
      if (parsed.kind === 'entry') return parsed.value ? `${parsed.prefix}[redacted:${shortKey(parsed.key)}]` : raw;
      return `[redacted:${base} line]`;
    })
    .join('\n');
}

type ParsedLine = { kind: 'keep' } | { kind: 'entry'; prefix: string; key: string; value: string } | { kind: 'other' };

/** A line of an env / ini / YAML / .npmrc file: a comment or header to keep, a `key = value`, or something else. */
function parseLine(raw: string): ParsedLine {
  const line = raw.replace(/\r$/, '');
  const trimmed = line.trim();
  if (!trimmed || /^(#|;|\/\/\s|---$|\.\.\.$)/.test(trimmed) || /^\[[^\]=]+\]$/.test(trimmed)) return { kind: 'keep' };
  // The separator is the first `=`, or the first `:` followed by a space or the end (YAML), whichever comes first:
  // `//registry.npmjs.org/:_authToken=…` splits at `=`, `token: abc==` at `:`.
  const eq = line.indexOf('=');
  const colon = /:(?=\s|$)/.exec(line)?.index ?? -1;
  const at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
  if (at <= 0) return { kind: 'other' };
  const keyPart = line.slice(0, at);
  const key = keyPart.trim().replace(/^export\s+/, '').replace(/^- /, '').replace(/^["']|["']$/g, '');
  if (!key || /\s/.test(key)) return { kind: 'other' };
  const after = line.slice(at + 1);
  const lead = /^\s*/.exec(after)![0];
  let value = after.slice(lead.length).replace(/\s+$/, '');
  const quoted = /^(["'])(.*)\1$/.exec(value);
  if (quoted) value = quoted[2]!;
  else value = value.replace(/\s+#.*$/, '');
  // A YAML key that opens a block (`database:`) or a structure is kept as it is.
  if (!value || value === '|' || value === '>' || value === '{' || value === '[') return { kind: 'keep' };
  return { kind: 'entry', prefix: line.slice(0, at + 1) + lead, key, value };
}

function shortKey(key: string): string {
  return key.split(/[/:]/).filter(Boolean).at(-1) ?? key;
}

function parseJson(text: string): unknown {
  if (!/^\s*[{[]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function walkJson(value: unknown, key: string, visit: (key: string, value: string) => void): void {
  if (typeof value === 'string') visit(key, value);
  else if (Array.isArray(value)) for (const item of value) walkJson(item, key, visit);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walkJson(v, k, visit);
}

function maskJson(value: unknown, key: string): unknown {
  if (typeof value === 'string') return value ? `[redacted:${key}]` : value;
  if (Array.isArray(value)) return value.map((item) => maskJson(item, key));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskJson(v, k)]));
  return value;
}
