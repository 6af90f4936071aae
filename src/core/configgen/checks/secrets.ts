import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FileEntry } from '../../analysis/types';
import { gatherSecrets } from '../../security/gather';
import { Redactor } from '../../security/redactor';
import { secretFileEntries } from '../../security/secret-files';
import { keyLooksSecret, plausibleSecret, type SecretValue } from '../../security/secret-values';
import { shapesIn } from '../../security/token-shapes';
import type { CheckProblem } from '../types';

/** Source files that hold configuration by their name (a Django settings module, a config.js). */
const CONFIG_SOURCE = /(^|\/)(settings|config|configuration|secrets?|credentials|application)(\.[\w-]+)?\.(py|js|cjs|mjs|ts|rb|php|exs?|properties|ya?ml|json|toml|ini|xml|cfg|conf)$/i;
const MAX_BYTES = 256 * 1024;
const MAX_FILES = 500;

/**
 * Every secret value the repository holds, to make sure no generated file carries one: what the
 * redaction layer gathers (the environment's credentials, the repository's secret files — `.env`,
 * keys, credential files, tracked or ignored) and the credential-named settings of its
 * configuration files (`password:` in config/database.yml, `apiKey` in a JSON config,
 * `SECRET_KEY = …` in settings.py), which are not secret files by name.
 */
export async function repositorySecrets(root: string, files: readonly FileEntry[], env: NodeJS.ProcessEnv = process.env): Promise<Redactor> {
  const gathered = await gatherSecrets({ env, repoDir: root });
  const values: SecretValue[] = [...gathered.values];
  const configs = files.filter((f) => (f.kind === 'config' || CONFIG_SOURCE.test(f.path)) && f.size <= MAX_BYTES).slice(0, MAX_FILES);
  for (const f of configs) {
    let text: string;
    try {
      if (statSync(path.join(root, f.path)).size > MAX_BYTES) continue;
      text = readFileSync(path.join(root, f.path), 'utf8');
    } catch {
      continue;
    }
    for (const entry of secretFileEntries(f.path, text)) {
      const value = unquote(entry.value);
      // In an ordinary configuration file only a credential-named setting or a token counts (random-looking values there are ids and versions).
      if ((keyLooksSecret(entry.key) && plausibleSecret(value)) || shapesIn(value).length) values.push({ name: entry.key, value });
    }
  }
  return new Redactor(values);
}

function unquote(value: string): string {
  return value.trim().replace(/^(['"])(.*)\1[,;]?$/, '$2');
}

/** No known secret value and no token shape in a generated file (the value itself is never repeated). */
export function checkNoSecrets(file: string, content: string, secrets: Redactor): { ran: string[]; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [];
  if (secrets.hasKnownValue(content)) {
    const redacted = secrets.text(content).split('\n');
    const line = redacted.findIndex((l) => l.includes('[redacted:'));
    problems.push({ file, rule: 'secret:repository-value', message: `a secret value of the repository is in the file (${/\[redacted:([^\]]+)\]/.exec(redacted[line] ?? '')?.[1] ?? 'a secret'})`, ...(line >= 0 ? { line: line + 1 } : {}) });
  }
  for (const shape of shapesIn(content)) problems.push({ file, rule: 'secret:token-shape', message: `the file holds what looks like a ${shape.id}` });
  return { ran: ['secret:repository-value', 'secret:token-shape'], problems };
}
