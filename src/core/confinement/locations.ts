import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';

/**
 * The places a confined run may write besides its sandbox, and those it must not read.
 *
 * Package-manager caches are writable, so that a test run or an install in the sandbox reuses
 * (and fills) what the user's own builds downloaded. A cache that does not exist yet is not
 * created in the user's home: the tool is pointed at one in Deploy Agent's own cache folder
 * instead, through its variable (GOCACHE, npm_config_cache, …), so a confined run never fails
 * for want of a folder and leaves nothing behind in the home folder.
 */
export interface CacheLayout {
  /** Existing folders the run may write. */
  writable: string[];
  /** Variables pointing tools whose cache did not exist at Deploy Agent's own. */
  env: Record<string, string>;
}

export function deployAgentCacheDir(): string {
  return envPaths('deploy-agent', { suffix: '' }).cache;
}

export function packageCaches(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): CacheLayout {
  const home = env.HOME || os.homedir();
  const cacheHome = platform === 'darwin' ? path.join(home, 'Library', 'Caches') : env.XDG_CACHE_HOME || path.join(home, '.cache');
  const dataHome = platform === 'darwin' ? path.join(home, 'Library') : env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const own = deployAgentCacheDir();
  mkdirSync(own, { recursive: true });
  const layout: CacheLayout = { writable: [own], env: {} };
  const take = (dir: string, variable: string | undefined, fallback: string) => {
    if (existsSync(dir)) layout.writable.push(dir);
    else if (variable) {
      const mine = path.join(own, fallback);
      mkdirSync(mine, { recursive: true });
      layout.env[variable] = mine;
    }
  };
  take(env.npm_config_cache || path.join(home, '.npm'), 'npm_config_cache', 'npm');
  take(path.join(dataHome, 'pnpm'), undefined, 'pnpm');
  take(path.join(cacheHome, 'pnpm'), undefined, 'pnpm-cache');
  take(path.join(cacheHome, 'yarn'), 'YARN_CACHE_FOLDER', 'yarn');
  take(path.join(home, '.yarn', 'berry'), undefined, 'yarn-berry');
  take(path.join(home, '.bun', 'install', 'cache'), 'BUN_INSTALL_CACHE_DIR', 'bun');
  take(env.PIP_CACHE_DIR || path.join(cacheHome, 'pip'), 'PIP_CACHE_DIR', 'pip');
  take(env.GOMODCACHE || path.join(env.GOPATH?.split(path.delimiter)[0] || path.join(home, 'go'), 'pkg', 'mod'), 'GOMODCACHE', 'go-mod');
  take(env.GOCACHE || path.join(cacheHome, 'go-build'), 'GOCACHE', 'go-build');
  // A shared build folder the user configured is a cache of the same kind.
  if (env.CARGO_TARGET_DIR && existsSync(env.CARGO_TARGET_DIR)) layout.writable.push(path.resolve(env.CARGO_TARGET_DIR));
  const cargoHome = env.CARGO_HOME || path.join(home, '.cargo');
  if (existsSync(cargoHome)) {
    for (const sub of ['registry', 'git']) {
      // Inside an existing cargo home these are cargo's own cache folders; cargo would create them on first use.
      mkdirSync(path.join(cargoHome, sub), { recursive: true });
      layout.writable.push(path.join(cargoHome, sub));
    }
  } else {
    const mine = path.join(own, 'cargo-home');
    mkdirSync(mine, { recursive: true });
    layout.env.CARGO_HOME = mine;
  }
  layout.writable = [...new Set(layout.writable)];
  return layout;
}

/**
 * Credential stores a confined run must not read: SSH and GPG keys, cloud and registry
 * credentials, git's stored passwords, and Deploy Agent's own history (transcripts) and
 * settings. Only those that exist are returned.
 */
export function credentialStores(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string[] {
  const home = env.HOME || os.homedir();
  const configHome = platform === 'darwin' ? path.join(home, 'Library', 'Application Support') : env.XDG_CONFIG_HOME || path.join(home, '.config');
  const candidates = [
    '.ssh',
    '.gnupg',
    '.aws',
    '.azure',
    '.kube',
    '.docker',
    '.password-store',
    '.netrc',
    '.git-credentials',
    '.npmrc',
    '.yarnrc.yml',
    '.pypirc',
    '.cargo/credentials',
    '.cargo/credentials.toml',
    '.config/gh',
    '.config/gcloud',
    '.config/git/credentials',
  ].map((p) => path.join(home, p));
  candidates.push(path.join(configHome, 'gh'), path.join(configHome, 'gcloud'));
  const paths = envPaths('deploy-agent', { suffix: '' });
  candidates.push(paths.data, paths.config);
  if (env.DEPLOY_AGENT_DB) {
    const db = path.resolve(env.DEPLOY_AGENT_DB);
    candidates.push(db, `${db}-wal`, `${db}-shm`, `${db}-journal`);
  }
  return [...new Set(candidates)].filter((p) => existsSync(p));
}
