import os from 'node:os';
import path from 'node:path';
import type { ProjectProfile } from '../analysis/types';
import { DeployAgentError } from '../errors';
import type { ReleaseTarget } from './types';

/** A target as written in `.deploy-agent/config.json` (`targets.NAME`; the JSON Schema in config/sections/release.ts checks it). */
export interface TargetConfig {
  type: 'ssh' | 'local';
  hosts?: string[];
  user?: string;
  port?: number;
  identityFile?: string;
  knownHosts?: string;
  hostKeys?: string[];
  path: string;
  environment?: string;
  keepReleases?: number;
  shared?: string[];
  steps?: { install?: string; build?: string; migrate?: string };
  start?: string;
  restart?: string;
  appPort?: number;
  healthCheck?: { url: string; expectStatus?: number; expectBody?: string; timeoutMs?: number };
  watch?: { minutes?: number; intervalMs?: number; metrics?: { command?: string; url?: string; maxErrorRateIncrease?: number; maxLatencyRatio?: number } };
  batchSize?: number;
  commandTimeoutMs?: number;
  minFreeMb?: number;
}

export const TARGETS_EXAMPLE =
  '"targets": { "staging": { "type": "ssh", "hosts": ["10.0.0.5"], "user": "deploy", "path": "/srv/app", "environment": "staging", "shared": [".env"], "healthCheck": { "url": "http://127.0.0.1:3000/health" } } }';

/** The project-profile fields a target's defaults come from. */
export type ProfileDefaults = Pick<ProjectProfile, 'commands' | 'port' | 'packageManager' | 'runtime'>;

/**
 * A target with every default filled in: install, build and start from the project profile
 * ([analysis]) unless the target sets them; the health check's port as the application's port;
 * `~` expanded for a local target (a remote `~` is the remote user's home, left to its shell).
 */
export function resolveTarget(name: string, config: TargetConfig, profile: ProfileDefaults | null, options: { homedir?: string } = {}): ReleaseTarget {
  const sources: ReleaseTarget['sources'] = {};
  const pick = <T>(key: string, set: T | undefined, fromProfile: T | null | undefined): T | undefined => {
    if (set !== undefined) {
      sources[key] = 'config';
      return set;
    }
    if (fromProfile !== null && fromProfile !== undefined) {
      sources[key] = 'profile';
      return fromProfile;
    }
    return undefined;
  };
  const commands = profile?.commands;
  const steps = {
    install: pick('steps.install', config.steps?.install, installDefault(profile)),
    build: pick('steps.build', config.steps?.build, commands?.build),
    migrate: pick('steps.migrate', config.steps?.migrate, null),
  };
  const healthPort = config.healthCheck ? portOf(config.healthCheck.url) : undefined;
  const appPort = pick('appPort', config.appPort ?? healthPort, profile?.port ?? null);
  const home = options.homedir ?? os.homedir();
  const local = config.type === 'local';
  if (!local && !config.hosts?.length) {
    throw new DeployAgentError('TARGET_INVALID', `Target ${name} is of type ssh but names no hosts.`, `Add "hosts": ["server.example.com"] to targets.${name} in .deploy-agent/config.json.`);
  }
  const target: ReleaseTarget = {
    name,
    type: config.type,
    hosts: local ? ['local'] : [...config.hosts!],
    ...(config.user ? { user: config.user } : {}),
    port: config.port ?? 22,
    ...(config.identityFile ? { identityFile: expandHome(config.identityFile, home) } : {}),
    ...(config.knownHosts ? { knownHosts: expandHome(config.knownHosts, home) } : {}),
    hostKeys: config.hostKeys ?? [],
    path: local ? path.resolve(expandHome(config.path, home)) : config.path,
    environment: config.environment ?? (local ? 'development' : name),
    keepReleases: config.keepReleases ?? 5,
    shared: config.shared ?? [],
    steps: Object.fromEntries(Object.entries(steps).filter(([, v]) => v !== undefined)),
    ...(config.restart ? { restart: config.restart } : {}),
    commandTimeoutMs: config.commandTimeoutMs ?? 600_000,
    minFreeMb: config.minFreeMb ?? 200,
    sources,
  };
  const start = pick('start', config.start, commands?.start);
  if (start !== undefined && !config.restart) target.start = start;
  if (profile?.runtime) target.runtime = profile.runtime;
  if (appPort !== undefined) target.appPort = appPort;
  if (config.healthCheck) {
    target.healthCheck = { url: config.healthCheck.url, expectStatus: config.healthCheck.expectStatus ?? 200, timeoutMs: config.healthCheck.timeoutMs ?? 30_000, ...(config.healthCheck.expectBody !== undefined ? { expectBody: config.healthCheck.expectBody } : {}) };
  }
  if (config.watch) {
    const m = config.watch.metrics;
    target.watch = {
      ...(config.watch.minutes !== undefined ? { minutes: config.watch.minutes } : {}),
      intervalMs: config.watch.intervalMs ?? 5000,
      ...(m ? { metrics: { ...(m.command ? { command: m.command } : {}), ...(m.url ? { url: m.url } : {}), maxErrorRateIncrease: m.maxErrorRateIncrease ?? 0.05, maxLatencyRatio: m.maxLatencyRatio ?? 1.5 } } : {}),
    };
  }
  if (config.batchSize !== undefined) target.batchSize = config.batchSize;
  if (!target.start && !target.restart) {
    throw new DeployAgentError(
      'TARGET_INVALID',
      `Target ${name} has no way to run the application: no "start" or "restart" is set and the project has no start command Deploy Agent could find.`,
      `Set "start": "node server.js" (Deploy Agent supervises it) or "restart": "systemctl --user restart app" (your service manager) in targets.${name}.`,
    );
  }
  return target;
}

/** The install a release runs when the target names none: production dependencies only when nothing is built. */
export function installDefault(profile: ProfileDefaults | null): string | null {
  const install = profile?.commands.install ?? null;
  if (!install) return null;
  if (profile?.commands.build) return install;
  if (install === 'npm ci') return 'npm ci --omit=dev';
  if (install === 'npm install') return 'npm install --omit=dev --no-audit --no-fund';
  return install;
}

/** Looks a target up by name, with an error that lists the ones there are. */
export function targetConfig(targets: Record<string, TargetConfig>, name: string): TargetConfig {
  const config = targets[name];
  if (config) return config;
  const names = Object.keys(targets);
  throw new DeployAgentError(
    'TARGET_NOT_FOUND',
    names.length ? `There is no target ${name}; the configured ones are ${names.join(', ')}.` : `There is no target ${name}: no release targets are configured.`,
    names.length ? 'Pass one of them with --target, or add it to .deploy-agent/config.json.' : `Add one to .deploy-agent/config.json, e.g. ${TARGETS_EXAMPLE}, or a local one: "local": { "type": "local", "path": "~/.deploy-agent/releases/app" }.`,
    { details: { targets: names } },
  );
}

function portOf(url: string): number | undefined {
  try {
    const parsed = new URL(url);
    return Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  } catch {
    return undefined;
  }
}

function expandHome(file: string, home: string): string {
  return file === '~' ? home : file.startsWith('~/') ? path.join(home, file.slice(2)) : file;
}
