import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isSecretFile, secretFileEntries } from './secret-files';
import { isSecretEntry, secretsOfEnvironment, withParts, type SecretValue } from './secret-values';

const run = promisify(execFile);

/** A secret file larger than this is not read (a keystore, a Terraform state of a big estate): its shapes are still caught. */
const MAX_FILE_BYTES = 512 * 1024;
const MAX_FILES = 500;

/** Where users keep registry, cloud and git credentials; read when present (the values are only held in memory). */
const HOME_CREDENTIALS = ['.npmrc', '.netrc', '.git-credentials', '.pypirc', '.aws/credentials', '.docker/config.json', '.config/gh/hosts.yml', '.vault-token'];

export interface GatheredSecrets {
  values: SecretValue[];
  /** The secret files read (repository-relative, or `~/…`). */
  files: string[];
  /** Secret files not read, and why (too large, unreadable, binary). */
  skipped: { file: string; reason: string }[];
}

/**
 * The secrets of one deployment, gathered once at its start: the credentials in the environment
 * it runs with, the values of the repository's secret files — tracked, untracked and ignored
 * (an ignored `.env` is the usual place), folders that are ignored as a whole excepted — and of
 * the user's credential files in the home folder.
 */
export async function gatherSecrets(input: { env: NodeJS.ProcessEnv; repoDir?: string; home?: string }): Promise<GatheredSecrets> {
  const out: GatheredSecrets = { values: secretsOfEnvironment(input.env), files: [], skipped: [] };
  const read = async (absolute: string, shown: string) => {
    try {
      const info = await stat(absolute);
      if (!info.isFile()) return;
      if (info.size > MAX_FILE_BYTES) return void out.skipped.push({ file: shown, reason: `larger than ${MAX_FILE_BYTES / 1024} KiB` });
      const buffer = await readFile(absolute);
      if (buffer.subarray(0, 8000).includes(0)) return void out.skipped.push({ file: shown, reason: 'binary' });
      out.files.push(shown);
      for (const entry of secretFileEntries(shown, buffer.toString('utf8'))) {
        // Inside a secret file a random hex value is a secret too (a session key, a signing seed).
        if (isSecretEntry(entry.key, entry.value, { allowHex: true })) out.values.push(...withParts(entry.key, entry.value));
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') out.skipped.push({ file: shown, reason: code ?? String(error) });
    }
  };

  const root = input.repoDir ? await repositoryRoot(input.repoDir) : undefined;
  if (root) {
    const files = (await secretFilesOf(root)).slice(0, MAX_FILES);
    for (const file of files) await read(path.join(root, file), file);
  }
  const home = input.home ?? input.env.HOME ?? os.homedir();
  if (home) for (const file of HOME_CREDENTIALS) await read(path.join(home, file), `~/${file}`);
  return out;
}

async function repositoryRoot(dir: string): Promise<string | undefined> {
  try {
    return (await run('git', ['rev-parse', '--show-toplevel'], { cwd: dir })).stdout.trim() || undefined;
  } catch {
    return undefined; // not a repository: the environment and the home folder only
  }
}

/** Tracked, untracked and ignored files whose names make them secret files (`--directory` keeps ignored folders such as node_modules to one line). */
async function secretFilesOf(root: string): Promise<string[]> {
  const list = async (args: string[]) => {
    try {
      return (await run('git', ['ls-files', '-z', ...args], { cwd: root, maxBuffer: 256 * 1024 * 1024 })).stdout.split('\0').filter(Boolean);
    } catch {
      return [];
    }
  };
  const [known, ignored] = await Promise.all([list(['--cached', '--others', '--exclude-standard']), list(['--others', '--ignored', '--exclude-standard', '--directory'])]);
  return [...new Set([...known, ...ignored])].filter((file) => !file.endsWith('/') && isSecretFile(file)).sort();
}
