import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';

/**
 * The places a confined run may write besides its sandbox, and those it must not read.
 *
 * Package caches: a run with the network (an install, or tests with `pipeline.testNetwork`) may
 * write the user's package caches, so that a download lands where the user's own builds find it;
 * those caches check what they hand out (npm, pnpm and yarn by the lockfile's integrity, Go
 * modules by go.sum, cargo's downloads by Cargo.lock). A run without the network cannot download
 * anything, so it only reads them: then a test cannot plant anything in them. Build caches, which
 * nothing checks, are never the user's: Go's build cache and cargo's target folder of a confined
 * run are Deploy Agent's own. A cache that does not exist yet is not created in the home folder:
 * the tool is pointed at one in Deploy Agent's cache instead, through its variable.
 */
export interface CacheLayout {
  /** Existing folders the run may write. */
  writable: string[];
  /** Variables pointing tools at Deploy Agent's caches (its own build caches; downloads whose cache did not exist). */
  env: Record<string, string>;
}

export function deployAgentCacheDir(): string {
  return envPaths('deploy-agent', { suffix: '' }).cache;
}

/** Go's build cache of confined runs (never the user's: nothing verifies a build result taken from it). */
export function confinedGoBuildCache(): string {
  return path.join(deployAgentCacheDir(), 'go-build');
}

export function packageCaches(env: NodeJS.ProcessEnv, options: { writable: boolean }, platform: NodeJS.Platform = process.platform): CacheLayout {
  const home = env.HOME || os.homedir();
  const cacheHome = platform === 'darwin' ? path.join(home, 'Library', 'Caches') : env.XDG_CACHE_HOME || path.join(home, '.cache');
  const dataHome = platform === 'darwin' ? path.join(home, 'Library') : env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const own = deployAgentCacheDir();
  mkdirSync(confinedGoBuildCache(), { recursive: true });
  const layout: CacheLayout = { writable: [own], env: { GOCACHE: confinedGoBuildCache() } };
  if (!options.writable) return layout;
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
  take(env.GOMODCACHE || path.join(env.GOPATH?.split(path.delimiter)[0] || path.join(home, 'go'), 'pkg', 'mod'), 'GOMODCACHE', 'go-mod');
  const cargoHome = env.CARGO_HOME || path.join(home, '.cargo');
  if (existsSync(cargoHome)) {
    for (const sub of ['registry', 'git']) {
      // Inside an existing cargo home these are cargo's own download folders; cargo would create them on first use.
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
  // This process's own data and settings (where its history really is), and those the run's environment names.
  const paths = envPaths('deploy-agent', { suffix: '' });
  candidates.push(paths.data, paths.config, path.join(configHome, 'deploy-agent'));
  if (platform !== 'darwin') candidates.push(path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'deploy-agent'));
  if (env.DEPLOY_AGENT_DB) {
    const db = path.resolve(env.DEPLOY_AGENT_DB);
    candidates.push(db, `${db}-wal`, `${db}-shm`, `${db}-journal`);
  }
  return [...new Set(candidates)].filter((p) => existsSync(p));
}
