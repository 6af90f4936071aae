import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import type { ResolvedConfig, ResolvedSetting } from '../config/resolve';
import { chooseConfinement, detectConfinementTool, type ConfinementTool } from '../confinement';
import { describeError } from '../errors';
import { latestSchemaVersion } from '../store/database';
import { describeDbPathSource } from '../store/location';
import { DEFAULT_OLLAMA_HOST, probeOllama, type OllamaProbe } from './ollama-probe';
import { readSystemSnapshot, type SystemSnapshot } from './system-snapshot';

const run = promisify(execFile);

export interface Diagnostics {
  deployAgentVersion: string;
  host: 'cli' | 'vscode';
  node: { version: string; napiVersion: string; platform: string; arch: string; release: string };
  vscodeVersion?: string;
  git: { version: string | null; error?: string };
  /** `pathFrom`: where the path came from, in words ("the default location, shared by the deploy-agent CLI and VS Code", "DEPLOY_AGENT_DB" …). */
  database: { path: string; pathSource: string; pathFrom: string; schemaVersion: number; latestSchemaVersion: number; sqliteVersion: string; movedAside?: string };
  environment: {
    OLLAMA_HOST: string | null;
    ANTHROPIC_API_KEY: 'set' | 'not set';
    ANTHROPIC_BASE_URL: string | null;
    GITHUB_TOKEN: 'set' | 'not set';
    DEPLOY_AGENT_DB: string | null;
  };
  ollama: OllamaProbe;
  system: SystemSnapshot | { error: string };
  /** How model-written code (tests, gates, hooks) would run here with these settings. */
  confinement: { tool: ConfinementTool; inEffect: string; refused?: string };
  configuration: Record<string, ResolvedSetting>;
  /** Settings a repository's file tried to set but may not (user-only settings). */
  ignoredSettings?: { key: string; origin: string; reason: string }[];
  durationMs: number;
}

export interface CollectInput {
  version: string;
  host: 'cli' | 'vscode';
  vscodeVersion?: string;
  env: NodeJS.ProcessEnv;
  workingDir: string;
  store: { path: string; pathSource: string; schemaVersion: number; sqliteVersion: string; movedAside?: string | undefined };
  config: ResolvedConfig;
  ollamaTimeoutMs?: number;
}

/** Everything a user or a bug report needs to know about this installation. Never includes a secret's value. */
export async function collectDiagnostics(input: CollectInput): Promise<Diagnostics> {
  const started = performance.now();
  const ollamaHost = input.env.OLLAMA_HOST || configuredOllamaHost(input.config) || DEFAULT_OLLAMA_HOST;
  const [git, ollama, system, tool] = await Promise.all([
    gitVersion(),
    probeOllama(normalizeHost(ollamaHost), input.ollamaTimeoutMs),
    readSystemSnapshot(input.workingDir).catch((error: Error) => ({ error: error.message })),
    detectConfinementTool(input.env),
  ]);
  return {
    deployAgentVersion: input.version,
    host: input.host,
    node: {
      version: process.version,
      napiVersion: process.versions.napi ?? 'unknown',
      platform: process.platform,
      arch: process.arch,
      release: os.release(),
    },
    ...(input.vscodeVersion ? { vscodeVersion: input.vscodeVersion } : {}),
    git,
    database: {
      path: input.store.path,
      pathSource: input.store.pathSource,
      pathFrom: describeDbPathSource(input.store.pathSource),
      schemaVersion: input.store.schemaVersion,
      latestSchemaVersion,
      sqliteVersion: input.store.sqliteVersion,
      ...(input.store.movedAside ? { movedAside: input.store.movedAside } : {}),
    },
    environment: {
      OLLAMA_HOST: input.env.OLLAMA_HOST ?? null,
      ANTHROPIC_API_KEY: input.env.ANTHROPIC_API_KEY ? 'set' : 'not set',
      ANTHROPIC_BASE_URL: input.env.ANTHROPIC_BASE_URL ?? null,
      GITHUB_TOKEN: input.env.GITHUB_TOKEN ? 'set' : 'not set',
      DEPLOY_AGENT_DB: input.env.DEPLOY_AGENT_DB ?? null,
    },
    ollama,
    system,
    confinement: confinementInEffect(tool, input.config),
    configuration: input.config.settings,
    ...(input.config.ignored?.length ? { ignoredSettings: input.config.ignored } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}

function confinementInEffect(tool: ConfinementTool, config: ResolvedConfig): Diagnostics['confinement'] {
  try {
    const chosen = chooseConfinement(tool, { allowUnconfined: config.get<boolean>('pipeline.allowUnconfinedTests'), network: config.get<boolean>('pipeline.testNetwork') });
    return { tool, inEffect: chosen.kind === 'unconfined' ? chosen.description : `confined by ${chosen.description}` };
  } catch (error) {
    return { tool, inEffect: 'none: deployments are refused', refused: describeError(error) };
  }
}

function configuredOllamaHost(config: ResolvedConfig): string | undefined {
  const setting = config.settings['ollama.host'];
  return typeof setting?.value === 'string' && setting.value ? setting.value : undefined;
}

/** OLLAMA_HOST may be `host:port` without a scheme, as the ollama CLI accepts. */
export function normalizeHost(host: string): string {
  return /^https?:\/\//.test(host) ? host.replace(/\/+$/, '') : `http://${host.replace(/\/+$/, '')}`;
}

async function gitVersion(): Promise<Diagnostics['git']> {
  try {
    const { stdout } = await run('git', ['--version'], { timeout: 5000 });
    return { version: stdout.trim().replace(/^git version /, '') };
  } catch (error) {
    return { version: null, error: `git not found on PATH (${(error as Error).message}) — install git` };
  }
}
